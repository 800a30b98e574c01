package org.p2pgrid.env.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.p2pgrid.env.testing.SharedDataAssumptions;

class DefaultFeederTest {

    @Test
    void builtInFeederIsIdenticalToTheMatpowerCase() {
        Network reference = MatpowerCaseReader.read(SharedDataAssumptions.requireSharedFile("matpower-cases/case141.m"));
        Network builtIn = DefaultFeeder.case141();
        assertEquals(reference.baseMva(), builtIn.baseMva(), 0);
        assertEquals(reference.baseKv(), builtIn.baseKv(), 0);
        assertEquals(reference.busCount(), builtIn.busCount());
        assertEquals(reference.branchCount(), builtIn.branchCount());
        assertEquals(reference.busNumber(reference.slackIndex()), builtIn.busNumber(builtIn.slackIndex()));
        assertEquals(reference.slackVmPu(), builtIn.slackVmPu(), 0);
        for (int i = 0; i < reference.busCount(); i++) {
            int number = reference.busNumber(i);
            int j = builtIn.indexOf(number);
            assertEquals(reference.basePdPu(i), builtIn.basePdPu(j), 1e-12, "Pd at bus " + number);
            assertEquals(reference.baseQdPu(i), builtIn.baseQdPu(j), 1e-12, "Qd at bus " + number);
        }
        for (int k = 0; k < reference.branchCount(); k++) {
            String name = "branch " + reference.busNumber(reference.branchFrom(k)) + "-" + reference.busNumber(reference.branchTo(k));
            assertEquals(reference.busNumber(reference.branchFrom(k)), builtIn.busNumber(builtIn.branchFrom(k)), name);
            assertEquals(reference.busNumber(reference.branchTo(k)), builtIn.busNumber(builtIn.branchTo(k)), name);
            assertEquals(reference.branchR(k), builtIn.branchR(k), 1e-12, name + " r");
            assertEquals(reference.branchX(k), builtIn.branchX(k), 1e-12, name + " x");
        }
    }

    @Test
    void builtInFeederFactsWithoutSharedData() {
        Network feeder = DefaultFeeder.case141();
        assertSame(feeder, DefaultFeeder.case141());
        assertEquals(141, feeder.busCount());
        assertEquals(140, feeder.branchCount());
        assertEquals(10.0, feeder.baseMva());
        assertEquals(12.47, feeder.baseKv());
        assertEquals(1, feeder.busNumber(feeder.slackIndex()));
        assertEquals(11.9446, feeder.totalBasePdPu() * feeder.baseMva(), 1e-4);
        PowerFlowResult result = new RadialPowerFlow(feeder).solve();
        assertEquals(632.70, feeder.toKw(result.lossesPu()), 0.05);
        assertEquals(87, feeder.busNumber(result.argMinVm()));
        assertEquals(0.92786, result.minVm(), 1e-5);
    }

    @Test
    void perUnitHelpersUseBaseMva() {
        Network feeder = DefaultFeeder.case141();
        assertEquals(0.01, feeder.toPu(100), 1e-15); // 100 kW on 10 MVA
        assertEquals(100, feeder.toKw(0.01), 1e-12);
        assertEquals(12.47 * 12.47 / 10, feeder.baseOhm(), 1e-12);
    }
}
