package org.p2pgrid.actors.wire;

import java.util.List;
import org.p2pgrid.env.market.CostBreakdown;
import org.p2pgrid.env.pomdp.EpisodeMetrics;
import org.p2pgrid.protocol.v1.EpisodeStats;
import org.p2pgrid.protocol.v1.ValidationStats;

/** env {@link EpisodeMetrics} → {@link EpisodeStats}. */
public final class StatsWire {
    private StatsWire() {
    }

    public static EpisodeStats toProto(EpisodeMetrics m, long worldId, long episodeId, int day, long policyVersion) {
        CostBreakdown c = m.costByTerm();
        EpisodeStats.Builder b = EpisodeStats.newBuilder()
                .setWorldId(worldId).setEpisodeId(episodeId).setDay(day).setPolicyVersion(policyVersion)
                .setCost(m.totalCost())
                .setCostByTerm(org.p2pgrid.protocol.v1.CostBreakdown.newBuilder().setGrid(c.grid()).setCdg(c.cdg())
                        .setBess(c.bess()).setCl(c.cl()).setP2P(c.p2p()))
                .setReward(m.reward()).setDiscountedReward(m.discountedReward())
                .setViolationRatePu(m.violationRatePu()).setViolatedSteps(m.violatedSteps()).setSteps(m.steps())
                .setP2PEnergyKwh(m.p2pEnergyKwh()).setGridImportKwh(m.gridImportKwh())
                .setGridExportKwh(m.gridExportKwh()).setLossesKwh(m.lossesKwh());
        if (m.steps() > 0) {
            b.setMinVoltage(m.minVoltage()).setMaxVoltage(m.maxVoltage());
        }
        return b.build();
    }

    /**
     * One validation pass over {@code days} (greedy policy): per-day means of cost, reward, discounted
     * reward and violation rate; violated steps and steps summed; the days themselves in {@code per_day}.
     */
    public static ValidationStats validation(List<EpisodeStats> days, long policyVersion, long updates, long episode) {
        ValidationStats.Builder b = ValidationStats.newBuilder().setPolicyVersion(policyVersion).setUpdates(updates)
                .setEpisode(episode).setDays(days.size()).addAllPerDay(days);
        if (days.isEmpty()) {
            return b.build();
        }
        double cost = 0;
        double reward = 0;
        double discounted = 0;
        double rate = 0;
        int violated = 0;
        int steps = 0;
        for (EpisodeStats d : days) {
            cost += d.getCost();
            reward += d.getReward();
            discounted += d.getDiscountedReward();
            rate += d.getViolationRatePu();
            violated += d.getViolatedSteps();
            steps += d.getSteps();
        }
        int n = days.size();
        return b.setCost(cost / n).setReward(reward / n).setDiscountedReward(discounted / n)
                .setViolationRatePu(rate / n).setViolatedSteps(violated).setSteps(steps).build();
    }
}
