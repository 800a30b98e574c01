package org.p2pgrid.learner.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PolyakAndAdamTest {
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
    void polyakIsTauSourcePlusOneMinusTauTarget() {
        Params src = new Params(manager);
        Params dst = new Params(manager);
        src.add("w", manager.create(new float[] {1f, 2f, -3f}));
        dst.add("w", manager.create(new float[] {10f, 0f, 5f}));
        dst.setTrainable(false);
        double tau = 0.1;
        dst.polyakFrom(src, tau);
        assertArrayEquals(new float[] {0.1f * 1 + 0.9f * 10, 0.1f * 2, 0.1f * -3 + 0.9f * 5},
                dst.get("w").toFloatArray(), 1e-6f);
        // k updates from a fixed source: target = src + (1 − τ)^k (target₀ − src)
        for (int k = 1; k < 50; k++) {
            dst.polyakFrom(src, tau);
        }
        double f = Math.pow(0.9, 50);
        assertArrayEquals(new float[] {(float) (1 + f * 9), (float) (2 + f * -2), (float) (-3 + f * 8)},
                dst.get("w").toFloatArray(), 1e-5f);
        dst.polyakFrom(src, 1.0);
        assertArrayEquals(src.get("w").toFloatArray(), dst.get("w").toFloatArray(), 0f);
    }

    @Test
    void criticSetTargetStartsAsCopyAndFollowsEq37() {
        NetworkConfig cfg = NetworkConfig.defaults().withHidden(8).withAttention(8, 2, 4).withTau(0.25);
        for (CriticKind kind : CriticKind.values()) {
            CriticSet set = new CriticSet(manager, kind, 3, 10, 5, cfg);
            for (var e : set.v().params().asMap().entrySet()) {
                assertArrayEquals(e.getValue().toFloatArray(), set.vTarget().params().get(e.getKey()).toFloatArray(), 0f);
            }
            String name = set.v().params().asMap().keySet().iterator().next();
            NDArray v = set.v().params().get(name);
            float[] before = set.vTarget().params().get(name).toFloatArray();
            Djl.noGrad(() -> v.addi(manager.ones(v.getShape())));
            set.updateTarget();
            float[] after = set.vTarget().params().get(name).toFloatArray();
            float[] vNow = v.toFloatArray();
            for (int i = 0; i < after.length; i++) {
                assertEquals(0.25 * vNow[i] + 0.75 * before[i], after[i], 1e-6);
            }
        }
    }

    /** The fused native Adam step against the documented rule, computed in Java, for 3 steps. */
    @Test
    void adamMatchesReference() {
        Params p = new Params(manager);
        NDArray w = p.add("w", manager.create(new float[] {0.5f, -1f, 2f}));
        Adam adam = new Adam(p, 0.1, 0.9, 0.999, 1e-8);
        double[] ref = {0.5, -1, 2};
        double[] m = new double[3];
        double[] v = new double[3];
        float[] coef = {1f, -2f, 3f};
        for (int t = 1; t <= 3; t++) {
            try (NDManager step = manager.newSubManager()) {
                NDArray c = step.create(coef);
                try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                    // loss = Σ c·w²  → g = 2cw
                    gc.backward(c.mul(w.square()).sum());
                }
            }
            adam.step();
            for (int i = 0; i < 3; i++) {
                double g = 2 * coef[i] * ref[i];
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                double lrT = 0.1 * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t));
                ref[i] -= lrT * m[i] / (Math.sqrt(v[i]) + 1e-8);
            }
            float[] got = w.toFloatArray();
            for (int i = 0; i < 3; i++) {
                assertEquals(ref[i], got[i], 1e-5, "step " + t + " index " + i);
            }
            // gradients were zeroed by step()
            try (NDArray g = w.getGradient()) {
                assertEquals(0f, g.abs().sum().getFloat(), 0f);
            }
        }
        assertEquals(3, adam.steps());
        assertEquals(new Shape(3), adam.state().get(0).getShape());
    }
}
