package org.p2pgrid.learner.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.pomdp.ObservationLayout;
import org.p2pgrid.env.pomdp.Scenarios;

class GaussianActorTest {
    private static NDManager manager;
    private static final int[] ALL_DIMS = {0, 1, 2, 3, 4};
    private static final float[] LO = {20f, 0f, -50f, -30f, 0f};
    private static final float[] HI = {80f, 50f, 50f, 40f, 12f};

    @BeforeAll
    static void setUp() {
        manager = Djl.newManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    @Test
    void samplesStayInsideBoundsEvenForExtremeNoiseAndInputs() {
        GaussianActor actor = new GaussianActor(manager, 0, 10, ALL_DIMS, NetworkConfig.defaults().withHidden(32));
        try (NDManager step = manager.newSubManager()) {
            NDArray obs = step.randomNormal(0, 100, new Shape(256, 10), ai.djl.ndarray.types.DataType.FLOAT32);
            NDArray eps = step.randomNormal(0, 10, new Shape(256, 5), ai.djl.ndarray.types.DataType.FLOAT32);
            ActorSample s = Djl.noGrad(() -> actor.sample(obs, step.create(LO), step.create(HI), eps));
            float[] a = s.action().toFloatArray();
            for (int i = 0; i < a.length; i++) {
                int d = i % 5;
                assertTrue(a[i] >= LO[d] && a[i] <= HI[d], "dim " + d + ": " + a[i]);
            }
            float[] ls = s.logStd().toFloatArray();
            for (float v : ls) {
                assertTrue(v >= -20f && v <= 2f, "log σ " + v);
            }
        }
    }

    /** log π against the closed form in double, and against a finite-difference Jacobian of the inverse map. */
    @Test
    void logProbMatchesClosedFormAndFiniteDifferences() {
        GaussianActor actor = new GaussianActor(manager, 3, 10, ALL_DIMS, NetworkConfig.defaults().withHidden(32));
        int b = 16;
        try (NDManager step = manager.newSubManager()) {
            NDArray obs = step.randomNormal(new Shape(b, 10));
            SplittableRandom rng = new SplittableRandom(5);
            float[] epsV = new float[b * 5];
            for (int i = 0; i < epsV.length; i++) {
                epsV[i] = (float) GaussianActors.gaussian(rng);
            }
            NDArray eps = step.create(epsV, new Shape(b, 5));
            ActorSample s = actor.sample(obs, step.create(LO), step.create(HI), eps);
            float[] mu = s.mean().toFloatArray();
            float[] logStd = s.logStd().toFloatArray();
            float[] act = s.action().toFloatArray();
            float[] lp = s.logProb().toFloatArray();
            for (int r = 0; r < b; r++) {
                double closed = 0;
                double fd = 0;
                for (int d = 0; d < 5; d++) {
                    int i = r * 5 + d;
                    double sigma = Math.exp(logStd[i]);
                    double u = mu[i] + sigma * epsV[i];
                    double half = (HI[d] - LO[d]) / 2.0;
                    double gauss = -0.5 * epsV[i] * epsV[i] - logStd[i] - 0.5 * Math.log(2 * Math.PI);
                    closed += gauss - Math.log(1 - Math.tanh(u) * Math.tanh(u)) - Math.log(half);
                    // density of a: p_u(u(a)) · |du/da|, du/da by central differences of u(a) = atanh((a − mid)/half)
                    double mid = (HI[d] + LO[d]) / 2.0;
                    double a = mid + half * Math.tanh(u); // the action in double (float act[] checked below)
                    assertEquals(a, act[i], 1e-3 * Math.max(1, Math.abs(a)));
                    double h = 1e-6 * half;
                    double dudA = (atanh((a + h - mid) / half) - atanh((a - h - mid) / half)) / (2 * h);
                    double z = (atanh((a - mid) / half) - mu[i]) / sigma;
                    fd += -0.5 * z * z - Math.log(sigma) - 0.5 * Math.log(2 * Math.PI) + Math.log(dudA);
                }
                assertEquals(closed, lp[r], 1e-3 * Math.max(1, Math.abs(closed)), "row " + r);
                assertEquals(fd, lp[r], 2e-3 * Math.max(1, Math.abs(fd)), "row " + r + " (finite differences)");
            }
        }
    }

    private static double atanh(double x) {
        return 0.5 * Math.log((1 + x) / (1 - x));
    }

    @Test
    void greedyIsTheSquashedMeanAndGradientsFlowThroughTheSample() {
        GaussianActor actor = new GaussianActor(manager, 1, 10, new int[] {1, 2, 4}, NetworkConfig.defaults().withHidden(32));
        float[] lo = {0f, -5f, 0f};
        float[] hi = {5f, 5f, 2f};
        try (NDManager step = manager.newSubManager()) {
            NDArray obs = step.randomNormal(new Shape(4, 10));
            NDArray greedy = actor.greedyAction(obs, step.create(lo), step.create(hi));
            ActorSample s = Djl.noGrad(() -> actor.sample(obs, step.create(lo), step.create(hi), null));
            assertArrayEquals(s.action().toFloatArray(), greedy.toFloatArray(), 1e-6f);
            try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                ActorSample t = actor.sample(obs, step.create(lo), step.create(hi), step.randomNormal(new Shape(4, 3)));
                gc.backward(t.action().sum().add(t.logProb().sum()));
            }
            for (var e : actor.params().asMap().entrySet()) {
                try (NDArray g = e.getValue().getGradient()) {
                    assertTrue(g.abs().sum().getFloat() > 0, e.getKey());
                }
            }
            actor.params().zeroGradients();
        }
    }

