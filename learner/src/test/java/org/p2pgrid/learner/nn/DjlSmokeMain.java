package org.p2pgrid.learner.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;

/** Run by {@link DjlTest} in a fresh JVM with an empty DJL cache: create, forward, backward, print. */
public final class DjlSmokeMain {
    private DjlSmokeMain() {}

    public static void main(String[] args) {
        Djl.configure();
        try (NDManager m = Djl.newManager()) {
            NDArray w = m.create(new float[] {1f, 2f, 3f});
            w.setRequiresGradient(true);
            NDArray three = m.full(new Shape(), 3f);
            try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                gc.backward(w.mul(three).square().sum()); // d/dw Σ(3w)² = 18w
            }
            System.out.println("SMOKE-OK grad=" + Arrays.toString(w.getGradient().toFloatArray())
                    + " device=" + m.getDevice() + " engine=" + Djl.engine().getVersion());
        }
    }
}
