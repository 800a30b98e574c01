package org.p2pgrid.env.device;

/**
 * Controllable (curtailable) load, eq (8): 0 ≤ P_CL ≤ α·P_Load. P_CL is the load shed at a step;
 * it enters the balance eq (9) with a plus sign (less consumption) and costs ρ·P_CL·Δt, eq (18).
 *
 * @param alpha                 largest curtailable fraction of the step's load
 * @param discomfortCnyPerKwh   ρ in eq (18), compensation per kWh curtailed
 */
public record ClSpec(double alpha, double discomfortCnyPerKwh) {

    private static final String OWNER = "ClSpec";

    public ClSpec {
        Require.inRange(OWNER, "alpha", alpha, 0, 1, "[0, 1]");
        Require.nonNegative(OWNER, "discomfort-cny-per-kwh", discomfortCnyPerKwh);
    }

    public double maxCurtailKw(double pLoadKw) {
        return alpha * Math.max(pLoadKw, 0);
    }
}
