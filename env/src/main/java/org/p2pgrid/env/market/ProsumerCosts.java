package org.p2pgrid.env.market;

import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.device.ProsumerSpec;

/** One step of eqs (14)–(19). Powers are kW held for Δt hours; prices CNY/kWh; results CNY. */
public final class ProsumerCosts {
    private ProsumerCosts() {}

    public static CostBreakdown step(
            ProsumerSpec spec,
            ProsumerAction action,
            double pGridKw,
            double pP2pKw,
            double buyCnyPerKwh,
            double sellCnyPerKwh,
            double p2pPriceCnyPerKwh,
            double dsoFeeCnyPerKwh,
            double dtHours) {
        if (!(dtHours > 0)) {
            throw new IllegalArgumentException("ProsumerCosts.step: dt-hours = " + dtHours + ": must be > 0");
        }
        // Eq (15): sales (P_Grid < 0) earn λS, purchases pay λB.
        double grid = (pGridKw < 0 ? sellCnyPerKwh : buyCnyPerKwh) * pGridKw * dtHours;
        // Eq (16): quadratic fuel cost c·P² + b·P.
        double cdg = spec.hasCdg() ? spec.cdg().costRateCnyPerHour(action.pCdgKw()) * dtHours : 0;
        // Eq (17): γ·|P_BESS| written as γ·(P_ch + P_dis), the two non-negative parts of eq (7).
        double bess = spec.hasBess()
                ? spec.bess().wearCnyPerKwh() * (action.pBessChargeKw() + action.pBessDischargeKw()) * dtHours
                : 0;
        // Eq (18): ρ·P_CL, P_CL ≥ 0 after projection (eq 8).
        double cl = spec.cl().discomfortCnyPerKwh() * Math.abs(action.pClKw()) * dtHours;
        // Eq (19): DSO fee on the traded amount plus the payment (buyers pay, sellers earn).
        double p2p = (dsoFeeCnyPerKwh * Math.abs(pP2pKw) + p2pPriceCnyPerKwh * pP2pKw) * dtHours;
        return new CostBreakdown(grid, cdg, bess, cl, p2p);
    }
}
