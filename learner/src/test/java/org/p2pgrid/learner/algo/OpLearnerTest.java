package org.p2pgrid.learner.algo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.p2pgrid.learner.nn.ActionBounds;
import org.p2pgrid.learner.nn.CriticKind;
import org.p2pgrid.learner.nn.Djl;
import org.p2pgrid.learner.nn.NetworkConfig;
import org.p2pgrid.learner.replay.DualReplay;
import org.p2pgrid.learner.replay.ReplayBatch;
import org.p2pgrid.learner.replay.ReplayConfig;
import org.p2pgrid.learner.replay.ReplayShape;
import org.p2pgrid.learner.replay.Transition;

/** OP / OP-MH update (paper §III-B, eqs 27–40) on tiny nets: 3 agents, hidden 32, batch 16. */
class OpLearnerTest {
    static final int AGENTS = 3;
    static final int OBS = 10;
    static final int BATCH = 16;
    static final List<ActionBounds> BOUNDS = List.of(
            new ActionBounds(new int[] {0, 1}, new float[] {10f, 0f}, new float[] {50f, 30f}),
            new ActionBounds(new int[] {1, 2, 3}, new float[] {0f, -30f, -20f}, new float[] {30f, 30f, 20f}),
            new ActionBounds(new int[] {3, 4}, new float[] {-10f, 0f}, new float[] {10f, 5f}));
    static final NetworkConfig NET = NetworkConfig.defaults().withHidden(32).withAttention(16, 2, 8).withSeed(3);

    /** A fixed batch: random states, reward a function of the state, every row labelled with a mid-range expert action. */
    static ReplayBatch batch(long seed, boolean labelled) {
        SplittableRandom rng = new SplittableRandom(seed);
        DualReplay replay = new DualReplay(new ReplayShape(AGENTS, OBS, 5), ReplayConfig.defaults().withCapacities(64, 64));
        for (int t = 0; t < BATCH; t++) {
            float[][] obs = new float[AGENTS][OBS];
            float[][] next = new float[AGENTS][OBS];
            float[][] act = new float[AGENTS][5];
            float[][] label = new float[AGENTS][5];
            for (int i = 0; i < AGENTS; i++) {
                for (int f = 0; f < OBS; f++) {
                    obs[i][f] = (float) (rng.nextDouble() * 2 - 1);
                    next[i][f] = (float) (rng.nextDouble() * 2 - 1);
                }
                ActionBounds b = BOUNDS.get(i);
                float[] y = new float[b.size()];
                float[] yl = new float[b.size()];
                for (int j = 0; j < y.length; j++) {
                    y[j] = (float) (rng.nextDouble() * 1.8 - 0.9);
                    yl[j] = (float) (rng.nextDouble() * 1.4 - 0.7);
                }
                float[] a = b.denormalise(y);
                float[] l = b.denormalise(yl);
                for (int j = 0; j < y.length; j++) {
                    act[i][b.dims()[j]] = a[j];
                    label[i][b.dims()[j]] = l[j];
                }
            }
            double reward = obs[0][0] + 0.5 * obs[1][1];
            replay.add(Transition.of(1, 0, t, obs, act, reward, next, t == BATCH - 1, false, labelled ? label : null));
        }
        return replay.sample(BATCH, new SplittableRandom(seed + 1));
    }

    @Test
    void w2ClosedFormMatchesHandComputation() {
        try (NDManager m = Djl.newManager()) {
            NDArray mu = m.create(new float[] {0.5f, -1f, 2f, 0f}, new Shape(2, 2));
            NDArray sigma = m.create(new float[] {0.1f, 0.2f, 1f, 0.5f}, new Shape(2, 2));
            NDArray uE = m.create(new float[] {0f, 0f, 1f, 1f}, new Shape(2, 2));
            NDArray floor = m.create(0f);
            float[] w2 = OpLearner.w2(mu, sigma, uE, floor, false).toFloatArray();
            // row 0: (0.5)² + (−1)² + 0.1² + 0.2² = 1.3 ; row 1: 1² + (−1)² + 1² + 0.5² = 3.25
            assertEquals(Math.sqrt(1.3), w2[0], 1e-6);
            assertEquals(Math.sqrt(3.25), w2[1], 1e-6);
            float[] noSigma = OpLearner.w2(mu, sigma, uE, floor, true).toFloatArray();
            assertEquals(Math.sqrt(1.25), noSigma[0], 1e-6);
            assertEquals(Math.sqrt(2.0), noSigma[1], 1e-6);
        }
        // expert action mapping: mid-range → u = 0; clip keeps the bound finite
        ActionBounds b = BOUNDS.get(0);
        float[] u = OpLearner.expertPreTanh(b, new float[] {30f, 30f}, 0.999);
        assertEquals(0.0, u[0], 1e-6);
        assertEquals(0.5 * Math.log(1.999 / 0.001), u[1], 1e-3);
    }

