package org.p2pgrid.env.pomdp;

import org.p2pgrid.env.market.CostBreakdown;

/**
 * Accumulates one day's figures as the paper reports them (Table IV): total cost by term, the
 * voltage-violation rate in p.u. (mean over steps and buses of max(0, |V − 1| − 0.05)), and beside it
 * the fraction of steps with any bus outside 0.95–1.05. Not thread-safe: one per episode.
 */
public final class EpisodeMetrics {
    private final double gamma;
    private double grid, cdg, bess, cl, p2p;
    private double violationRateSum;
    private int violatedSteps;
    private int steps;
    private double minV = Double.POSITIVE_INFINITY;
    private double maxV = Double.NEGATIVE_INFINITY;
    private double p2pEnergyKwh, gridImportKwh, gridExportKwh, lossesKwh;
    private double reward, discountedReward, discount = 1.0;
    private final double dtHours;

    /** @param gamma discount factor for the cumulative discounted reward; @param dtHours step length, h */
    public EpisodeMetrics(double gamma, double dtHours) {
        this.gamma = gamma;
        this.dtHours = dtHours;
    }

    public void add(StepResult r) {
        StepInfo info = r.info();
        for (CostBreakdown c : info.costs()) {
            grid += c.grid();
            cdg += c.cdg();
            bess += c.bess();
            cl += c.cl();
            p2p += c.p2p();
        }
        violationRateSum += info.violationRatePu();
        if (info.violated()) {
            violatedSteps++;
        }
        steps++;
        minV = Math.min(minV, info.minVoltage());
        maxV = Math.max(maxV, info.maxVoltage());
        p2pEnergyKwh += info.p2pVolumeKw() * dtHours;
        gridImportKwh += info.gridImportKw() * dtHours;
        gridExportKwh += info.gridExportKw() * dtHours;
        lossesKwh += info.lossesKw() * dtHours;
        reward += r.reward();
        discountedReward += discount * r.reward();
        discount *= gamma;
    }

    public CostBreakdown costByTerm() {
        return new CostBreakdown(grid, cdg, bess, cl, p2p);
    }

    public double totalCost() {
        return grid + cdg + bess + cl + p2p;
    }

    /** Mean over steps and buses of max(0, |V − 1| − 0.05), p.u. (Table IV). */
    public double violationRatePu() {
        return steps == 0 ? 0 : violationRateSum / steps;
    }

    /** Fraction of steps in which any bus was outside 0.95–1.05 p.u. */
    public double violatedStepFraction() {
        return steps == 0 ? 0 : (double) violatedSteps / steps;
    }

    public int violatedSteps() { return violatedSteps; }
    public int steps() { return steps; }
    public double minVoltage() { return minV; }
    public double maxVoltage() { return maxV; }
    public double p2pEnergyKwh() { return p2pEnergyKwh; }
    public double gridImportKwh() { return gridImportKwh; }
    public double gridExportKwh() { return gridExportKwh; }
    public double lossesKwh() { return lossesKwh; }
    public double reward() { return reward; }
    public double discountedReward() { return discountedReward; }
}
