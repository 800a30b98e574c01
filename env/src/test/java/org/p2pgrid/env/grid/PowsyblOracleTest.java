package org.p2pgrid.env.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.powsybl.loadflow.LoadFlow;
import com.powsybl.loadflow.LoadFlowResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** PowSyBl Open LoadFlow 1.14 (full AC Newton–Raphson, independent code base) as a voltage oracle. */
class PowsyblOracleTest {

    @Test
    void case141VoltagesMatchOpenLoadFlow() {
        assertMatchesOpenLoadFlow(DefaultFeeder.case141());
    }

    @Test
    void syntheticFeederVoltagesMatchOpenLoadFlow() {
        assertMatchesOpenLoadFlow(SyntheticFeeder.generate(500, 2024));
    }

    private static void assertMatchesOpenLoadFlow(Network network) {
        PowsyblNetworks.unavailableReason().ifPresent(reason -> Assumptions.abort("skipped: " + reason));
        var iidm = PowsyblNetworks.build(network);
        LoadFlowResult olf = LoadFlow.find("OpenLoadFlow").run(iidm, PowsyblNetworks.parameters());
        assertTrue(olf.isOk(), "Open LoadFlow failed: " + olf.getComponentResults());
        LoadFlowResult.SlackBusResult slack = olf.getComponentResults().get(0).getSlackBusResults().get(0);
        // OLF silently picks another slack (most meshed bus) if ours is not pinned: the root cause of the
        // 0.078 p.u. disagreement this test once showed.
        assertEquals(PowsyblNetworks.slackBusViewId(iidm, network), slack.getId(), "OLF slack bus");
        PowerFlowResult sweep = new RadialPowerFlow(network).solve();
        assertTrue(sweep.converged());
        double worstVm = 0;
        double worstVa = 0;
        for (int i = 0; i < network.busCount(); i++) {
            worstVm = Math.max(worstVm, Math.abs(PowsyblNetworks.vmPu(iidm, network, i) - sweep.vmPu()[i]));
            worstVa = Math.max(worstVa, Math.abs(PowsyblNetworks.vaDeg(iidm, network, i) - sweep.vaDeg()[i]));
        }
        System.out.printf("%s vs Open LoadFlow: worst dVm %.2e p.u., worst dVa %.2e deg%n", network.name(), worstVm, worstVa);
        assertTrue(worstVm < 1e-8, "worst |dVm| " + worstVm);
        assertTrue(worstVa < 1e-6, "worst |dVa| " + worstVa + " deg");
        // Slack injection reported by OLF as "slack bus mismatch" (MW, positive = generation missing at
        // the slack, distributed slack off) = total load + losses of the sweep.
        double slackPu = slack.getActivePowerMismatch() / network.baseMva();
        double expectedPu = network.totalBasePdPu() + sweep.lossesPu();
        System.out.printf("%s slack: Open LoadFlow %.9f p.u., sweep load + losses %.9f p.u., diff %.2e%n",
                network.name(), slackPu, expectedPu, slackPu - expectedPu);
        assertEquals(expectedPu, slackPu, 1e-9);
    }
}