    @Test
    void dualStepRisesAboveEpsilonAndClipsAtZero() {
        double[] lambda = {0.02, 0.02, 0.001};
        OpLearner.dualStep(lambda, new double[] {0.5, 0.1, 0.0}, 0.1, 0.01);
        assertEquals(0.02 + 0.01 * 0.4, lambda[0], 1e-15);
        assertEquals(0.02, lambda[1], 1e-15);
        assertEquals(0.0, lambda[2], 0.0);   // 0.001 − 0.001 < 0 → clipped
    }

    @Test
    void updateAppliesEq40ExactlyToTheMeasuredW2() {
        try (NDManager model = Djl.newManager()) {
            // ε large → λ clipped to 0 after enough steps; ε tiny → λ rises
            OpLearner up = new OpLearner(model, BOUNDS, OBS, NET,
                    OpLearner.Config.defaults(CriticKind.MLP).withLambda(0.02, 0.01).withEpsilonSchedule(0.0, 0.0, 0, 0));
            ReplayBatch batch = batch(1, true);
            double[] before = up.lambdas();
            OpLearner.UpdateStats st = up.update(batch);
            for (int i = 0; i < AGENTS; i++) {
                assertTrue(st.w2PerAgent()[i] > 0);
                assertEquals(Math.max(0, before[i] + 0.01 * (st.w2PerAgent()[i] - 0.0)), st.lambdas()[i], 1e-12);
                assertTrue(st.lambdas()[i] > before[i], "λ rises when Ŵ2 > ε");
            }
            OpLearner down = new OpLearner(model, BOUNDS, OBS, NET,
                    OpLearner.Config.defaults(CriticKind.MLP).withLambda(0.02, 0.01).withEpsilonSchedule(100, 100, 0, 0));
            OpLearner.UpdateStats d = down.update(batch);
            for (int i = 0; i < AGENTS; i++) {
                assertEquals(0.0, d.lambdas()[i], 0.0, "λ clipped at 0 when Ŵ2 < ε");
            }
            // no labelled rows → λ unchanged, imitation term 0
            OpLearner none = new OpLearner(model, BOUNDS, OBS, NET, OpLearner.Config.defaults(CriticKind.MLP));
            OpLearner.UpdateStats n = none.update(batch(2, false));
            assertEquals(0, n.labelledRows());
            assertEquals(0.02, n.meanLambda(), 1e-12);
            assertEquals(0.0, n.actorImitationTerm(), 0.0);
        }
    }

    @Test
    void imitationAloneMovesGreedyActionsTowardTheExpert() {
        try (NDManager model = Djl.newManager()) {
            OpLearner l = new OpLearner(model, BOUNDS, OBS, NET, OpLearner.Config.defaults(CriticKind.MLP)
                    .withLearningRate(3e-3).withActorQWeight(0).withLambda(10, 0));
            ReplayBatch batch = batch(5, true);
            double initial = greedyDistance(model, l, batch);
            double last = initial;
            for (int k = 0; k < 150; k++) {
                OpLearner.UpdateStats st = l.update(batch);
                assertTrue(Double.isFinite(st.actorLoss()) && Double.isFinite(st.meanW2()));
                if (k % 50 == 49) {
                    last = greedyDistance(model, l, batch);
                    System.out.printf("imitation: update %d, greedy distance %.4f (initial %.4f), mean W2 %.4f, sigma %.4f%n",
                            k + 1, last, initial, st.meanW2(), st.meanSigma());
                }
            }
            assertTrue(last < 0.5 * initial, "final " + last + " vs initial " + initial);
        }
    }

