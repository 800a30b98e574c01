package org.p2pgrid.env.device;

/**
 * Conventional distributed generator (gas/diesel/biogas genset).
 *
 * @param pMinKw              lower output bound, eq (1); 0 lets the unit be off (the model has no
 *                            unit commitment, so a positive minimum would forbid switching off)
 * @param pMaxKw              rated output, eq (1)
 * @param rampKwPerStep       largest change of output from one step to the next, eq (2)
 * @param costQuadCnyPerKw2h  c in eq (16): cost rate c·P² in CNY/h with P in kW
 * @param costLinCnyPerKwh    b in eq (16): cost rate b·P in CNY/h with P in kW
 */
public record CdgSpec(
        double pMinKw, double pMaxKw, double rampKwPerStep, double costQuadCnyPerKw2h, double costLinCnyPerKwh) {

    private static final String OWNER = "CdgSpec";

    public CdgSpec {
        Require.nonNegative(OWNER, "p-min-kw", pMinKw);
        Require.positive(OWNER, "p-max-kw", pMaxKw);
        if (pMaxKw < pMinKw) {
            throw new SpecViolation(OWNER, "p-max-kw", pMaxKw, "must be >= p-min-kw (" + pMinKw + ")");
        }
        Require.positive(OWNER, "ramp-kw-per-step", rampKwPerStep);
        // c >= 0 keeps eq (16) convex, which the expert's convex solver relies on.
        Require.nonNegative(OWNER, "cost-quad-cny-per-kw2h", costQuadCnyPerKw2h);
        Require.nonNegative(OWNER, "cost-lin-cny-per-kwh", costLinCnyPerKwh);
    }

    /** Eq (16) as a rate: c·P² + b·P in CNY per hour of running at {@code pKw}. */
    public double costRateCnyPerHour(double pKw) {
        return costQuadCnyPerKw2h * pKw * pKw + costLinCnyPerKwh * pKw;
    }

    /**
     * The same unit scaled in size by {@code factor}: kW bounds and ramp scale with it; c is divided
     * by it so that the cost per kWh at the same relative loading (P/P_max) is unchanged.
     */
    public CdgSpec scaled(double factor) {
        Require.positive(OWNER, "scale", factor);
        return new CdgSpec(pMinKw * factor, pMaxKw * factor, rampKwPerStep * factor,
                costQuadCnyPerKw2h / factor, costLinCnyPerKwh);
    }
}
