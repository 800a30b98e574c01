package org.p2pgrid.learner.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.NDScope;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Long-lived scalar tensors for use as operands in anything that is differentiated. DJL's
 * {@code x.mul(2f)} wraps the Java number in a tensor it frees right after the op while autograd
 * still holds it for backward — wrong or NaN gradients once a GC runs (DEPENDENCY-NOTES, DJL).
 * Always write {@code x.mul(c.of(2))} with the batch tensor FIRST so the result lands in the
 * batch's (per-step) manager, never in the model manager. Thread-safe; constants are created on
 * first use and exempted from any open {@code NDScope}.
 */
final class Consts {
    private final NDManager manager;
    private final Map<Float, NDArray> cache = new ConcurrentHashMap<>();

    Consts(NDManager manager) {
        this.manager = manager;
    }

    NDArray of(double value) {
        return cache.computeIfAbsent((float) value, v -> {
            NDArray constant = manager.full(new Shape(), v);
            NDScope.unregister(constant); // created lazily, possibly inside a caller's per-step NDScope: must outlive it
            return constant;
        });
    }
}
