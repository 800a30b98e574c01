package org.p2pgrid.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.learner.train.ExpertSetup;
import org.p2pgrid.learner.train.Trainer;
import org.p2pgrid.learner.train.TrainingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./p2pgrid evaluate}: a run's newest valid checkpoint, greedy, on the test days, next to the expert and the rule-based policy. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluates a training run's newest valid checkpoint (greedy policy) on the test days next to the "
                + "perfect-foresight expert and the rule-based policy; writes evaluation.csv, report.md and plots/ into the run directory.")
public final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, description = "the run directory (as given to train --out)")
    Path runDir;

    @Option(names = "--days", description = "test | test/K | validation | a comma list (default: the run's test-days)")
    String days;

    @Option(names = "--no-expert-baseline", description = "without the expert's cost (it needs one DSO plan per day)")
    boolean noExpertBaseline;

    @Option(names = "--no-progress", description = "do not draw a progress bar")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        TrainingConfig config = RunFiles.trainingConfig(runDir);
        long profile = RunFiles.profileSeed(runDir);
        Scenario scenario = RunFiles.scenario(runDir, profile);
        String spec = days != null ? days : config.testDays();
        TrainingConfig.Labels labels = config.labels();
        try (ExpertSetup expert = ExpertSetup.open(scenario, profile, labels.cacheDir(), labels.socToleranceKwh(),
                labels.cdgToleranceKw(), labels.highsOptions());
             Trainer trainer = Trainer.forEvaluation(scenario, config, runDir, RunFiles.fingerprint(scenario, profile))) {
            System.out.printf(Locale.ROOT, "%s after %d episodes (%d updates), run %s%n",
                    config.algo().id().toUpperCase(Locale.ROOT), trainer.episodesDone(), trainer.learner().updates(), runDir);
            FinalEvaluation.run(trainer, expert, profile, TrainingConfig.days(spec, "--days"), spec, !noExpertBaseline,
                    noProgress);
        }
        return 0;
    }
}
