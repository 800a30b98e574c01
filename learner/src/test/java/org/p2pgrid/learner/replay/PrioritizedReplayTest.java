package org.p2pgrid.learner.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PrioritizedReplayTest {
    private static final ReplayShape SHAPE = Fixtures.SHAPE;

    @Test
    void capacityIsABoundAndTheOldestIsOverwritten() {
        PrioritizedReplay r = new PrioritizedReplay(SHAPE, 50, 0.6, 1e-6);
        long[] refs = new long[170];
        long bytesWhenFull = -1;
        for (int i = 0; i < refs.length; i++) {
            refs[i] = r.add(Fixtures.transition(i, false));
            assertEquals(Math.min(i + 1, 50), r.size());
            if (i == 49) {
                bytesWhenFull = r.allocatedBytes();
            }
        }
        assertEquals(50, r.size());
        assertEquals(170, r.totalAdded());
        assertEquals(bytesWhenFull, r.allocatedBytes(), "no growth once full");
        for (int i = 0; i < refs.length; i++) {
            assertEquals(i >= 120, r.isLive(refs[i]), "ref " + i);
        }
        assertEquals(Fixtures.transition(169, false), r.get(refs[169]));
        assertThrows(IllegalArgumentException.class, () -> r.get(refs[0]));
        // Everything sampled is among the 50 newest.
        ReplayBatch b = r.sample(256, new SplittableRandom(1), 0.4, false);
        for (long ref : b.refs()) {
            assertTrue(ref >= 120 && ref < 170, "sampled " + ref);
        }
    }

    @Test
    void storageGrowsOnDemandUpToTheCapacityOnly() {
        ReplayShape paper = ReplayShape.forEnv(20);
        PrioritizedReplay r = new PrioritizedReplay(paper, 100_000, 0.6, 1e-6);
        long full = 100_000L * paper.bytesPerTransition();
        long small = r.allocatedBytes();
        assertTrue(small < full / 10, "lazy: " + small);
        for (int i = 0; i < 3000; i++) {
            r.add(Fixtures.transition(paper, i, false, false));
        }
        assertTrue(r.allocatedBytes() < full / 5, "grown: " + r.allocatedBytes());
    }

    @Test
    void newTransitionsGetTheCurrentMaxPriority() {
        PrioritizedReplay r = new PrioritizedReplay(SHAPE, 10, 0.5, 1e-6);
        long a = r.add(Fixtures.transition(0, false));
        assertEquals(1.0, r.priority(a));
        r.updatePriority(a, 16.0);
        assertEquals(Math.pow(16 + 1e-6, 0.5), r.priority(a), 1e-12);
        long b = r.add(Fixtures.transition(1, false));
        assertEquals(r.priority(a), r.priority(b));
        r.updatePriority(a, 0.0);
        r.updatePriority(b, 4.0);
        long c = r.add(Fixtures.transition(2, false));
        assertEquals(Math.pow(4 + 1e-6, 0.5), r.priority(c), 1e-12, "max of what is held now");
    }

    @Test
    void priorityUpdatesChangeSampling() {
        PrioritizedReplay r = new PrioritizedReplay(SHAPE, 20, 1.0, 1e-6);
        long[] refs = new long[20];
        for (int i = 0; i < 20; i++) {
            refs[i] = r.add(Fixtures.transition(i, false));
        }
        double[] losses = new double[20];
        java.util.Arrays.fill(losses, 0.01);
        losses[7] = 100.0; // 100 / (100 + 19·0.01) ≈ 99.8 %
        assertEquals(20, r.updatePriorities(refs, losses));
        ReplayBatch b = r.sample(1000, new SplittableRandom(3), 1.0, false);
        int hits = 0;
        for (long ref : b.refs()) {
            if (ref == refs[7]) {
                hits++;
            }
        }
        assertTrue(hits > 990, "hits " + hits);
        // IS weights: the over-sampled one gets the smallest weight, the rest weight 1.
        for (int row = 0; row < b.size(); row++) {
            double w = b.weight(row);
            assertTrue(w > 0 && w <= 1, "weight " + w);
            if (b.ref(row) == refs[7]) {
                assertEquals(Math.pow((0.01 + 1e-6) / (100 + 1e-6), 1.0), w, 1e-12);
            } else {
                assertEquals(1.0, w, 1e-12);
            }
        }
    }

    @Test
    void staleIndexUpdatesAreIgnored() {
        PrioritizedReplay r = new PrioritizedReplay(SHAPE, 4, 1.0, 1e-6);
        for (int i = 0; i < 4; i++) {
            r.add(Fixtures.transition(i, false));
        }
        ReplayBatch b = r.sample(4, new SplittableRandom(9), 0.5, false);
        long[] sampled = b.refs();
        for (int i = 4; i < 8; i++) {
            r.add(Fixtures.transition(i, false)); // overwrites every slot
        }
        double before = r.maxPriority();
        double[] huge = {1e6, 1e6, 1e6, 1e6};
        assertEquals(0, r.updatePriorities(sampled, huge));
        assertEquals(before, r.maxPriority());
        for (long ref = 4; ref < 8; ref++) {
            assertEquals(1.0, r.priority(ref));
        }
        assertFalse(r.updatePriority(-1, 1));
        assertFalse(r.updatePriority(99, 1), "not yet written");
        assertFalse(r.attachLabel(sampled[0], Fixtures.label(SHAPE, 1f)));
    }

    @Test
    void importanceWeightsAreInZeroOneAndMaxIsOne() {
        PrioritizedReplay r = new PrioritizedReplay(SHAPE, 64, 0.6, 1e-6);
        SplittableRandom rng = new SplittableRandom(5);
        long[] refs = new long[64];
        double[] losses = new double[64];
        for (int i = 0; i < 64; i++) {
            refs[i] = r.add(Fixtures.transition(i, false));
            losses[i] = i % 5 == 0 ? 0.0 : rng.nextDouble(0, 1e4);
        }
        r.updatePriorities(refs, losses);
        for (double beta : new double[] {0.0, 0.4, 1.0}) {
            ReplayBatch b = r.sample(128, rng, beta, false);
            double max = 0;
            for (double w : b.weights()) {
                assertTrue(w > 0 && w <= 1, "w=" + w);
                max = Math.max(max, w);
            }
            if (beta == 0.0) {
                assertEquals(1.0, max);
            }
        }
    }

    @Test
    void labelsCanArriveLaterAndLabelledOnlySamplingSeesOnlyThem() {
        PrioritizedReplay r = new PrioritizedReplay(SHAPE, 30, 0.6, 1e-6);
        long[] refs = new long[30];
        for (int i = 0; i < 30; i++) {
            refs[i] = r.add(Fixtures.transition(i, false));
        }
        assertEquals(0, r.labelledSize());
        assertThrows(IllegalStateException.class, () -> r.sample(8, new SplittableRandom(1), 1, true));
        ReplayBatch unl = r.sample(16, new SplittableRandom(1), 1, false);
        assertEquals(0, unl.labelledCount());
        assertNull(unl.transition(0).expertLabel());

        float[][] label = Fixtures.label(SHAPE, 2.5f);
        assertTrue(r.attachLabel(refs[3], label));
        assertTrue(r.attachLabel(refs[11], Fixtures.label(SHAPE, -1f)));
        assertEquals(2, r.labelledSize());
        assertArrayEquals(label, r.get(refs[3]).expertLabel());
        ReplayBatch lab = r.sample(64, new SplittableRandom(2), 1, true);
        for (int row = 0; row < lab.size(); row++) {
            assertTrue(lab.ref(row) == refs[3] || lab.ref(row) == refs[11]);
            assertTrue(lab.labelled(row));
        }
        ReplayBatch mixed = r.sample(300, new SplittableRandom(3), 1, false);
        for (int row = 0; row < mixed.size(); row++) {
            boolean expected = mixed.ref(row) == refs[3] || mixed.ref(row) == refs[11];
            assertEquals(expected, mixed.labelled(row));
            assertEquals(expected, mixed.transition(row).hasExpertLabel());
        }
        // Re-labelling replaces, does not double count; wrong shapes and NaN are rejected.
        assertTrue(r.attachLabel(refs[3], Fixtures.label(SHAPE, 7f)));
        assertEquals(2, r.labelledSize());
        assertThrows(IllegalArgumentException.class, () -> r.attachLabel(refs[4], new float[2][5]));
        float[][] nan = Fixtures.label(SHAPE, 0f);
        nan[1][2] = Float.NaN;
        assertThrows(IllegalArgumentException.class, () -> r.attachLabel(refs[4], nan));
        // Overwriting a labelled slot with an unlabelled transition drops it from the labelled count.
        for (int i = 30; i < 60; i++) {
            r.add(Fixtures.transition(i, false));
        }
        assertEquals(0, r.labelledSize());
    }

    @Test
    void extremeLossesKeepTheTreeFinite() {
        PrioritizedReplay r = new PrioritizedReplay(SHAPE, 8, 10.0, 1e-6);
        long a = r.add(Fixtures.transition(0, false));
        long b = r.add(Fixtures.transition(1, false));
        assertTrue(r.updatePriority(a, Double.POSITIVE_INFINITY));
        assertTrue(r.updatePriority(b, -1e300));
        assertTrue(Double.isFinite(r.priority(a)) && Double.isFinite(r.priority(b)));
        assertThrows(IllegalArgumentException.class, () -> r.updatePriority(a, Double.NaN));
        ReplayBatch batch = r.sample(16, new SplittableRandom(1), 1.0, false);
        for (double w : batch.weights()) {
            assertTrue(w > 0 && w <= 1);
        }
    }

    @Test
    void rejectsMismatchedShapes() {
        PrioritizedReplay r = new PrioritizedReplay(SHAPE, 8, 0.6, 1e-6);
        Transition other = Fixtures.transition(new ReplayShape(2, 4, 5), 1, false, false);
        assertThrows(IllegalArgumentException.class, () -> r.add(other));
    }

    @Test
    void flatArraysMatchTheTransition() {
        Transition t = Fixtures.transition(SHAPE, 42, true, true);
        float[][] obs = t.observation();
        float[] flat = new float[SHAPE.jointObsLength()];
        t.copyObservation(flat, 0);
        for (int i = 0; i < SHAPE.agents(); i++) {
            for (int d = 0; d < SHAPE.obsDim(); d++) {
                assertEquals(obs[i][d], flat[i * SHAPE.obsDim() + d]);
            }
        }
        obs[0][0] = 1234f; // accessor returns a copy: the transition is immutable
        assertFalse(t.observation()[0][0] == 1234f);
        Transition unl = Fixtures.transition(SHAPE, 42, true, false);
        assertEquals(t, unl.withExpertLabel(t.expertLabel()));
    }

    @Test
    void memoryPerTransitionForThePaperShape() {
        ReplayShape paper = ReplayShape.forEnv(20);
        assertEquals(600, paper.floatsPerTransition());
        assertEquals(2433, paper.bytesPerTransition());
    }
}
