package org.p2pgrid.expert.dso;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * {@code -Dp2pgrid.timing.perStep=false} for the two-stage solve's reactive repair as one LP instead of step by step,
 * {@code -Dp2pgrid.timing.dualHint=false} to solve stage 1 without its dual hint (on by default, as in production; A/B),
 * {@code -Dp2pgrid.timing.highsOptions=name=value,name=value} for these HiGHS options instead of
 * {@link OrToolsLpBackend#DEFAULT_HIGHS_OPTIONS} ({@code none}: HiGHS' own defaults; A/B),
 * {@code -Dp2pgrid.timing.firstSolve=false} to skip the separate one-iteration plan per repetition,
 * {@code -Dp2pgrid.timing.timeLimit=600} to raise the per-solve time limit of 120 s for N = 300 on a busy box,
 * {@code -Dp2pgrid.timing.models=reference} to place the production reference models
 * ({@link ReferenceModelFactory}) instead of the hand-written fixture).
 * Per N it prints, over the repetitions (after one warm-up), the median of: the first plan
 * iteration's LP time (one solve), the whole plan's LP time
 * and wall time (AC check and tightening included), the CPU time of the planning thread (HiGHS runs natively
 * in the calling thread; the per-step repair's pool threads are not in it) and of the whole process during
 * the plan, and the stage-1/stage-2 split of the two-stage solve (wall and CPU, from the plan's log).
 */
@EnabledIfSystemProperty(named = "p2pgrid.timing", matches = ".+")
class DsoTimingTest {
    @Test
    void printTimings() {
        int reps = Integer.getInteger("p2pgrid.timing.reps", 3);
        boolean reference = "reference".equals(System.getProperty("p2pgrid.timing.models"));
        ProsumerModelFactory models = reference ? new ReferenceModelFactory() : new HandWrittenProsumerModels();
        System.out.println("prosumer models: " + (reference ? "reference (.p2pm)" : "hand-written fixture")
                + ", two-stage solve: " + !"false".equals(System.getProperty("p2pgrid.timing.twoStage"))
                + ", stage-1 dual hint: " + !"false".equals(System.getProperty("p2pgrid.timing.dualHint"))
                + ", HiGHS options: " + highsOptions());
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
            OrToolsLpBackend backend = OrToolsLpBackend.withHighsOptions(highsOptions());
            SolveOptions solve = SolveOptions.defaults().withTimeLimitSeconds(
                    Double.parseDouble(System.getProperty("p2pgrid.timing.timeLimit", "120")));
            boolean twoStage = !"false".equals(System.getProperty("p2pgrid.timing.twoStage"));
            boolean perStep = !"false".equals(System.getProperty("p2pgrid.timing.perStep"));
            boolean firstSolve = !"false".equals(System.getProperty("p2pgrid.timing.firstSolve"));
            boolean dualHint = !"false".equals(System.getProperty("p2pgrid.timing.dualHint"));
            DsoExpert oneShot = new DsoExpert(s, models, backend,
                    new DsoExpert.Options(solve, true, true, 1, 1e-3, twoStage, perStep, dualHint));
            DsoExpert expert = new DsoExpert(s, models, backend, DsoExpert.Options.defaults().withSolve(solve)
                    .withTwoStage(twoStage).withPerStepRepair(perStep).withDualHint(dualHint));
            double[] first = new double[reps];
            double[] planSolve = new double[reps];
            double[] planWall = new double[reps];
            double[] planBuild = new double[reps];
            double[] threadCpu = new double[reps];
            double[] processCpu = new double[reps];
            double[] stage1 = new double[reps];
            double[] stage1Cpu = new double[reps];
            double[] stage2 = new double[reps];
            double[] stage2Cpu = new double[reps];
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            DsoPlan plan = null;
            for (int rep = -1; rep < reps; rep++) {
                DsoPlan one = firstSolve ? oneShot.plan(day, 0, states) : null;
                long c0 = threads.getCurrentThreadCpuTime();
                long p0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                plan = expert.plan(day, 0, states);
                double wall = (System.nanoTime() - t0) * 1e-9;
                double cpu = (threads.getCurrentThreadCpuTime() - c0) * 1e-9;
                double pcpu = (os.getProcessCpuTime() - p0) * 1e-9;
                double[] st = stages(plan.acCheck().log());
                if (rep >= 0) {
                    first[rep] = one == null ? Double.NaN : one.solveSeconds();
                    planSolve[rep] = plan.solveSeconds();
                    planWall[rep] = wall;
                    planBuild[rep] = plan.buildSeconds();
                    threadCpu[rep] = cpu;
                    processCpu[rep] = pcpu;
                    stage1[rep] = st[0];
                    stage1Cpu[rep] = st[1];
                    stage2[rep] = st[2];
                    stage2Cpu[rep] = st[3];
                }
                System.out.printf("N=%d buses=%d rep %d: first solve %.3f s (%s); plan: LP %.3f s, build %.3f s, wall %.3f s,"
                                + " plan thread CPU %.3f s, process CPU %.3f s, %d AC iteration(s), objective %.6f, AC feasible %s, %s%n",
                        prosumers, s.network().busCount(), rep, one == null ? Double.NaN : one.solveSeconds(),
                        one == null ? "-" : one.acCheck().log().get(0), plan.solveSeconds(), plan.buildSeconds(), wall, cpu, pcpu,
                        plan.iterations(), plan.objectiveCny(), plan.acCheck().feasible(), plan.explanation());
                plan.acCheck().log().forEach(l -> System.out.println("    " + l));
            }
            System.out.printf("N=%d MEDIAN over %d: first solve %.3f s, plan LP %.3f s, plan wall %.3f s, build %.3f s,"
                            + " plan thread CPU %.3f s, process CPU %.3f s; stage 1 %.3f s (cpu %.3f s), stage 2 %.3f s (cpu %.3f s)"
                            + " (summed over AC iterations); %d AC iterations, objective %.6f%n",
                    prosumers, reps, median(first), median(planSolve), median(planWall), median(planBuild), median(threadCpu),
                    median(processCpu), median(stage1), median(stage1Cpu), median(stage2), median(stage2Cpu), plan.iterations(),
                    plan.objectiveCny());
            if (Boolean.getBoolean("p2pgrid.timing.full")) {
                double[][][] band = DsoProblem.defaultVoltageBand(s, 0);
                DsoProblem p = DsoProblem.build(s, models, day, 0, states, band[0], band[1], null);
                Solution sol = backend.solve(p.model(), SolveOptions.defaults());
                System.out.printf("N=%d full-network LP (%s): %.3f s, %s, objective %.6f%n", prosumers,
                        DsoExpert.describe(p.model()), sol.solveSeconds(), sol.status(), sol.objective());
            }
        }
    }

    private static Map<String, String> highsOptions() {
        String spec = System.getProperty("p2pgrid.timing.highsOptions");
        return spec == null ? OrToolsLpBackend.DEFAULT_HIGHS_OPTIONS : OrToolsLpBackend.parseHighsOptions(spec);
    }

    private static final Pattern RELAXED = Pattern.compile("relaxed LP ([0-9.]+) s(?: cpu ([0-9.]+) s)?");
    private static final Pattern REPAIR = Pattern.compile("reactive repair(?: per step)? ([0-9.]+) s(?: cpu ([0-9.]+) s)?");

    /** Stage 1 wall, cpu, stage 2 wall, cpu (NaN if not reported) summed over the AC-check log's iterations. */
    private static double[] stages(List<String> log) {
        double[] out = new double[4];
        for (String line : log) {
            Matcher m = RELAXED.matcher(line);
            if (m.find()) {
                out[0] += Double.parseDouble(m.group(1));
                out[1] += m.group(2) == null ? Double.NaN : Double.parseDouble(m.group(2));
            }
            m = REPAIR.matcher(line);
            if (m.find()) {
                out[2] += Double.parseDouble(m.group(1));
                out[3] += m.group(2) == null ? Double.NaN : Double.parseDouble(m.group(2));
            }
        }
        return out;
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }
}
