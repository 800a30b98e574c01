package org.p2pgrid.learner.nn;

/**
 * Sizes and constants of the networks. Defaults are Table-II-like (the paper gives no layer sizes;
 * 256 is the common SAC/MADDPG choice and what DEPENDENCY-NOTES measured).
 *
 * @param hidden      width of every hidden layer (actor trunk, critic MLPs, attention output MLP)
 * @param embedDim    d_model of the attention critic: per-agent embedding width (eq 31's E columns)
 * @param heads       number of differential attention heads h (eqs 31–33)
 * @param headDim     d_k: width of each of Q₁ʰ, Q₂ʰ, K₁ʰ, K₂ʰ, and of Vʰ (eq 31–32); default d_model / h
 * @param logStdMin   lower clamp of the actor's log σ (Fig. 8 reports σ → 1e-5, so well below ln 1e-5)
 * @param logStdMax   upper clamp of the actor's log σ
 * @param xiInit      ξ_init of eq 34 (constant; Diff-Transformer's λ_init for its first layer, 0.8 − 0.6·e⁰ = 0.2)
 * @param xiVectorStd standard deviation of the normal initialisation of ξ_{q1}, ξ_{k1}, ξ_{q2}, ξ_{k2}
 * @param tau         Polyak coefficient τ of eq 37
 * @param seed        seed of the weight initialisation (each network derives its own stream from it)
 */
public record NetworkConfig(
        int hidden, int embedDim, int heads, int headDim,
        double logStdMin, double logStdMax, double xiInit, double xiVectorStd, double tau, long seed) {

    public NetworkConfig {
        positive("hidden", hidden);
        positive("embed-dim", embedDim);
        positive("heads", heads);
        positive("head-dim", headDim);
        if (!(logStdMin < logStdMax)) {
            throw new IllegalArgumentException("log-std-min must be < log-std-max, got " + logStdMin + ", " + logStdMax);
        }
        if (!(tau > 0 && tau <= 1)) {
            throw new IllegalArgumentException("tau must be in (0, 1], got " + tau);
        }
        if (!(xiVectorStd >= 0)) {
            throw new IllegalArgumentException("xi-vector-std must be >= 0, got " + xiVectorStd);
        }
    }

    private static void positive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
    }

    /**
     * hidden 256, d_model 128, 4 heads of d_k = 32 (MAAC's attention-critic sizes; the attention
     * critic runs every layer on B·N agent tokens), log σ ∈ [−20, 2], ξ_init 0.2, τ 0.005, seed 1.
     */
    public static NetworkConfig defaults() {
        return new NetworkConfig(256, 128, 4, 32, -20, 2, 0.2, 0.1, 0.005, 1);
    }

    public NetworkConfig withHidden(int h) {
        return new NetworkConfig(h, embedDim, heads, headDim, logStdMin, logStdMax, xiInit, xiVectorStd, tau, seed);
    }

    /** Sets d_model, h and d_k together. */
    public NetworkConfig withAttention(int dModel, int nHeads, int dK) {
        return new NetworkConfig(hidden, dModel, nHeads, dK, logStdMin, logStdMax, xiInit, xiVectorStd, tau, seed);
    }

    public NetworkConfig withTau(double t) {
        return new NetworkConfig(hidden, embedDim, heads, headDim, logStdMin, logStdMax, xiInit, xiVectorStd, t, seed);
    }

    public NetworkConfig withSeed(long s) {
        return new NetworkConfig(hidden, embedDim, heads, headDim, logStdMin, logStdMax, xiInit, xiVectorStd, tau, s);
    }

    public NetworkConfig withLogStdBounds(double min, double max) {
        return new NetworkConfig(hidden, embedDim, heads, headDim, min, max, xiInit, xiVectorStd, tau, seed);
    }

    public NetworkConfig withXiInit(double init) {
        return new NetworkConfig(hidden, embedDim, heads, headDim, logStdMin, logStdMax, init, xiVectorStd, tau, seed);
    }
}
