package org.p2pgrid.env.market;

/**
 * One step's P2P-first market clearing (paper §II-A): every prosumer's net export P_EX (eq 9,
 * positive = surplus) is matched P2P first at the uniform price λP2P; when total surplus and total
 * deficit differ, the larger side is served pro rata to its members' sizes; what is left trades
 * with the grid. Then P_Grid = −P_EX − P_P2P for each prosumer (eq 9), sellers have P_P2P ≤ 0,
 * buyers P_P2P ≥ 0, and Σ P_P2P = 0, hence Σ λP2P·P_P2P = 0 (eq 21).
 */
public final class P2pMarket {
    private P2pMarket() {}

    public static Clearing clear(double[] pExKw, double p2pPriceCnyPerKwh) {
        if (pExKw == null) {
            throw new IllegalArgumentException("P2pMarket.clear: pExKw is required");
        }
        if (!Double.isFinite(p2pPriceCnyPerKwh)) {
            throw new IllegalArgumentException("P2pMarket.clear: p2p price = " + p2pPriceCnyPerKwh + ": must be finite");
        }
        double surplusKw = 0;
        double deficitKw = 0;
        for (int i = 0; i < pExKw.length; i++) {
            double p = pExKw[i];
            if (!Double.isFinite(p)) {
                throw new IllegalArgumentException("P2pMarket.clear: pExKw[" + i + "] = " + p + ": must be finite");
            }
            if (p > 0) {
                surplusKw += p;
            } else {
                deficitKw -= p;
            }
        }
        double matchedKw = Math.min(surplusKw, deficitKw);
        // The shorter side trades all of its imbalance (fraction exactly 1, no rounding); the longer
        // side shares the matched volume pro rata. Both fractions are 0 when nothing can be matched.
        double sellerFraction = surplusKw > 0 ? (surplusKw <= deficitKw ? 1.0 : matchedKw / surplusKw) : 0;
        double buyerFraction = deficitKw > 0 ? (deficitKw <= surplusKw ? 1.0 : matchedKw / deficitKw) : 0;

        int n = pExKw.length;
        double[] pP2p = new double[n];
        double[] pGrid = new double[n];
        double importKw = 0;
        double exportKw = 0;
        for (int i = 0; i < n; i++) {
            double p = pExKw[i];
            pP2p[i] = p > 0 ? -sellerFraction * p : buyerFraction * (-p); // selling is negative P_P2P
            pGrid[i] = -p - pP2p[i]; // eq (9): P_EX = −P_Grid − P_P2P
            if (pGrid[i] > 0) {
                importKw += pGrid[i];
            } else {
                exportKw -= pGrid[i];
            }
        }
        return new Clearing(pP2p, pGrid, matchedKw, importKw, exportKw, p2pPriceCnyPerKwh);
    }
}
