package org.p2pgrid.env.market;

/**
 * A prosumer's operating cost split as in eq (14), CNY (for one step or summed over steps).
 * Negative values are income (e.g. grid sales, P2P sales).
 */
public record CostBreakdown(double grid, double cdg, double bess, double cl, double p2p) {

    public static final CostBreakdown ZERO = new CostBreakdown(0, 0, 0, 0, 0);

    /** Eq (14): C = C_Grid + C_CDG + C_BESS + C_CL + C_P2P. */
    public double total() {
        return grid + cdg + bess + cl + p2p;
    }

    public CostBreakdown plus(CostBreakdown other) {
        return new CostBreakdown(grid + other.grid, cdg + other.cdg, bess + other.bess, cl + other.cl, p2p + other.p2p);
    }
}
