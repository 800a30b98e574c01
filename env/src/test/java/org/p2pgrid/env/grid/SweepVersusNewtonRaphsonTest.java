package org.p2pgrid.env.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.p2pgrid.env.testing.SharedDataAssumptions;

/** The sweep and an independent full-AC Newton–Raphson (eqs 11–12) must give the same state. */
class SweepVersusNewtonRaphsonTest {

    @ParameterizedTest(name = "{0}: {1} buses, {2} in-service branches")
    @CsvSource({"case141, 141, 140", "case33bw, 33, 32", "case69, 69, 68", "case85, 85, 84",
            "case118zh, 118, 117", "case136ma, 136, 135"})
    void sharedCasesLoadRadialAndAgree(String name, int buses, int branches) {
        Network network = MatpowerCaseReader.read(SharedDataAssumptions.requireSharedFile("matpower-cases/" + name + ".m"));
        assertEquals(buses, network.busCount());
        assertEquals(branches, network.branchCount(), "out-of-service ties must be dropped");
        assertEquals(name, network.name());
        assertAgree(network, network.basePdPu(), network.baseQdPu());
    }

    @ParameterizedTest(name = "synthetic {0} buses")
    @ValueSource(ints = {141, 300})
    void syntheticFeedersAgree(int buses) {
        Network network = SyntheticFeeder.generate(buses, 42);
        assertAgree(network, network.basePdPu(), network.baseQdPu());
    }

    @ParameterizedTest(name = "case141 with random injections, seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void case141WithReverseFlowsAgrees(long seed) {
        // Prosumers export: random net loads between −150 % and +150 % of the base load.
        Network network = DefaultFeeder.case141();
        SplittableRandom random = new SplittableRandom(seed);
        double[] p = network.basePdPu();
        double[] q = network.baseQdPu();
        for (int i = 0; i < p.length; i++) {
            double factor = -1.5 + 3 * random.nextDouble();
            p[i] *= factor;
            q[i] *= factor;
        }
        assertAgree(network, p, q);
    }

    private static void assertAgree(Network network, double[] p, double[] q) {
        PowerFlowResult sweep = new RadialPowerFlow(network).solve(p, q);
        PowerFlowResult newton = new NewtonRaphsonPowerFlow(network).solve(p, q);
        assertTrue(sweep.converged(), "sweep did not converge on " + network.name());
        assertTrue(newton.converged(), "Newton-Raphson did not converge on " + network.name());
        for (int i = 0; i < network.busCount(); i++) {
            assertEquals(newton.vmPu()[i], sweep.vmPu()[i], 1e-8, "vm at bus " + network.busNumber(i));
            assertEquals(newton.vaDeg()[i], sweep.vaDeg()[i], 1e-6, "va (deg) at bus " + network.busNumber(i));
        }
        for (int k = 0; k < network.branchCount(); k++) {
            assertEquals(newton.branchPFromPu()[k], sweep.branchPFromPu()[k], 1e-7, "P from, branch " + k);
            assertEquals(newton.branchQFromPu()[k], sweep.branchQFromPu()[k], 1e-7, "Q from, branch " + k);
        }
        assertEquals(newton.lossesPu(), sweep.lossesPu(), 1e-8);
        assertEquals(newton.lossesQPu(), sweep.lossesQPu(), 1e-8);
        assertTrue(sweep.minVm() > 0.85 && sweep.maxVm() < 1.1, network.name() + " Vmin " + sweep.minVm());
    }
}
