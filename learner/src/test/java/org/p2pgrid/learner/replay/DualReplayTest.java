package org.p2pgrid.learner.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DualReplayTest {
    private static final ReplayShape SHAPE = Fixtures.SHAPE;

    private static DualReplay filled(int normal, int violations, ReplayConfig config) {
        DualReplay r = new DualReplay(SHAPE, config);
        long id = 0;
        for (int i = 0; i < normal; i++) {
            r.add(Fixtures.transition(id++, false));
        }
        for (int i = 0; i < violations; i++) {
            r.add(Fixtures.transition(id++, true));
        }
        return r;
    }

    private static ReplayConfig small() {
        return ReplayConfig.defaults().withCapacities(1000, 500);
    }

    @Test
    void routesByViolationFlag() {
        DualReplay r = new DualReplay(SHAPE, small());
        long n = r.add(Fixtures.transition(1, false));
        long v = r.add(Fixtures.transition(2, true));
        assertEquals(DualReplay.NORMAL, DualReplay.shardOf(n));
        assertEquals(DualReplay.VIOLATION, DualReplay.shardOf(v));
        assertEquals(1, r.normalSize());
        assertEquals(1, r.violationSize());
        assertTrue(r.get(v).violation());
        assertFalse(r.get(n).violation());
    }

    @Test
    void batchesAreDrawnKToOneMinusK() {
        DualReplay r = filled(600, 200, small());
        assertArrayEquals(new int[] {102, 26}, r.split(128, false)); // round(0.8·128) = 102
        ReplayBatch b = r.sample(128, new SplittableRandom(1));
        int violations = 0;
        for (int row = 0; row < b.size(); row++) {
            boolean v = DualReplay.shardOf(b.ref(row)) == DualReplay.VIOLATION;
            assertEquals(v, b.transition(row).violation());
            assertEquals(row >= 102, v, "normal rows first");
            violations += v ? 1 : 0;
        }
        assertEquals(26, violations);
        DualReplay half = new DualReplay(SHAPE, small().withNormalFraction(0.5));
        for (int i = 0; i < 100; i++) {
            half.add(Fixtures.transition(i, i % 2 == 0));
        }
        assertArrayEquals(new int[] {64, 64}, half.split(128, false));
    }

    @Test
    void fallsBackGracefullyWhileTheViolationShardIsSmallOrEmpty() {
        assertArrayEquals(new int[] {128, 0}, filled(300, 0, small()).split(128, false), "empty violation shard");
        assertArrayEquals(new int[] {125, 3}, filled(300, 3, small()).split(128, false), "3 violations: each once");
        assertArrayEquals(new int[] {0, 128}, filled(0, 40, small()).split(128, false), "empty normal shard");
        assertArrayEquals(new int[] {40, 88}, filled(40, 300, small()).split(128, false), "small normal shard");
        int[] tiny = filled(10, 2, small()).split(128, false);
        assertEquals(128, tiny[0] + tiny[1]);
        assertArrayEquals(new int[] {107, 21}, tiny, "both small: proportional to content 10:2");
        assertThrows(IllegalStateException.class, () -> filled(0, 0, small()).sample(128, new SplittableRandom(1)));
        // And sampling actually works in each case.
        for (int[] c : new int[][] {{300, 0}, {300, 3}, {0, 40}, {10, 2}}) {
            ReplayBatch b = filled(c[0], c[1], small()).sample(128, new SplittableRandom(4));
            assertEquals(128, b.size());
        }
    }

    @Test
    void priorityUpdatesAreRoutedToTheRightShard() {
        DualReplay r = filled(50, 50, small());
        ReplayBatch b = r.sample(128, new SplittableRandom(2));
        long[] refs = b.refs();
        double[] losses = new double[refs.length];
        for (int i = 0; i < refs.length; i++) {
            losses[i] = DualReplay.shardOf(refs[i]) == DualReplay.VIOLATION ? 9.0 : 4.0;
        }
        assertEquals(refs.length, r.updatePriorities(refs, losses));
        PrioritizedReplay probe = new PrioritizedReplay(SHAPE, 1, 0.6, 1e-6);
        for (long ref : refs) {
            double expected = probe.priorityOf(DualReplay.shardOf(ref) == DualReplay.VIOLATION ? 9.0 : 4.0);
            assertEquals(expected, r.priority(ref), 1e-12);
        }
    }

    @Test
    void stalePriorityUpdatesAreIgnored() {
        DualReplay r = filled(0, 0, ReplayConfig.defaults().withCapacities(8, 8));
        for (int i = 0; i < 8; i++) {
            r.add(Fixtures.transition(i, false));
        }
        ReplayBatch b = r.sample(16, new SplittableRandom(3));
        for (int i = 8; i < 16; i++) {
            r.add(Fixtures.transition(i, false));
        }
        double[] losses = new double[16];
        Arrays.fill(losses, 1e9);
        assertEquals(0, r.updatePriorities(b.refs(), losses));
    }

    @Test
    void betaAnnealsWithSampleCalls() {
        DualReplay r = filled(20, 0, small().withBeta(0.4, 1.0, 10));
        assertEquals(0.4, r.currentBeta(), 1e-12);
        for (int i = 0; i < 5; i++) {
            r.sample(4, new SplittableRandom(i));
        }
        assertEquals(0.7, r.currentBeta(), 1e-12);
        for (int i = 0; i < 20; i++) {
            r.sample(4, new SplittableRandom(i));
        }
        assertEquals(1.0, r.currentBeta(), 1e-12);
    }

    @Test
    void labelsAttachLaterAndMaskTheImitationTerm() {
        DualReplay r = new DualReplay(SHAPE, small());
        List<Long> refs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            refs.add(r.add(Fixtures.transition(i, i % 4 == 0)));
        }
        assertThrows(IllegalStateException.class, () -> r.sampleLabelled(8, new SplittableRandom(1)));
        ReplayBatch none = r.sample(32, new SplittableRandom(1));
        assertEquals(0, none.labelledCount());
        assertTrue(Arrays.equals(new float[32 * SHAPE.jointActionLength()], none.expertLabelsFlat()));

        float[][] label = Fixtures.label(SHAPE, 0.5f);
        assertTrue(r.attachLabel(refs.get(0), label)); // a violation transition
        assertTrue(r.attachLabel(refs.get(1), label)); // a normal one
        assertEquals(2, r.labelledSize());
        assertArrayEquals(label, r.get(refs.get(0)).expertLabel());
        ReplayBatch lab = r.sampleLabelled(10, new SplittableRandom(5));
        // 1 + 1 labelled: each contributes one row, the other 8 are split in proportion (4 : 4).
        assertArrayEquals(new int[] {5, 5}, r.split(10, true));
        for (int row = 0; row < lab.size(); row++) {
            assertTrue(lab.labelled(row));
            assertTrue(lab.ref(row) == refs.get(0) || lab.ref(row) == refs.get(1));
        }
        ReplayBatch mixed = r.sample(128, new SplittableRandom(6));
        boolean[] mask = mixed.labelledMask();
        float[] labels = mixed.expertLabelsFlat();
        for (int row = 0; row < mixed.size(); row++) {
            boolean expected = mixed.ref(row) == refs.get(0) || mixed.ref(row) == refs.get(1);
            assertEquals(expected, mask[row]);
            assertEquals(expected ? 0.5f : 0f, labels[row * SHAPE.jointActionLength()]);
        }
    }

    @Test
    void batchRowsMatchTheStoredTransitionsAndFlatArrays() {
        DualReplay r = new DualReplay(SHAPE, small());
        for (int i = 0; i < 200; i++) {
            long ref = r.add(Fixtures.transition(SHAPE, i, i % 3 == 0, i % 2 == 0));
            assertEquals(Fixtures.transition(SHAPE, i, i % 3 == 0, i % 2 == 0), r.get(ref));
        }
        ReplayBatch b = r.sample(64, new SplittableRandom(8));
        int ol = SHAPE.jointObsLength();
        int al = SHAPE.jointActionLength();
        for (int row = 0; row < b.size(); row++) {
            Transition t = b.transition(row);
            assertEquals(r.get(b.ref(row)), t);
            assertEquals(t.hasExpertLabel(), b.labelled(row));
            float[] o = new float[ol];
            float[] n = new float[ol];
            float[] a = new float[al];
            float[] l = new float[al];
            t.copyObservation(o, 0);
            t.copyNextObservation(n, 0);
            t.copyAction(a, 0);
            t.copyExpertLabel(l, 0);
            assertArrayEquals(o, Arrays.copyOfRange(b.observationsFlat(), row * ol, row * ol + ol));
            assertArrayEquals(n, Arrays.copyOfRange(b.nextObservationsFlat(), row * ol, row * ol + ol));
            assertArrayEquals(a, Arrays.copyOfRange(b.actionsFlat(), row * al, row * al + al));
            assertArrayEquals(l, Arrays.copyOfRange(b.expertLabelsFlat(), row * al, row * al + al));
            assertEquals(t.reward(), b.rewards()[row]);
            assertEquals(t.done(), b.dones()[row]);
            assertEquals(t.violation(), b.violations()[row]);
        }
    }

    @Test
    void sameSeedSameBatches() {
        ReplayBatch a = filled(300, 50, small()).sample(128, new SplittableRandom(77));
        ReplayBatch b = filled(300, 50, small()).sample(128, new SplittableRandom(77));
        assertArrayEquals(a.refs(), b.refs());
        assertArrayEquals(a.weights(), b.weights());
    }

    /** Drives a replay through adds, samples, priority updates and labels; returns the refs it sampled. */
    private static List<long[]> exercise(DualReplay r, SplittableRandom rng, int rounds, long firstId) {
        List<long[]> sampled = new ArrayList<>();
        long id = firstId;
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < 37; i++, id++) {
                long ref = r.add(Fixtures.transition(id, rng.nextInt(7) == 0));
                if (rng.nextInt(3) == 0) {
                    r.attachLabel(ref, Fixtures.label(SHAPE, (float) rng.nextDouble()));
                }
            }
            ReplayBatch b = r.sample(64, rng);
            sampled.add(b.refs());
            double[] losses = new double[b.size()];
            for (int i = 0; i < losses.length; i++) {
                losses[i] = rng.nextDouble(0, 50);
            }
            r.updatePriorities(b.refs(), losses);
            if (r.labelledSize() > 0) {
                sampled.add(r.sampleLabelled(32, rng).refs());
            }
        }
        return sampled;
    }

    @Test
    void snapshotRoundTripRestoresStateAndSamplesIdentically() throws IOException {
        ReplayConfig config = ReplayConfig.defaults().withCapacities(300, 120).withBeta(0.4, 1.0, 50);
        DualReplay original = new DualReplay(SHAPE, config);
        exercise(original, new SplittableRandom(11), 15, 0); // wraps both rings

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        original.writeTo(bytes);
        DualReplay restored = DualReplay.readFrom(new ByteArrayInputStream(bytes.toByteArray()));
        assertTrue(original.sameState(restored));
        assertEquals(original.size(), restored.size());
        assertEquals(original.labelledSize(), restored.labelledSize());
        assertEquals(original.currentBeta(), restored.currentBeta());

        // Identical continuation: same adds, samples, updates and labels from the same RNG state.
        List<long[]> a = exercise(original, new SplittableRandom(12), 10, 10_000);
        List<long[]> b = exercise(restored, new SplittableRandom(12), 10, 10_000);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "batch " + i);
        }
        assertTrue(original.sameState(restored));
        ReplayBatch x = original.sample(128, new SplittableRandom(13));
        ReplayBatch y = restored.sample(128, new SplittableRandom(13));
        assertArrayEquals(x.weights(), y.weights());
        assertEquals(x.transitions(), y.transitions());
    }

    @Test
    void snapshotOfAnEmptyReplayAndViaFiles(@TempDir Path dir) throws IOException {
        DualReplay empty = new DualReplay(SHAPE, small());
        Path f = dir.resolve("replay.bin");
        empty.writeTo(f);
        assertTrue(empty.sameState(DualReplay.readFrom(f)));
        DualReplay full = filled(30, 5, small());
        full.writeTo(f); // replaces atomically
        DualReplay back = DualReplay.readFrom(f);
        assertTrue(full.sameState(back));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void truncatedOrCorruptSnapshotsFailClearly() throws IOException {
        DualReplay r = new DualReplay(SHAPE, small());
        exercise(r, new SplittableRandom(21), 3, 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        r.writeTo(out);
        byte[] good = out.toByteArray();

        for (int cut : new int[] {0, 5, 40, 100, good.length / 2, good.length - 1}) {
            byte[] truncated = Arrays.copyOf(good, cut);
            ReplaySnapshotException e = assertThrows(ReplaySnapshotException.class,
                    () -> DualReplay.readFrom(new ByteArrayInputStream(truncated)), "cut at " + cut);
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
        SplittableRandom rng = new SplittableRandom(1);
        for (int trial = 0; trial < 200; trial++) {
            byte[] corrupt = good.clone();
            int pos = rng.nextInt(corrupt.length);
            corrupt[pos] ^= (byte) (1 + rng.nextInt(255));
            assertThrows(ReplaySnapshotException.class,
                    () -> DualReplay.readFrom(new ByteArrayInputStream(corrupt)), "flip at " + pos);
        }
        byte[] garbage = "definitely not a replay snapshot".getBytes();
        ReplaySnapshotException e = assertThrows(ReplaySnapshotException.class,
                () -> DualReplay.readFrom(new ByteArrayInputStream(garbage)));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
        // The good bytes still restore (nothing shared/half-applied).
        assertTrue(r.sameState(DualReplay.readFrom(new ByteArrayInputStream(good))));
    }

    @Test
    void snapshotConsumesExactlyItsBytes() throws IOException {
        DualReplay r = filled(20, 3, small());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        r.writeTo(out);
        out.write(new byte[] {42, 43});
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        DualReplay back = DualReplay.readFrom(in);
        assertTrue(r.sameState(back));
        assertEquals(42, in.read());
    }
}
