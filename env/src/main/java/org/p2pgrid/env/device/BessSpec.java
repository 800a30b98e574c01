package org.p2pgrid.env.device;

/**
 * Battery energy storage, eqs (5)–(7). Power is signed in actions (P_BESS &gt; 0 charges, it is
 * subtracted in eq 9) but the SOC update always splits it into two non-negative parts,
 * P_ch = max(P, 0) and P_dis = max(−P, 0), so the non-convex case split of eq (7) never appears:
 * SOC_t = SOC_{t−1} + (η·P_ch − P_dis/η)·Δt / E.
 *
 * @param pMaxChargeKw     largest charging power, eq (5) upper bound
 * @param pMaxDischargeKw  largest discharging power, eq (5) lower bound is −pMaxDischargeKw
 * @param capacityKwh      usable-to-nameplate energy E that SOC fractions refer to
 * @param socMin           lowest state of charge (fraction of E), eq (6)
 * @param socMax           highest state of charge (fraction of E), eq (6)
 * @param socInitial       state of charge at the start of a day
 * @param efficiency       one-way efficiency η of eq (7), applied on charge and on discharge
 *                         (round trip η²)
 * @param wearCnyPerKwh    γ in eq (17), per kWh charged or discharged
 */
public record BessSpec(
        double pMaxChargeKw,
        double pMaxDischargeKw,
        double capacityKwh,
        double socMin,
        double socMax,
        double socInitial,
        double efficiency,
        double wearCnyPerKwh) {

    private static final String OWNER = "BessSpec";
    /** SOC results this close outside the bounds are float rounding of a boundary move, not a violation. */
    static final double SOC_ROUNDING = 1e-9;

    public BessSpec {
        Require.nonNegative(OWNER, "p-max-charge-kw", pMaxChargeKw);
        Require.nonNegative(OWNER, "p-max-discharge-kw", pMaxDischargeKw);
        Require.positive(OWNER, "capacity-kwh", capacityKwh);
        Require.inRange(OWNER, "soc-max", socMax, 0, 1, "[0, 1]");
        Require.inRange(OWNER, "soc-min", socMin, 0, socMax, "[0, soc-max]");
        Require.inRange(OWNER, "soc-initial", socInitial, socMin, socMax, "[soc-min, soc-max]");
        finiteEfficiency(efficiency);
        Require.nonNegative(OWNER, "wear-cny-per-kwh", wearCnyPerKwh);
    }

    private static void finiteEfficiency(double efficiency) {
        Require.finite(OWNER, "efficiency", efficiency);
        if (efficiency <= 0 || efficiency > 1) {
            throw new SpecViolation(OWNER, "efficiency", efficiency, "must be in (0, 1]");
        }
    }

    /**
     * Largest charging power at this SOC: the rating (eq 5) or what keeps SOC ≤ socMax after Δt
     * (eqs 6–7: η·P·Δt/E ≤ socMax − SOC), whichever is smaller; never negative (a battery above
     * socMax is not forced to discharge, it just cannot charge).
     */
    public double maxChargeKw(double socFraction, double dtHours) {
        double socHeadroomKw = (socMax - socFraction) * capacityKwh / (efficiency * dtHours);
        return Math.min(pMaxChargeKw, Math.max(0, socHeadroomKw));
    }

    /**
     * Largest discharging power at this SOC: the rating (eq 5) or what keeps SOC ≥ socMin after Δt
     * (eqs 6–7: P_dis·Δt/(η·E) ≤ SOC − socMin), whichever is smaller; never negative.
     */
    public double maxDischargeKw(double socFraction, double dtHours) {
        double socRoomKw = (socFraction - socMin) * capacityKwh * efficiency / dtHours;
        return Math.min(pMaxDischargeKw, Math.max(0, socRoomKw));
    }

    /**
     * Eq (7) with two non-negative parts. A result within {@value #SOC_ROUNDING} outside
     * [socMin, socMax] is snapped onto the bound: it is the rounding of a move that was computed to
     * end exactly there.
     */
    public double nextSoc(double socFraction, double pBessKw, double dtHours) {
        double pChargeKw = Math.max(pBessKw, 0);
        double pDischargeKw = Math.max(-pBessKw, 0);
        double soc = socFraction + (efficiency * pChargeKw - pDischargeKw / efficiency) * dtHours / capacityKwh;
        if (soc > socMax && soc - socMax <= SOC_ROUNDING) {
            soc = socMax;
        } else if (soc < socMin && socMin - soc <= SOC_ROUNDING) {
            soc = socMin;
        }
        return soc;
    }

    /** Powers and energy scale with {@code factor}; fractions, efficiency and γ do not. */
    public BessSpec scaled(double factor) {
        Require.positive(OWNER, "scale", factor);
        return new BessSpec(pMaxChargeKw * factor, pMaxDischargeKw * factor, capacityKwh * factor,
                socMin, socMax, socInitial, efficiency, wearCnyPerKwh);
    }
}
