package org.p2pgrid.learner.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Adam over one {@link Params}, with its state (first and second moments) created EAGERLY at
 * construction in the parameters' manager. DJL's own {@code Optimizer.adam()} creates its state
 * lazily inside the first update, so a per-step {@code NDScope} closes it (DEPENDENCY-NOTES);
 * owning the state also makes it checkpointable ({@link #state()}).
 *
 * <p>Each {@link #step()} is one fused native {@code adamUpdate} per tensor (PyTorch engine), then
 * zeroes the gradients. Update rule, with t the step count:
 * m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − lr·√(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + ε).
 * This is Kingma & Ba's "efficient version" (ε̂ form); it differs from {@code torch.optim.Adam}
 * (ε added to √v̂) only in where ε enters.
 */
public final class Adam {
    private final Params params;
    private final List<NDArray> weights = new ArrayList<>();
    private final List<NDArray> means = new ArrayList<>();
    private final List<NDArray> variances = new ArrayList<>();
    private double learningRate;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private long steps;

    public Adam(Params params, double learningRate) {
        this(params, learningRate, 0.9, 0.999, 1e-8);
    }

    public Adam(Params params, double learningRate, double beta1, double beta2, double epsilon) {
        this.params = params;
        this.learningRate = learningRate;
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.epsilon = (float) epsilon;
        for (Map.Entry<String, NDArray> e : params.asMap().entrySet()) {
            NDArray w = e.getValue();
            weights.add(w);
            NDArray m = params.manager().zeros(w.getShape(), w.getDataType());
            m.setName(e.getKey() + ".adam.m");
            NDArray v = params.manager().zeros(w.getShape(), w.getDataType());
            v.setName(e.getKey() + ".adam.v");
            NDScope.unregister(m, v); // eager and exempt from any open per-step NDScope
            means.add(m);
            variances.add(v);
        }
    }

    /** One update from the accumulated gradients, then zeroes them. Tensors without a gradient are skipped. */
    public void step() {
        steps++;
        double coef1 = 1 - Math.pow(beta1, steps);
        double coef2 = 1 - Math.pow(beta2, steps);
        float biasCorrectedLr = (float) (learningRate * Math.sqrt(coef2) / coef1);
        Djl.noGrad(() -> {
            for (int i = 0; i < weights.size(); i++) {
                NDArray w = weights.get(i);
                if (!w.hasGradient()) {
                    continue;
                }
                // getGradient() returns a new wrapper attached to the parameter's manager: close it.
                try (NDArray g = w.getGradient()) {
                    w.getNDArrayInternal().adamUpdate(
                            new NDList(w, g, means.get(i), variances.get(i)), new NDList(w),
                            (float) learningRate, biasCorrectedLr, 0f, 1f, -1f,
                            beta1, beta2, epsilon, false, false);
                }
            }
        });
        params.zeroGradients();
    }

    public long steps() {
        return steps;
    }

    public double learningRate() {
        return learningRate;
    }

    public void setLearningRate(double lr) {
        this.learningRate = lr;
    }

    /** Moments in parameter order (m₀, v₀, m₁, v₁, ...) — the live tensors, for checkpoints. */
    public NDList state() {
        NDList out = new NDList();
        for (int i = 0; i < means.size(); i++) {
            out.add(means.get(i));
            out.add(variances.get(i));
        }
        return out;
    }

    /** Restores the step count (moments are restored by writing into {@link #state()}'s tensors). */
    public void setSteps(long steps) {
        this.steps = steps;
    }
}
