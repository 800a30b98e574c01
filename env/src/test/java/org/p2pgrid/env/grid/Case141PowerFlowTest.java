package org.p2pgrid.env.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.p2pgrid.env.testing.SharedDataAssumptions;

/** The radial sweep on the 141-bus default feeder against the reference AC power flow (MATPOWER NR / PowSyBl). */
class Case141PowerFlowTest {

    @Test
    void sweepMatchesReferenceVoltagesAndAnglesAtEveryBus() throws IOException {
        Path reference = SharedDataAssumptions.requireSharedFile("case141_pf_reference.csv");
        Network network = MatpowerCaseReader.read(SharedDataAssumptions.requireSharedFile("matpower-cases/case141.m"));
        PowerFlowResult result = new RadialPowerFlow(network).solve();
        assertTrue(result.converged());

        List<String> lines = Files.readAllLines(reference);
        assertEquals("bus,vm_pu,va_deg,pd_mw,qd_mvar", lines.get(0));
        assertEquals(network.busCount() + 1, lines.size());
        double worstVm = 0;
        double worstVa = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            int bus = network.indexOf(Integer.parseInt(cells[0]));
            // The file has 8 decimals for vm and 6 for va (and agrees with MATPOWER to 5.3e-9 p.u., 5e-7 deg).
            worstVm = Math.max(worstVm, Math.abs(result.vmPu()[bus] - Double.parseDouble(cells[1])));
            worstVa = Math.max(worstVa, Math.abs(result.vaDeg()[bus] - Double.parseDouble(cells[2])));
            assertEquals(Double.parseDouble(cells[3]), network.toKw(network.basePdPu(bus)) / 1000, 1e-6, "Pd at bus " + cells[0]);
            assertEquals(Double.parseDouble(cells[4]), network.toKw(network.baseQdPu(bus)) / 1000, 1e-6, "Qd at bus " + cells[0]);
        }
        assertTrue(worstVm <= 1e-6, "worst |vm - reference| = " + worstVm);
        assertTrue(worstVa <= 1e-5, "worst |va - reference| = " + worstVa + " deg");
        System.out.printf("case141 sweep: %d iterations, worst dVm %.2e, worst dVa %.2e deg%n",
                result.iterations(), worstVm, worstVa);
    }

    @Test
    void lossesAndMinimumVoltageMatchTheReference() {
        Network network = MatpowerCaseReader.read(SharedDataAssumptions.requireSharedFile("matpower-cases/case141.m"));
        PowerFlowResult result = new RadialPowerFlow(network).solve();
        assertEquals(632.70, network.toKw(result.lossesPu()), 0.05);
        assertEquals(467.65, network.toKw(result.lossesQPu()), 0.05);
        assertEquals(0.92786, result.minVm(), 1e-5);
        assertEquals(87, network.busNumber(result.argMinVm()));
        assertEquals(result.vmPu()[network.indexOf(86)], result.vmPu()[network.indexOf(87)], 1e-7,
                "86-87 is a near-zero impedance branch (x = 6.4e-7 p.u.)");
        assertEquals(1.0, result.maxVm(), 0);
    }

    @Test
    void branchFlowsBalanceLoadsPlusLosses() {
        Network network = MatpowerCaseReader.read(SharedDataAssumptions.requireSharedFile("matpower-cases/case141.m"));
        PowerFlowResult result = new RadialPowerFlow(network).solve();
        // Slack injection = flow out of the slack over its branches = total load + losses.
        int slack = network.slackIndex();
        double out = 0;
        for (int k = 0; k < network.branchCount(); k++) {
            if (network.branchFrom(k) == slack) {
                out += result.branchPFromPu()[k];
            }
        }
        assertEquals(network.totalBasePdPu() + result.lossesPu(), out, 1e-8);
        assertEquals(12.577321, network.toKw(out) / 1000, 1e-5);
    }
}
