package org.p2pgrid.actors.wire;

import org.p2pgrid.env.market.CostBreakdown;
import org.p2pgrid.env.pomdp.EpisodeMetrics;
import org.p2pgrid.protocol.v1.EpisodeStats;

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
}