    @Test
    void parameterCountsAreTheLayerSums() {
        int h = 256;
        GaussianActor actor = new GaussianActor(manager, 0, 10, new int[] {0, 1, 2, 3, 4}, NetworkConfig.defaults());
        long expected = (10L * h + h) + ((long) h * h + h) + 2L * (h * 5L + 5);
        assertEquals(expected, actor.params().count());

        List<ProsumerSpec> specs = Scenarios.defaults(1).prosumers();
        GaussianActors actors = GaussianActors.forProsumers(manager, ObservationLayout.SIZE, specs, NetworkConfig.defaults());
        long sum = 0;
        for (ProsumerSpec s : specs) {
            int k = s.activeActionDims().length;
            sum += (10L * h + h) + ((long) h * h + h) + 2L * (h * (long) k + k);
        }
        assertEquals(sum, actors.parameterCount());
        System.out.printf("20 actors: %,d parameters; ", sum);

        NetworkConfig cfg = NetworkConfig.defaults();
        int n = specs.size();
        MlpCritic mlp = new MlpCritic(manager, "m", n, 10, 5, cfg, 1);
        long in = n * 15L;
        assertEquals((in * h + h) + ((long) h * h + h) + ((long) h * n + n), mlp.params().count());
        AttentionCritic att = new AttentionCritic(manager, "a", n, 10, 5, cfg, 1);
        int dm = cfg.embedDim();
        int heads = cfg.heads();
        int dk = cfg.headDim();
        long embed = n * ((15L * dm + dm) + ((long) dm * dm + dm));
        long proj = 2L * dm * 2 * heads * dk + (long) dm * heads * dk + (long) heads * dk * dm + 4L * heads * dk;
        long head = n * ((2L * dm * h + h) + (h + 1L));
        assertEquals(embed + proj + head, att.params().count());
        System.out.printf("MLP critic: %,d; attention critic: %,d%n", mlp.params().count(), att.params().count());
    }

    @Test
    void jointSampleScattersOwnDimsIntoEq22Positions() {
        List<ProsumerSpec> specs = Scenarios.defaults(1).prosumers();
        NetworkConfig cfg = NetworkConfig.defaults().withHidden(16);
        GaussianActors actors = GaussianActors.forProsumers(manager, 10, specs, cfg);
        try (NDManager step = manager.newSubManager()) {
            int b = 3;
            NDArray obs = step.randomNormal(new Shape(b, specs.size(), 10));
            List<NDArray> lo = new java.util.ArrayList<>();
            List<NDArray> hi = new java.util.ArrayList<>();
            for (ProsumerSpec s : specs) {
                ActionBounds bounds = ActionBounds.of(s, 100);
                lo.add(bounds.loArray(step));
                hi.add(bounds.hiArray(step));
            }
            GaussianActors.JointSample js = Djl.noGrad(() ->
                    actors.sample(obs, lo, hi, actors.noise(step, new SplittableRandom(1), b)));
            assertEquals(new Shape(b, specs.size(), 5), js.action().getShape());
            assertEquals(new Shape(b, specs.size()), js.logProb().getShape());
            float[] full = js.action().toFloatArray();
            for (int i = 0; i < specs.size(); i++) {
                int[] dims = specs.get(i).activeActionDims();
                float[] own = js.perAgent().get(i).action().toFloatArray();
                for (int r = 0; r < b; r++) {
                    for (int d = 0; d < ProsumerAction.DIMS; d++) {
                        int j = java.util.Arrays.binarySearch(dims, d);
                        float expected = j >= 0 ? own[r * dims.length + j] : 0f;
                        assertEquals(expected, full[(r * specs.size() + i) * 5 + d], 1e-6f);
                    }
                }
            }
        }
    }

