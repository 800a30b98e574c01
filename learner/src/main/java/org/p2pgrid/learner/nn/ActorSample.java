package org.p2pgrid.learner.nn;

import ai.djl.ndarray.NDArray;

/**
 * One forward pass of a {@link GaussianActor} for a batch of B observations, over the agent's k own
 * action dims. All arrays live in the observation's manager.
 *
 * @param mean     μ [B, k], pre-squash Gaussian mean
 * @param logStd   log σ [B, k], clamped to the config's bounds
 * @param std      σ [B, k]
 * @param preTanh  u = μ + σ·ε [B, k] (reparameterised; u = μ for the greedy action)
 * @param squashed y = tanh(u) ∈ (−1, 1) [B, k] — the normalised action, what the critics take
 * @param action   a = lo + (y + 1)(hi − lo)/2 [B, k], physical units (kW / kvar)
 * @param logProb  log π(a | o) [B], density of the physical action incl. tanh and affine Jacobians
 */
public record ActorSample(
        NDArray mean, NDArray logStd, NDArray std, NDArray preTanh, NDArray squashed, NDArray action, NDArray logProb) {
}
