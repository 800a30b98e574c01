package org.p2pgrid.env.grid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RadialPowerFlowTest {
    private final Network feeder = DefaultFeeder.case141();

    @Test
    void invalidInputsAreRefusedWithClearMessages() {
        RadialPowerFlow flow = new RadialPowerFlow(feeder);
        var wrongLength = assertThrows(IllegalArgumentException.class, () -> flow.solve(new double[3], new double[141]));
        assertEquals("pLoadPu has length 3 but case141 has 141 buses", wrongLength.getMessage());
        double[] p = feeder.basePdPu();
        p[feeder.indexOf(12)] = Double.NaN;
        var nan = assertThrows(IllegalArgumentException.class, () -> flow.solve(p, feeder.baseQdPu()));
        assertTrue(nan.getMessage().contains("(bus 12) is NaN"), nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RadialPowerFlow(feeder, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new RadialPowerFlow(feeder, 1e-9, 0));
    }

    @Test
    void slackEntryIsIgnored() {
        RadialPowerFlow flow = new RadialPowerFlow(feeder);
        double[] p = feeder.basePdPu();
        double[] q = feeder.baseQdPu();
        p[feeder.slackIndex()] = 123;
        q[feeder.slackIndex()] = Double.NaN;
        assertArrayEquals(flow.solve().vmPu(), flow.solve(p, q).vmPu(), 0);
    }

    @Test
    void nonConvergenceIsReportedNotThrown() {
        PowerFlowResult capped = new RadialPowerFlow(feeder, 1e-9, 2).solve();
        assertFalse(capped.converged());
        assertEquals(2, capped.iterations());
        double[] p = feeder.basePdPu();
        double[] q = feeder.baseQdPu();
        for (int i = 0; i < p.length; i++) {
            p[i] *= 20; // far beyond the loadability limit: no solution exists
            q[i] *= 20;
        }
        PowerFlowResult collapsed = new RadialPowerFlow(feeder).solve(p, q);
        assertFalse(collapsed.converged());
    }

    @Test
    void solveIntoReusesArraysAndGivesTheSameResult() {
        RadialPowerFlow flow = new RadialPowerFlow(feeder);
        PowerFlowResult first = flow.solve();
        PowerFlowResult reuse = flow.solve();
        PowerFlowResult again = flow.solveInto(feeder.basePdPu(), feeder.baseQdPu(), reuse);
        assertSame(reuse.vmPu(), again.vmPu());
        assertArrayEquals(first.vmPu(), again.vmPu(), 0);
        assertArrayEquals(first.branchPFromPu(), again.branchPFromPu(), 0);
        assertEquals(first.lossesPu(), again.lossesPu(), 0);
    }

    @Test
    void flatStartMakesResultsIndependentOfHistory() {
        RadialPowerFlow flow = new RadialPowerFlow(feeder);
        PowerFlowResult fresh = flow.solve();
        double[] p = feeder.basePdPu();
        for (int i = 0; i < p.length; i++) {
            p[i] *= -1; // reverse flows in between
        }
        flow.solve(p, feeder.baseQdPu());
        assertArrayEquals(fresh.vmPu(), flow.solve().vmPu(), 0);
    }

    @Test
    void independentInstancesRunInParallel() {
        PowerFlowResult expected = new RadialPowerFlow(feeder).solve();
        List<PowerFlowResult> results = IntStream.range(0, 64).parallel()
                .mapToObj(i -> new RadialPowerFlow(feeder).solve()).toList();
        for (PowerFlowResult result : results) {
            assertArrayEquals(expected.vmPu(), result.vmPu(), 0);
        }
    }

    @Test
    void smallAngleSeriesMatchesAtan2() {
        SplittableRandom random = new SplittableRandom(5);
        for (double span : new double[] {0.02, 0.2, 0.5}) { // |y/x| up to 0.01, 0.1 (both series tiers), 0.25
            for (int k = 0; k < 100_000; k++) {
                double x = 0.5 + random.nextDouble();
                double y = (random.nextDouble() - 0.5) * span * x;
                double exact = Math.atan2(y, x);
                assertEquals(exact, RadialPowerFlow.angle(y, x), 2 * Math.ulp(exact), "y=" + y + " x=" + x);
            }
        }
        assertEquals(Math.atan2(-1, -1), RadialPowerFlow.angle(-1, -1), 0);
        assertEquals(0.0, RadialPowerFlow.angle(0, 1), 0);
    }

    @Test
    void minAndMaxHelpers() {
        PowerFlowResult result = new PowerFlowResult(new double[] {1.0, 0.95, 1.02, 0.95}, new double[4],
                new double[3], new double[3], 0, 0, 1, true);
        assertEquals(0.95, result.minVm());
        assertEquals(1, result.argMinVm());
        assertEquals(1.02, result.maxVm());
        assertEquals(2, result.argMaxVm());
    }
}
