package org.p2pgrid.env.device;

/**
 * A step's data for one prosumer (not under its control).
 *
 * @param pRdgAvailableKw  active power the PV/WT could produce now, P^RDG_max of eq (3)
 * @param pLoadKw          active demand before curtailment
 * @param qLoadKvar        reactive demand
 */
public record Exogenous(double pRdgAvailableKw, double pLoadKw, double qLoadKvar) {

    private static final String OWNER = "Exogenous";

    public Exogenous {
        Require.nonNegative(OWNER, "p-rdg-available-kw", pRdgAvailableKw);
        Require.nonNegative(OWNER, "p-load-kw", pLoadKw);
        Require.finite(OWNER, "q-load-kvar", qLoadKvar);
    }
}
