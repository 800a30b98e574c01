package org.p2pgrid.learner.nn;

import ai.djl.ndarray.NDArray;

/**
 * A centralised critic of paper §III-B: per-agent values Q_θᵢ(s, a) (with actions) or V_ψᵢ(s)
 * (without), for all N agents at once.
 *
 * <p>Inputs: {@code obs} [B, N, obsDim] — the global state s as the stack of all agents' eq-23
 * observations (the training loop normalises features); {@code actions} [B, N, actionDim] — the
 * joint action, each agent's eq-22 vector in the actor's normalised (−1, 1) coordinates with zeros
 * at dims it does not own ({@link GaussianActors.JointSample#squashed()}), or {@code null} when
 * {@link #actionDim()} is 0 (a V network). Output [B, N]: one value per agent i, i.e. the paper's
 * Q_θᵢ / V_ψᵢ (with a shared reward, eqs 24–25, all N estimate the same return through different
 * heads). All results live in {@code obs}'s manager.
 */
public interface Critic {
    NDArray forward(NDArray obs, NDArray actions);

    Params params();

    int agents();

    int obsDim();

    /** 0 for a state-value network V. */
    int actionDim();

    /**
     * Estimated native bytes that one batch row costs while a forward pass with autograd is alive and
     * its backward runs: every intermediate a DJL manager holds until it closes, plus backward's
     * transient gradients. Used to size update chunks ({@code OpLearner.Config.Chunking}); an
     * estimate (calibrated against peak RSS, benchmarks/RESULTS.md "Stress"), not a bound.
     */
    long bytesPerRow();
}
