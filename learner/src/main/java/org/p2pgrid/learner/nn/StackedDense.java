package org.p2pgrid.learner.nn;

import ai.djl.ndarray.NDArray;
import java.util.SplittableRandom;

/**
 * A separate fully connected layer per agent, as one batched matmul: W [A, in, out], b [A, 1, out];
 * x [A, B, in] → [A, B, out]. Used inside the attention critic, whose per-agent embeddings and
 * output heads all see the same batch.
 */
final class StackedDense {
    final NDArray weight;
    final NDArray bias;

    StackedDense(Params params, String name, SplittableRandom rng, int agents, int in, int out) {
        this.weight = params.uniform(name + ".W", rng, in, agents, in, out);
        this.bias = params.uniform(name + ".b", rng, in, agents, 1, out);
    }

    NDArray apply(NDArray x) {
        return x.matMul(weight).add(bias);
    }
}
