package org.p2pgrid.expert.dso;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.pomdp.DayExogenous;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.expert.solver.Linearizer;
import org.p2pgrid.expert.solver.OrToolsLpBackend;
import org.p2pgrid.expert.solver.SolveOptions;
import org.p2pgrid.expert.solver.Solution;

/**
 * Printed timings of full-day DSO solves (no assertions on time). Stands in for the JMH benchmark
 * until real prosumer models are available to the benchmarks module. Run with
 * {@code -Dp2pgrid.timing=20,100,300}.
 */
@EnabledIfSystemProperty(named = "p2pgrid.timing", matches = ".+")
class DsoTimingTest {
    @Test
    void printTimings() {
        for (String n : System.getProperty("p2pgrid.timing").split(",")) {
            int prosumers = Integer.parseInt(n.trim());
            Scenario s = prosumers == 20 ? Scenarios.defaults(1) : Scenarios.synthetic(141, prosumers, 1);
            if (prosumers > 140) {
                s = Scenarios.synthetic(prosumers + 41, prosumers, 1);
            }
            DayExogenous day = s.exogenous().day(172);
            DeviceState[] states = new DeviceState[prosumers];
            for (int i = 0; i < prosumers; i++) {
                states[i] = DeviceState.initial(s.prosumers().get(i));
            }
            for (String chain : new String[] {"HIGHS_LP"}) {
                OrToolsLpBackend backend = new OrToolsLpBackend(java.util.List.of(chain));
                for (int rep = 0; rep < 2; rep++) {
                    double[][][] band = DsoProblem.defaultVoltageBand(s, 0);
                    long t0 = System.nanoTime();
                    DsoProblem p = DsoProblem.build(s, new HandWrittenProsumerModels(), day, 0, states, band[0], band[1], null);
                    long t1 = System.nanoTime();
                    Linearizer.linearize(p.model(), SolveOptions.defaults());
                    long t2 = System.nanoTime();
                    Solution sol = backend.solve(p.model(), SolveOptions.defaults());
                    long t3 = System.nanoTime();
                    System.out.printf("N=%d buses=%d %s rep %d: %s; build %.3f s, linearise %.3f s, solve (incl. linearise) "
                                    + "%.3f s, %s, objective %.3f%n", prosumers, s.network().busCount(), chain, rep,
                            DsoExpert.describe(p.model()), (t1 - t0) * 1e-9, (t2 - t1) * 1e-9, (t3 - t2) * 1e-9,
                            sol.status(), sol.objective());
                }
            }
        }
    }
}
