package org.p2pgrid.learner.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;
import java.util.SplittableRandom;

/** One fully connected layer y = x Wᵀ + b as a single fused {@code torch::linear} call. W is [out, in]. */
final class Dense {
    final NDArray weight;
    final NDArray bias;

    Dense(Params params, String name, SplittableRandom rng, int in, int out) {
        this.weight = params.uniform(name + ".W", rng, in, out, in);
        this.bias = params.uniform(name + ".b", rng, in, out);
    }

    /** x [..., in] → [..., out]; the result lives in x's manager. */
    NDArray apply(NDArray x) {
        return Linear.linear(x, weight, bias).singletonOrThrow();
    }
}
