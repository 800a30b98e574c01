package org.p2pgrid.env.device;

/**
 * The prosumer's renewable generation behind one inverter: PV and/or wind turbine. Available active
 * power at a step comes from data ({@link Exogenous#pRdgAvailableKw()}), eq (3); the inverter's
 * apparent-power rating limits P and Q together, eq (4).
 *
 * @param sMaxKva       inverter apparent-power rating S_max, eq (4)
 * @param pvCapacityKw  installed PV peak power (0 if none); scales the PV profile
 * @param wtCapacityKw  installed wind-turbine rating (0 if none); scales the wind profile
 */
public record RdgSpec(double sMaxKva, double pvCapacityKw, double wtCapacityKw) {

    private static final String OWNER = "RdgSpec";

    public RdgSpec {
        Require.positive(OWNER, "s-max-kva", sMaxKva);
        Require.nonNegative(OWNER, "pv-capacity-kw", pvCapacityKw);
        Require.nonNegative(OWNER, "wt-capacity-kw", wtCapacityKw);
        if (pvCapacityKw + wtCapacityKw <= 0) {
            throw new SpecViolation(OWNER, "pv-capacity-kw", pvCapacityKw,
                    "PV and wind capacity are both 0: a prosumer's RDG needs at least one of them");
        }
    }

    public boolean hasPv() {
        return pvCapacityKw > 0;
    }

    public boolean hasWt() {
        return wtCapacityKw > 0;
    }

    public double installedKw() {
        return pvCapacityKw + wtCapacityKw;
    }

    public RdgSpec scaled(double factor) {
        Require.positive(OWNER, "scale", factor);
        return new RdgSpec(sMaxKva * factor, pvCapacityKw * factor, wtCapacityKw * factor);
    }
}
