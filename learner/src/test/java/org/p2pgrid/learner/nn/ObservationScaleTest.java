package org.p2pgrid.learner.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.pomdp.ObservationLayout;
import org.p2pgrid.env.pomdp.P2pTradingEnv;
import org.p2pgrid.env.pomdp.JointPolicy;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.env.pomdp.StepResult;

class ObservationScaleTest {
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = Djl.newManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    @Test
    void nominalRangesMapOntoMinusOneToOne() {
        Scenario sc = Scenarios.defaults(1);
        ProsumerSpec spec = sc.prosumers().stream().filter(ProsumerSpec::hasCdg).findFirst().orElseThrow();
        double maxLoad = 400;
        ObservationScale s = ObservationScale.of(spec, maxLoad, sc.tariff());
        float[] lo = new float[ObservationLayout.SIZE];
        float[] hi = new float[ObservationLayout.SIZE];
        lo[ObservationLayout.TIME] = 0;
        hi[ObservationLayout.TIME] = 1;
        lo[ObservationLayout.P_LOAD] = 0;
        hi[ObservationLayout.P_LOAD] = (float) maxLoad;
        lo[ObservationLayout.P_RDG_MAX] = 0;
        hi[ObservationLayout.P_RDG_MAX] = (float) spec.rdg().sMaxKva();
        lo[ObservationLayout.PREV_P_CDG] = (float) spec.cdg().pMinKw();
        hi[ObservationLayout.PREV_P_CDG] = (float) spec.cdg().pMaxKw();
        lo[ObservationLayout.PREV_SOC] = 0;
        hi[ObservationLayout.PREV_SOC] = 1;
        lo[ObservationLayout.PREV_VOLTAGE] = 0.95f;
        hi[ObservationLayout.PREV_VOLTAGE] = 1.05f;
        float[] a = s.apply(lo);
        float[] b = s.apply(hi);
        for (int j : new int[] {ObservationLayout.TIME, ObservationLayout.P_LOAD, ObservationLayout.P_RDG_MAX,
                ObservationLayout.PREV_P_CDG, ObservationLayout.PREV_SOC, ObservationLayout.PREV_VOLTAGE}) {
            assertEquals(-1f, a[j], 1e-5f, ObservationLayout.NAMES.get(j));
            assertEquals(1f, b[j], 1e-5f, ObservationLayout.NAMES.get(j));
        }
        assertFalse(s.isIdentity());
        assertTrue(ObservationScale.identity(10).isIdentity());
        assertThrows(IllegalArgumentException.class, () -> ObservationScale.of(spec, 0, sc.tariff()));
        assertThrows(IllegalArgumentException.class, () -> new ObservationScale(new float[2], new float[] {1, 0}));
    }

    /** Every feature of real rule-based episodes stays O(1) after scaling (it spans up to 10^3 before). */
    @Test
    void realObservationsAreOrderOneAfterScaling() {
        Scenario sc = Scenarios.defaults(1);
        List<ObservationScale> scales = new ArrayList<>();
        double[] maxLoad = new double[sc.prosumers().size()];
        for (int d : new int[] {10, 100, 200}) {
            double[][] load = sc.exogenous().day(d).pLoadKw();
            for (int i = 0; i < maxLoad.length; i++) {
                for (double p : load[i]) {
                    maxLoad[i] = Math.max(maxLoad[i], p);
                }
            }
        }
        for (int i = 0; i < maxLoad.length; i++) {
            scales.add(ObservationScale.of(sc.prosumers().get(i), maxLoad[i], sc.tariff()));
        }
        P2pTradingEnv env = new P2pTradingEnv(sc);
        JointPolicy rule = Scenarios.ruleBased(sc);
        double rawMax = 0;
        double scaledMax = 0;
        for (int d : new int[] {10, 100, 200}) {
            double[][] obs = env.reset(d);
            for (int t = 0; t < 96; t++) {
                for (int i = 0; i < obs.length; i++) {
                    float[] x = scales.get(i).apply(toFloat(obs[i]));
                    for (int j = 0; j < x.length; j++) {
                        rawMax = Math.max(rawMax, Math.abs(obs[i][j]));
                        scaledMax = Math.max(scaledMax, Math.abs(x[j]));
                    }
                }
                StepResult r = env.step(rule.act(obs));
                obs = r.observations();
            }
        }
        assertTrue(rawMax > 100, "raw features reach " + rawMax);
        assertTrue(scaledMax < 3, "scaled features reach " + scaledMax);
    }

    /** The snapshot folds the normalisation into its first layer and decides on RAW observations like the actor. */
    @Test
    void snapshotFoldsTheScaleIntoTheFirstLayer() {
        Scenario sc = Scenarios.defaults(1);
        ProsumerSpec spec = sc.prosumers().get(3);
        ObservationScale scale = ObservationScale.of(spec, 350, sc.tariff());
        int[] dims = spec.activeActionDims();
        GaussianActor actor = new GaussianActor(manager, 3, 10, dims, NetworkConfig.defaults(), scale);
        ActionBounds bounds = ActionBounds.of(spec, 350);
        ActorSnapshot snap = new ActorSnapshot(actor, bounds);
        SplittableRandom rng = new SplittableRandom(9);
        for (int r = 0; r < 20; r++) {
            float[] o = {(float) rng.nextDouble(), 0.8f, 0.4f, (float) (rng.nextDouble() * 300),
                    (float) (rng.nextDouble() * 350), (float) (rng.nextDouble() * 80), 0f, (float) rng.nextDouble(),
                    (float) (rng.nextDouble() * 200 - 100), (float) (0.95 + rng.nextDouble() * 0.1)};
            try (NDManager step = manager.newSubManager()) {
                float[] expected = actor.greedyAction(step.create(o, new Shape(1, 10)), step.create(bounds.lo()),
                        step.create(bounds.hi())).toFloatArray();
                float[] got = snap.act(o);
                for (int j = 0; j < got.length; j++) {
                    double tol = 1e-4 * (bounds.hi()[j] - bounds.lo()[j]);
                    assertEquals(expected[j], got[j], tol, "dim " + j);
                }
            }
        }
        // and differs from an unscaled actor with the same initial weights: the scale is really applied
        GaussianActor raw = new GaussianActor(manager, 3, 10, dims, NetworkConfig.defaults());
        float[] o = {0.5f, 0.8f, 0.4f, 120f, 200f, 30f, 0f, 0.5f, 10f, 1.0f};
        try (NDManager step = manager.newSubManager()) {
            NDArray x = step.create(o, new Shape(1, 10));
            float[] a = actor.greedyAction(x, step.create(bounds.lo()), step.create(bounds.hi())).toFloatArray();
            float[] b = raw.greedyAction(x, step.create(bounds.lo()), step.create(bounds.hi())).toFloatArray();
            assertFalse(java.util.Arrays.equals(a, b));
        }
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
