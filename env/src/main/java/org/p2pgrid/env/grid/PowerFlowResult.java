package org.p2pgrid.env.grid;

/**
 * Solution of one AC power flow. Arrays are indexed like the {@link Network}: bus quantities by
 * internal bus index, branch quantities by branch index (file order, in-service branches only).
 *
 * <p>For speed the arrays are handed out as they are, not copied: treat them as read-only. A result
 * obtained from {@link RadialPowerFlow#solveInto} shares its arrays with the result passed in.
 *
 * @param vmPu          voltage magnitude per bus, p.u.
 * @param vaDeg         voltage angle per bus, degrees (slack = 0)
 * @param branchPFromPu active power entering each branch at its from-bus end, p.u. on baseMVA
 * @param branchQFromPu reactive power entering each branch at its from-bus end, p.u. on baseMVA
 * @param lossesPu      total active series losses, p.u. (Σ r·|I|²)
 * @param lossesQPu     total reactive series losses, p.u. (Σ x·|I|²)
 * @param iterations    iterations performed
 * @param converged     whether the tolerance was met within the iteration limit
 */
public record PowerFlowResult(double[] vmPu, double[] vaDeg, double[] branchPFromPu, double[] branchQFromPu,
                              double lossesPu, double lossesQPu, int iterations, boolean converged) {

    /** Lowest bus voltage magnitude, p.u. */
    public double minVm() {
        return vmPu[argMinVm()];
    }

    /** Internal index of the bus with the lowest voltage magnitude (first one on ties). */
    public int argMinVm() {
        int best = 0;
        for (int i = 1; i < vmPu.length; i++) {
            if (vmPu[i] < vmPu[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Highest bus voltage magnitude, p.u. */
    public double maxVm() {
        return vmPu[argMaxVm()];
    }

    /** Internal index of the bus with the highest voltage magnitude (first one on ties). */
    public int argMaxVm() {
        int best = 0;
        for (int i = 1; i < vmPu.length; i++) {
            if (vmPu[i] > vmPu[best]) {
                best = i;
            }
        }
        return best;
    }
}
