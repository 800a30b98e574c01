package org.p2pgrid.env.grid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SyntheticFeederTest {

    @ParameterizedTest(name = "{0} buses")
    @ValueSource(ints = {141, 500, 1000, 2000})
    void radialConnectedAndPlausible(int buses) {
        Network network = SyntheticFeeder.generate(buses, 7);
        assertEquals(buses, network.busCount());
        assertEquals(buses - 1, network.branchCount());
        // Building the topology again re-checks: no loop, no island.
        RadialTopology topology = network.topology();
        assertEquals(buses, topology.bfsOrder().length);
        PowerFlowResult result = new RadialPowerFlow(network).solve();
        assertTrue(result.converged());
        assertTrue(result.minVm() >= 0.9 && result.minVm() <= 0.97, "Vmin " + result.minVm());
        assertTrue(result.maxVm() <= 1.0 + 1e-12);
        double lossShare = result.lossesPu() / network.totalBasePdPu();
        assertTrue(lossShare > 0.005 && lossShare < 0.15, "losses / load = " + lossShare);
        for (int k = 0; k < network.branchCount(); k++) {
            double xOverR = network.branchX(k) / network.branchR(k);
            assertTrue(xOverR > 0.3 && xOverR < 3, "x/r " + xOverR);
        }
    }

    @Test
    void deterministicForASeed() {
        Network a = SyntheticFeeder.generate(500, 123);
        Network b = SyntheticFeeder.generate(500, 123);
        assertArrayEquals(a.basePdPu(), b.basePdPu(), 0);
        assertArrayEquals(a.baseQdPu(), b.baseQdPu(), 0);
        for (int k = 0; k < a.branchCount(); k++) {
            assertEquals(a.branchFrom(k), b.branchFrom(k));
            assertEquals(a.branchTo(k), b.branchTo(k));
            assertEquals(a.branchR(k), b.branchR(k), 0);
            assertEquals(a.branchX(k), b.branchX(k), 0);
        }
        Network c = SyntheticFeeder.generate(500, 124);
        assertNotEquals(a.totalBasePdPu(), c.totalBasePdPu());
    }
}
