package org.p2pgrid.learner.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The named trainable tensors of one network, in creation order, all owned by one long-lived
 * manager. Initialisation is done in Java from a {@link SplittableRandom} so weights are identical
 * for a seed on every device and engine build.
 */
public final class Params {
    private final NDManager manager;
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();

    public Params(NDManager manager) {
        this.manager = manager;
    }

    public NDManager manager() {
        return manager;
    }

    /** Registers {@code array} (which must belong to {@link #manager()}) as trainable. */
    public NDArray add(String name, NDArray array) {
        if (arrays.containsKey(name)) {
            throw new IllegalArgumentException("duplicate parameter " + name);
        }
        array.setName(name);
        array.setRequiresGradient(true);
        NDScope.unregister(array); // parameters must outlive any per-step NDScope open at construction
        arrays.put(name, array);
        return array;
    }

    /** U(−b, b) with b = 1/√fanIn, PyTorch's {@code nn.Linear} default for weights and biases. */
    public NDArray uniform(String name, SplittableRandom rng, long fanIn, long... shape) {
        float bound = (float) (1.0 / Math.sqrt(fanIn));
        float[] v = new float[(int) new Shape(shape).size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return add(name, manager.create(v, new Shape(shape)));
    }

    /** N(0, std²). */
    public NDArray normal(String name, SplittableRandom rng, double std, long... shape) {
        float[] v = new float[(int) new Shape(shape).size()];
        for (int i = 0; i < v.length; i += 2) {
            // Box–Muller, two at a time.
            double u1 = 1.0 - rng.nextDouble();
            double u2 = rng.nextDouble();
            double r = Math.sqrt(-2 * Math.log(u1));
            v[i] = (float) (std * r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < v.length) {
                v[i + 1] = (float) (std * r * Math.sin(2 * Math.PI * u2));
            }
        }
        return add(name, manager.create(v, new Shape(shape)));
    }

    public NDArray get(String name) {
        NDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter " + name + " in " + arrays.keySet());
        }
        return a;
    }

    public Map<String, NDArray> asMap() {
        return Collections.unmodifiableMap(arrays);
    }

    /** Number of scalar parameters. */
    public long count() {
        long n = 0;
        for (NDArray a : arrays.values()) {
            n += a.size();
        }
        return n;
    }

    /** The tensors themselves (not copies), in order; e.g. for {@code NDList.encode()} checkpoints. */
    public NDList asList() {
        return new NDList(arrays.values());
    }

    /**
     * Makes these parameters constants: no gradient is recorded for them (target networks; freezing
     * Q during the actor pass is done by not stepping its optimiser, or by this).
     */
    public void setTrainable(boolean trainable) {
        for (NDArray a : arrays.values()) {
            a.setRequiresGradient(trainable);
        }
    }

    /**
     * Zeroes the accumulated gradients in place. PyTorch's {@code GradientCollector} never does it
     * (DJL issue #2024), so every optimiser step must be followed by this.
     */
    public void zeroGradients() {
        for (NDArray a : arrays.values()) {
            if (a.hasGradient()) {
                JniUtils.zeroGrad((PtNDArray) a);
            }
        }
    }

    /** Copies values from {@code source} (same names and shapes) in place, without autograd. */
    public void copyFrom(Params source) {
        Djl.noGrad(() -> {
            for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
                NDArray src = source.get(e.getKey());
                checkShape(e.getKey(), e.getValue(), src);
                e.getValue().set(src.toByteBuffer());
            }
        });
    }

    /**
     * Eq (37), ψ̄ ← τψ + (1 − τ)ψ̄, in place on these (target) parameters, without autograd. The
     * one temporary per tensor is closed here, so nothing accumulates in either manager.
     */
    public void polyakFrom(Params source, double tau) {
        if (!(tau >= 0 && tau <= 1)) {
            throw new IllegalArgumentException("tau must be in [0, 1], got " + tau);
        }
        Djl.noGrad(() -> {
            for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
                NDArray target = e.getValue();
                NDArray src = source.get(e.getKey());
                checkShape(e.getKey(), target, src);
                try (NDArray scaled = src.mul((float) tau)) {   // τψ           (eq 37)
                    target.muli((float) (1 - tau)).addi(scaled);  // + (1 − τ)ψ̄  (eq 37)
                }
            }
        });
    }

    private static void checkShape(String name, NDArray a, NDArray b) {
        if (!a.getShape().equals(b.getShape())) {
            throw new IllegalArgumentException("parameter " + name + ": shape " + a.getShape() + " vs " + b.getShape());
        }
    }
}
