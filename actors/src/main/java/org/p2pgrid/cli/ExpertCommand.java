package org.p2pgrid.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import org.p2pgrid.env.data.DataSplit;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.pomdp.EpisodeMetrics;
import org.p2pgrid.env.pomdp.Episodes;
import org.p2pgrid.env.pomdp.P2pTradingEnv;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.env.pomdp.StepResult;
import org.p2pgrid.expert.dso.DsoExpert;
import org.p2pgrid.expert.dso.DsoPlan;
import org.p2pgrid.expert.label.ExpertLabeller;
import org.p2pgrid.expert.label.LabelCache;
import org.p2pgrid.expert.label.LabelFingerprint;
import org.p2pgrid.expert.lang.ReferenceModelFactory;
import org.p2pgrid.expert.solver.OrToolsLpBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./p2pgrid expert}: the perfect-foresight expert (reference prosumer models + DSO with
 * LinDistFlow and the AC security check) over a set of days, next to the rule-based policy.
 */
@Command(name = "expert", mixinStandardHelpOptions = true,
        description = "Runs the expert (reference prosumer models in the modelling language, composed by the DSO with LinDistFlow network constraints and verified with the AC power flow) over a set of days. Per day: the expert's cost when its labels are applied in the environment (the lower bound a learned policy is compared against), the rule-based policy's cost, AC-check violations before and after tightening, and solve times.")
public final class ExpertCommand implements Callable<Integer> {

    @Mixin
    ScenarioOptions scenarioOptions;

    @Option(names = "--cache", description = "directory for the durable expert label cache (default: none, memory only)")
    Path cacheDir;

    @Option(names = "--csv", description = "write the per-day results to this CSV file")
    Path csv;

    record DayResult(int day, double expertCost, double planObjective, double ruleCost, double expertViolationRate,
                     int expertViolatedSteps, double ruleViolationRate, int acViolatedBefore, int acViolatedAfter,
                     int acIterations, double planSeconds, long solves, long reuses) {}

    @Override
    public Integer call() throws IOException {
        Scenario scenario = scenarioOptions.scenario();
        List<Integer> dayList = scenarioOptions.dayList();
        long seed = scenarioOptions.seed;
        DsoExpert dso = new DsoExpert(scenario, new ReferenceModelFactory(), new OrToolsLpBackend(), DsoExpert.Options.defaults());
        List<DayResult> results = new ArrayList<>();
        try (LabelCache cache = cacheDir == null ? LabelCache.inMemory()
                : LabelCache.open(cacheDir, LabelFingerprint.of(scenario, seed));
             ProgressBar bar = scenarioOptions.progressBar("expert", dayList.size())) {
            ExpertLabeller labeller = new ExpertLabeller(scenario, dso, cache, ExpertLabeller.Options.defaults());
            P2pTradingEnv env = new P2pTradingEnv(scenario);
            for (int d : dayList) {
                bar.setExtraMessage(DataSplit.date(d).toString());
                results.add(runDay(scenario, env, labeller, d));
                bar.step();
            }
        }
        System.out.printf(Locale.ROOT, "Expert on %d prosumers, %d-bus feeder, %d days (%s), seed %d%n%n",
                scenario.prosumers().size(), scenario.network().busCount(), dayList.size(), scenarioOptions.days, seed);
        System.out.printf(Locale.ROOT, "%-4s %-10s %11s %11s %11s %9s %11s %11s %9s %6s %8s %6s%n",
                "day", "date", "expert", "plan obj", "rule", "saving", "exp viol", "rule viol", "AC b/a", "AC it",
                "plan s", "solves");
        double sumExpert = 0, sumRule = 0, sumExpViol = 0, sumRuleViol = 0, sumSeconds = 0;
        for (DayResult r : results) {
            System.out.printf(Locale.ROOT, "%-4d %-10s %11.2f %11.2f %11.2f %9.2f %11.3e %11.3e %4d/%-4d %6d %8.2f %6d%n",
                    r.day(), DataSplit.date(r.day()), r.expertCost(), r.planObjective(), r.ruleCost(),
                    r.ruleCost() - r.expertCost(), r.expertViolationRate(), r.ruleViolationRate(), r.acViolatedBefore(),
                    r.acViolatedAfter(), r.acIterations(), r.planSeconds(), r.solves());
            sumExpert += r.expertCost();
            sumRule += r.ruleCost();
            sumExpViol += r.expertViolationRate();
            sumRuleViol += r.ruleViolationRate();
            sumSeconds += r.planSeconds();
        }
        int n = results.size();
        System.out.printf(Locale.ROOT, "%nmean cost/day: expert %.2f CNY, rule-based %.2f CNY (expert saves %.2f CNY/day); "
                        + "violation rate: expert %.3e, rule %.3e p.u.; mean full-day plan time %.2f s%n",
                sumExpert / n, sumRule / n, (sumRule - sumExpert) / n, sumExpViol / n, sumRuleViol / n, sumSeconds / n);
        if (csv != null) {
            writeCsv(results);
            System.out.println("wrote " + csv);
        }
        return 0;
    }

    private static DayResult runDay(Scenario scenario, P2pTradingEnv env, ExpertLabeller labeller, int day) {
        long solvesBefore = labeller.solves();
        long reusesBefore = labeller.planReuses();
        double[][] obs = env.reset(day);
        DeviceState[] states = new DeviceState[scenario.prosumers().size()];
        for (int i = 0; i < states.length; i++) {
            states[i] = env.deviceState(i);
        }
        DsoPlan plan = labeller.plan(day, 0, states); // the day's perfect-foresight plan
        EpisodeMetrics expert = new EpisodeMetrics(scenario.gamma(), scenario.dtHours());
        boolean done = false;
        while (!done) {
            int t = env.currentStep();
            for (int i = 0; i < states.length; i++) {
                states[i] = env.deviceState(i);
            }
            StepResult r = env.step(labeller.label(day, t, states).actions());
            expert.add(r);
            done = r.done();
        }
        EpisodeMetrics rule = Episodes.runDay(env, Scenarios.ruleBased(scenario), day);
        var ac = plan.acCheck();
        return new DayResult(day, expert.totalCost(), plan.objectiveCny(), rule.totalCost(), expert.violationRatePu(),
                expert.violatedSteps(), rule.violationRatePu(), ac.initialViolatedSteps(), ac.violatedSteps(),
                plan.iterations(), plan.solveSeconds() + plan.buildSeconds(), labeller.solves() - solvesBefore,
                labeller.planReuses() - reusesBefore);
    }

    private void writeCsv(List<DayResult> results) throws IOException {
        if (csv.getParent() != null) {
            Files.createDirectories(csv.getParent());
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv))) {
            w.println("day,date,expert_cost_cny,plan_objective_cny,rule_cost_cny,expert_violation_rate_pu,"
                    + "expert_violated_steps,rule_violation_rate_pu,ac_violated_steps_before,ac_violated_steps_after,"
                    + "ac_iterations,plan_seconds,solves,plan_reuses");
            for (DayResult r : results) {
                w.printf(Locale.ROOT, "%d,%s,%.6f,%.6f,%.6f,%.8e,%d,%.8e,%d,%d,%d,%.4f,%d,%d%n", r.day(),
                        DataSplit.date(r.day()), r.expertCost(), r.planObjective(), r.ruleCost(), r.expertViolationRate(),
                        r.expertViolatedSteps(), r.ruleViolationRate(), r.acViolatedBefore(), r.acViolatedAfter(),
                        r.acIterations(), r.planSeconds(), r.solves(), r.reuses());
            }
        }
    }
}
