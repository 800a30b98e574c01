package org.p2pgrid.learner.replay;

/**
 * Hyper-parameters of the dual prioritised replay.
 *
 * @param normalCapacity    capacity of the normal shard (Table II: N_B = 1e5)
 * @param violationCapacity capacity of the violation shard (default also 1e5; its arrays grow on demand,
 *                          so an unused capacity costs nothing)
 * @param normalFraction    k of Table II: share of each batch drawn from the normal shard (0.8)
 * @param alpha             priority exponent: p = (|loss| + epsilon)^alpha (0.6, Schaul et al.)
 * @param epsilon           keeps zero-loss transitions sampleable (1e-6)
 * @param beta0             importance-sampling exponent at the start (0.4)
 * @param betaFinal         importance-sampling exponent after annealing (1.0: full correction)
 * @param betaAnnealSamples number of {@code sample} calls over which beta goes linearly from beta0 to
 *                          betaFinal (default 480 000 = 5000 episodes × 96 steps × 1 update/step)
 */
public record ReplayConfig(int normalCapacity, int violationCapacity, double normalFraction, double alpha,
                           double epsilon, double beta0, double betaFinal, long betaAnnealSamples) {

    public ReplayConfig {
        if (normalCapacity < 1 || violationCapacity < 1) {
            throw new IllegalArgumentException("capacities must be >= 1");
        }
        if (!(normalFraction >= 0 && normalFraction <= 1)) {
            throw new IllegalArgumentException("normalFraction k must be in [0, 1], got " + normalFraction);
        }
        if (!(alpha >= 0 && alpha <= 10)) {
            throw new IllegalArgumentException("alpha must be in [0, 10], got " + alpha);
        }
        if (!(epsilon > 0 && Double.isFinite(epsilon))) {
            throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
        }
        if (!(beta0 >= 0 && beta0 <= 1 && betaFinal >= 0 && betaFinal <= 1)) {
            throw new IllegalArgumentException("beta0 and betaFinal must be in [0, 1]");
        }
        if (betaAnnealSamples < 0) {
            throw new IllegalArgumentException("betaAnnealSamples must be >= 0");
        }
    }

    /** Table II values (N_B = 1e5, k = 0.8) and the usual PER exponents. */
    public static ReplayConfig defaults() {
        return new ReplayConfig(100_000, 100_000, 0.8, 0.6, 1e-6, 0.4, 1.0, 480_000);
    }

    public ReplayConfig withCapacities(int normal, int violation) {
        return new ReplayConfig(normal, violation, normalFraction, alpha, epsilon, beta0, betaFinal, betaAnnealSamples);
    }

    public ReplayConfig withNormalFraction(double k) {
        return new ReplayConfig(normalCapacity, violationCapacity, k, alpha, epsilon, beta0, betaFinal, betaAnnealSamples);
    }

    public ReplayConfig withBeta(double beta0, double betaFinal, long annealSamples) {
        return new ReplayConfig(normalCapacity, violationCapacity, normalFraction, alpha, epsilon, beta0, betaFinal,
                annealSamples);
    }

    /** beta after {@code samplesDrawn} sample calls: linear from beta0 to betaFinal, then constant. */
    public double beta(long samplesDrawn) {
        if (betaAnnealSamples == 0 || samplesDrawn >= betaAnnealSamples) {
            return betaFinal;
        }
        return beta0 + (betaFinal - beta0) * ((double) samplesDrawn / betaAnnealSamples);
    }
}