    @Test
    void actionBoundsFromSpecAndRoundTrip() {
        ProsumerSpec spec = Scenarios.defaults(1).prosumers().get(0);
        ActionBounds b = ActionBounds.of(spec, 200);
        assertArrayEquals(spec.activeActionDims(), b.dims());
        for (int j = 0; j < b.size(); j++) {
            if (b.dims()[j] == ProsumerAction.P_CL) {
                assertEquals(spec.cl().alpha() * 200, b.hi()[j], 1e-4);
            }
            if (b.dims()[j] == ProsumerAction.Q_RDG) {
                assertEquals(-b.hi()[j], b.lo()[j], 0f);
            }
        }
        float[] mid = new float[b.size()];
        for (int j = 0; j < mid.length; j++) {
            mid[j] = (b.lo()[j] + b.hi()[j]) / 2;
        }
        assertArrayEquals(new float[b.size()], b.normalise(mid), 1e-6f);
        assertArrayEquals(mid, b.denormalise(b.normalise(mid)), 1e-3f);
    }

    @Test
    void plainJavaSnapshotMatchesTheNdArrayGreedyAction() {
        GaussianActor actor = new GaussianActor(manager, 2, 10, new int[] {0, 1, 2, 4}, NetworkConfig.defaults());
        float[] lo = {10f, 0f, -20f, 0f};
        float[] hi = {50f, 20f, 20f, 3f};
        ActorSnapshot snap = new ActorSnapshot(actor, lo, hi);
        SplittableRandom rng = new SplittableRandom(3);
        for (int r = 0; r < 20; r++) {
            float[] o = new float[10];
            for (int i = 0; i < o.length; i++) {
                o[i] = (float) (rng.nextDouble() * 4 - 2);
            }
            try (NDManager step = manager.newSubManager()) {
                float[] expected = actor.greedyAction(step.create(o, new Shape(1, 10)), step.create(lo), step.create(hi))
                        .toFloatArray();
                assertArrayEquals(expected, snap.act(o), 1e-4f);
            }
        }
    }

    @Test
    void plainJavaSnapshotSamplesLikeTheNdArrayActorForTheSameNoise() {
        GaussianActor actor = new GaussianActor(manager, 1, 10, new int[] {0, 3, 4}, NetworkConfig.defaults().withHidden(32));
        float[] lo = {5f, -30f, 0f};
        float[] hi = {60f, 30f, 4f};
        ActorSnapshot.Weights w = ActorSnapshot.Weights.of(actor, lo, hi);
        ActorSnapshot snap = new ActorSnapshot(w);
        SplittableRandom rng = new SplittableRandom(5);
        for (int r = 0; r < 20; r++) {
            float[] o = new float[10];
            for (int i = 0; i < o.length; i++) {
                o[i] = (float) (rng.nextDouble() * 4 - 2);
            }
            long seed = rng.nextLong();
            float[] eps = new float[3];
            SplittableRandom noise = new SplittableRandom(seed);
            for (int j = 0; j < eps.length; j++) {
                eps[j] = (float) GaussianActors.gaussian(noise);
            }
            try (NDManager step = manager.newSubManager()) {
                float[] expected = Djl.noGrad(() -> actor.sample(step.create(o, new Shape(1, 10)), step.create(lo),
                        step.create(hi), step.create(eps, new Shape(1, 3))).action().toFloatArray());
                assertArrayEquals(expected, snap.sample(o, eps), 1e-4f);
                assertArrayEquals(expected, snap.sample(o, new SplittableRandom(seed)), 1e-4f, "same generator as noise()");
            }
            // the weights record is plain data: a second snapshot from it decides identically
            assertArrayEquals(snap.act(o), new ActorSnapshot(w).act(o), 0f);
        }
    }
}
