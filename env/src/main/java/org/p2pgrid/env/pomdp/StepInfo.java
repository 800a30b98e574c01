package org.p2pgrid.env.pomdp;

import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.market.CostBreakdown;

/**
 * Everything a step reveals beyond the observation and reward: what was actually applied after
 * projection, what it cost per prosumer and term, and what the network did.
 *
 * @param step the step index t that was just simulated (0..95)
 * @param applied per-agent actions after projection onto the feasible set
 * @param projectionDistance per-agent L2 distance the projection moved the requested action, kW
 * @param costs per-agent costs by term for this step, CNY (eqs 14–19)
 * @param pP2pKw per-agent P2P trade, kW (positive = buys)
 * @param pGridKw per-agent grid trade, kW (positive = buys)
 * @param vmPu bus voltage magnitudes, p.u., by bus index
 * @param violated whether any bus lies outside [V_min, V_max]
 * @param violationSumPu Σ_buses max{0, |1 − V| − 0.05}
 * @param violationRatePu mean over buses of the same (the paper's Table IV "voltage violation rate")
 * @param p2pVolumeKw total P2P energy matched this step (sum of purchases), kW
 * @param gridImportKw total bought from the grid, kW
 * @param gridExportKw total sold to the grid, kW
 * @param lossesKw network losses, kW
 * @param powerFlowConverged whether the AC power flow converged
 * @param rewardCost r^Cost of eq 25
 * @param rewardPenalty r^Pen of eq 26
 */
public record StepInfo(int step, ProsumerAction[] applied, double[] projectionDistance, CostBreakdown[] costs,
                       double[] pP2pKw, double[] pGridKw, double[] vmPu, boolean violated,
                       double violationSumPu, double violationRatePu, double p2pVolumeKw,
                       double gridImportKw, double gridExportKw, double lossesKw, boolean powerFlowConverged,
                       double rewardCost, double rewardPenalty) {

    public double totalCost() {
        double sum = 0;
        for (CostBreakdown c : costs) {
            sum += c.total();
        }
        return sum;
    }

    public double minVoltage() {
        double m = Double.POSITIVE_INFINITY;
        for (double v : vmPu) {
            m = Math.min(m, v);
        }
        return m;
    }

    public double maxVoltage() {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : vmPu) {
            m = Math.max(m, v);
        }
        return m;
    }
}
