package org.p2pgrid.expert.dso;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.pomdp.DayExogenous;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.expert.lang.ReferenceModelFactory;
import org.p2pgrid.expert.model.ProsumerModelFactory;
import org.p2pgrid.expert.solver.OrToolsLpBackend;
import org.p2pgrid.expert.solver.SolveOptions;
import org.p2pgrid.expert.solver.Solution;

/**
 * Printed timings of full-day DSO solves (no assertions on time). Stands in for the JMH benchmark
 * until real prosumer models are available to the benchmarks module. Run with
 * {@code -Dp2pgrid.timing=20,100,300} (optionally {@code -Dp2pgrid.timing.reps=5},
 * {@code -Dp2pgrid.timing.full=true} to also time one LP with the full LinDistFlow network,
 * {@code -Dp2pgrid.timing.twoStage=false} to solve the full LP directly instead of in two stages,
 * {@code -Dp2pgrid.timing.timeLimit=600} to raise the per-solve time limit of 120 s for N = 300 on a busy box,
 * {@code -Dp2pgrid.timing.models=reference} to place the production reference models
 * ({@link ReferenceModelFactory}) instead of the hand-written fixture).
 * Per N it prints, over the repetitions (after one warm-up), the median of: the first plan
 * iteration's LP time (one solve), the whole plan's LP time
 * and wall time (AC check and tightening included).
 */
@EnabledIfSystemProperty(named = "p2pgrid.timing", matches = ".+")
class DsoTimingTest {
    @Test
    void printTimings() {
        int reps = Integer.getInteger("p2pgrid.timing.reps", 3);
        boolean reference = "reference".equals(System.getProperty("p2pgrid.timing.models"));
        ProsumerModelFactory models = reference ? new ReferenceModelFactory() : new HandWrittenProsumerModels();
        System.out.println("prosumer models: " + (reference ? "reference (.p2pm)" : "hand-written fixture")
                + ", two-stage solve: " + !"false".equals(System.getProperty("p2pgrid.timing.twoStage")));
        for (String n : System.getProperty("p2pgrid.timing").split(",")) {
            int prosumers = Integer.parseInt(n.trim());
            // More prosumers than the 141-bus feeder has non-slack buses: a synthetic feeder of N + 41 buses.
            Scenario s = prosumers == 20 ? Scenarios.defaults(1)
                    : Scenarios.synthetic(prosumers > 140 ? prosumers + 41 : 141, prosumers, 1);
            DayExogenous day = s.exogenous().day(172);
            DeviceState[] states = new DeviceState[prosumers];
            for (int i = 0; i < prosumers; i++) {
                states[i] = DeviceState.initial(s.prosumers().get(i));
            }
            OrToolsLpBackend backend = new OrToolsLpBackend();
            SolveOptions solve = SolveOptions.defaults().withTimeLimitSeconds(
                    Double.parseDouble(System.getProperty("p2pgrid.timing.timeLimit", "120")));
            boolean twoStage = !"false".equals(System.getProperty("p2pgrid.timing.twoStage"));
            DsoExpert oneShot = new DsoExpert(s, models, backend,
                    new DsoExpert.Options(solve, true, true, 1, 1e-3, twoStage));
            DsoExpert expert = new DsoExpert(s, models, backend,
                    DsoExpert.Options.defaults().withSolve(solve).withTwoStage(twoStage));
            double[] first = new double[reps];
            double[] planSolve = new double[reps];
            double[] planWall = new double[reps];
            DsoPlan plan = null;
            for (int rep = -1; rep < reps; rep++) {
                DsoPlan one = oneShot.plan(day, 0, states);
                long t0 = System.nanoTime();
                plan = expert.plan(day, 0, states);
                double wall = (System.nanoTime() - t0) * 1e-9;
                if (rep >= 0) {
                    first[rep] = one.solveSeconds();
                    planSolve[rep] = plan.solveSeconds();
                    planWall[rep] = wall;
                }
                System.out.printf("N=%d buses=%d rep %d: first solve %.3f s (%s); plan: LP %.3f s, build %.3f s, wall %.3f s,"
                                + " %d AC iteration(s), objective %.6f, AC feasible %s, %s%n", prosumers, s.network().busCount(),
                        rep, one.solveSeconds(), one.acCheck().log().get(0), plan.solveSeconds(), plan.buildSeconds(), wall,
                        plan.iterations(), plan.objectiveCny(), plan.acCheck().feasible(), plan.explanation());
            }
            System.out.printf("N=%d MEDIAN over %d: first solve %.3f s, plan LP %.3f s, plan wall %.3f s, %d AC iterations%n",
                    prosumers, reps, median(first), median(planSolve), median(planWall), plan.iterations());
            if (Boolean.getBoolean("p2pgrid.timing.full")) {
                double[][][] band = DsoProblem.defaultVoltageBand(s, 0);
                DsoProblem p = DsoProblem.build(s, models, day, 0, states, band[0], band[1], null);
                Solution sol = backend.solve(p.model(), SolveOptions.defaults());
                System.out.printf("N=%d full-network LP (%s): %.3f s, %s, objective %.6f%n", prosumers,
                        DsoExpert.describe(p.model()), sol.solveSeconds(), sol.status(), sol.objective());
            }
        }
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }
}
