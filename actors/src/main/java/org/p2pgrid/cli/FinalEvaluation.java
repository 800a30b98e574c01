package org.p2pgrid.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import org.p2pgrid.env.pomdp.P2pTradingEnv;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.learner.train.Evaluation;
import org.p2pgrid.learner.train.ExpertBaseline;
import org.p2pgrid.learner.train.ExpertSetup;
import org.p2pgrid.learner.train.Report;
import org.p2pgrid.learner.train.Trainer;

/**
 * The final evaluation of a run (paper Table IV): the learned policy (greedy), the perfect-foresight
 * expert and the rule-based policy on the same days; printed, and written to the run directory.
 */
final class FinalEvaluation {
    static final String EXPERT = "expert (perfect foresight)";

    private FinalEvaluation() {}

    record Row(String name, Evaluation.Summary summary, List<Evaluation.DayResult> days) {}

    static List<Row> run(Trainer trainer, ExpertSetup expert, long profileSeed, List<Integer> days, String daysSpec,
                         boolean withExpert, boolean noProgress) throws java.io.IOException {
        Scenario scenario = trainer.scenario();
        String learnedName = trainer.config().algo().id().toUpperCase(Locale.ROOT) + " (learned, greedy)";
        List<Row> rows = new ArrayList<>();
        List<Evaluation.DayResult> learned = Evaluation.run(scenario, trainer.policy(), days);
        rows.add(row(learnedName, learned));
        if (withExpert) {
            Path cacheFile = trainer.config().labels().cacheDir()
                    .resolve(String.format("expert-days-%016x.csv", expert.fingerprint()));
            try (ProgressBar bar = Progress.bar("expert", days.size(), noProgress)) {
                rows.add(row(EXPERT,
                        ExpertBaseline.run(scenario, expert.newLabeller(), days, cacheFile, d -> bar.step())));
            }
        }
        rows.add(row("rule-based", Evaluation.run(scenario, Scenarios.ruleBased(scenario), days)));

        System.out.printf(Locale.ROOT, "%nTest-set evaluation: %d days (%s), greedy, profile seed %d%n", days.size(), daysSpec,
                profileSeed);
        System.out.printf(Locale.ROOT, "%-28s %12s %10s %13s %12s %10s%n", "policy", "cost CNY/day", "± std",
                "disc. reward", "viol. p.u.", "/ expert");
        double expertCost = rows.stream().filter(r -> r.name().startsWith("expert")).mapToDouble(r -> r.summary().meanCost())
                .findFirst().orElse(Double.NaN);
        for (Row r : rows) {
            Evaluation.Summary s = r.summary();
            System.out.printf(Locale.ROOT, "%-28s %12.2f %10.2f %13.3f %12.3e %10s%n", r.name(), s.meanCost(), s.stdCost(),
                    s.meanDiscountedReward(), s.meanViolationRatePu(),
                    Double.isNaN(expertCost) ? "-" : String.format(Locale.ROOT, "%.3f×", s.meanCost() / expertCost));
        }
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("algorithm", trainer.config().algo().id().toUpperCase(Locale.ROOT));
        facts.put("episodes", Integer.toString(trainer.episodesDone()));
        facts.put("updates", Long.toString(trainer.learner().updates()));
        facts.put("training seed", Long.toString(trainer.config().seed()));
        facts.put("profile seed", Long.toString(profileSeed));
        facts.put("teacher", trainer.config().labels().teacher().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        facts.put("scenario", scenario.prosumers().size() + " prosumers, " + scenario.network().busCount() + "-bus feeder");
        facts.put("evaluation days", daysSpec + " (" + days.size() + " days)");
        List<Report.PolicyResult> results = new ArrayList<>();
        for (Row r : rows) {
            results.add(new Report.PolicyResult(r.name(), r.days()));
        }
        List<Path> written = Report.write(trainer.runDir(), facts, results, learnedName,
                withExpert ? EXPERT : null);
        System.out.println();
        for (Path p : written) {
            System.out.println("wrote " + p);
        }
        return rows;
    }

    private static Row row(String name, List<Evaluation.DayResult> days) {
        return new Row(name, Evaluation.Summary.of(days, P2pTradingEnv.STEPS_PER_DAY), days);
    }
}