    /** Mean |y_greedy − y_expert| in normalised coordinates over rows, agents and own dims. */
    static double greedyDistance(NDManager model, OpLearner l, ReplayBatch batch) {
        double sum = 0;
        int count = 0;
        float[] obs = batch.observationsFlat();
        float[] labels = batch.expertLabelsFlat();
        try (NDManager s = model.newSubManager()) {
            for (int i = 0; i < AGENTS; i++) {
                float[] oi = new float[BATCH * OBS];
                for (int r = 0; r < BATCH; r++) {
                    System.arraycopy(obs, (r * AGENTS + i) * OBS, oi, r * OBS, OBS);
                }
                float[] greedy = l.actors().actor(i).greedyAction(s.create(oi, new Shape(BATCH, OBS)), l.squash(i))
                        .toFloatArray();
                ActionBounds b = l.bounds(i);
                int k = b.size();
                for (int r = 0; r < BATCH; r++) {
                    float[] g = b.normalise(java.util.Arrays.copyOfRange(greedy, r * k, r * k + k));
                    float[] e = new float[k];
                    for (int j = 0; j < k; j++) {
                        e[j] = labels[(r * AGENTS + i) * 5 + b.dims()[j]];
                    }
                    float[] en = b.normalise(e);
                    for (int j = 0; j < k; j++) {
                        sum += Math.abs(g[j] - en[j]);
                        count++;
                    }
                }
            }
        }
        return sum / count;
    }

    @Test
    void criticLossDecreasesOnAFixedBatch() {
        for (CriticKind kind : CriticKind.values()) {
            try (NDManager model = Djl.newManager()) {
                OpLearner l = new OpLearner(model, BOUNDS, OBS, NET,
                        OpLearner.Config.defaults(kind).withLearningRate(1e-3));
                ReplayBatch batch = batch(7, true);
                double first = 0;
                double last = 0;
                for (int k = 0; k < 50; k++) {
                    OpLearner.UpdateStats st = l.update(batch);
                    assertTrue(Double.isFinite(st.criticLoss()) && Double.isFinite(st.vLoss())
                            && Double.isFinite(st.actorLoss()) && Double.isFinite(st.meanQ()), "NaN at " + k);
                    assertEquals(BATCH, st.tdErrors().length);
                    for (double td : st.tdErrors()) {
                        assertTrue(Double.isFinite(td) && td >= 0);
                    }
                    if (k < 5) {
                        first += st.criticLoss() / 5;
                    }
                    if (k >= 45) {
                        last += st.criticLoss() / 5;
                    }
                }
                System.out.printf("%s critic loss: first-5 mean %.4f, last-5 mean %.4f%n", kind, first, last);
                assertTrue(last < 0.5 * first, kind + ": " + first + " -> " + last);
            }
        }
    }

    @Test
    void qTermAloneStillTrainsActorsThroughFrozenQ() {
        try (NDManager model = Djl.newManager()) {
            OpLearner l = new OpLearner(model, BOUNDS, OBS, NET,
                    OpLearner.Config.defaults(CriticKind.MLP).withLearningRate(1e-3).withLambda(0, 0));
            ReplayBatch batch = batch(11, true);
            float[] before = l.actors().actor(0).params().asList().get(0).toFloatArray();
            OpLearner.UpdateStats st = l.update(batch);
            float[] after = l.actors().actor(0).params().asList().get(0).toFloatArray();
            assertEquals(0.0, st.actorImitationTerm(), 0.0);
            assertTrue(!java.util.Arrays.equals(before, after), "−min Q must reach the actors through the frozen critics");
        }
    }

    @Test
    void managedArrayCountIsFlatOver100Updates() {
        try (NDManager model = Djl.newManager()) {
            OpLearner l = new OpLearner(model, BOUNDS, OBS, NET, OpLearner.Config.defaults(CriticKind.ATTENTION));
            ReplayBatch batch = batch(9, true);
            int first = -1;
            for (int k = 0; k < 100; k++) {
                l.update(batch);
                int count = model.getManagedArrays().size();
                if (k == 0) {
                    first = count;
                }
                assertEquals(first, count, "arrays leaked at update " + k);
            }
        }
    }
}
