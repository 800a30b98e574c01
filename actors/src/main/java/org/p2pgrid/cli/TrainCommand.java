package org.p2pgrid.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import me.tongfei.progressbar.ProgressBar;
import org.p2pgrid.actors.runtime.ActorTraining;
import org.p2pgrid.actors.runtime.RuntimeSettings;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.learner.train.Checkpoints;
import org.p2pgrid.learner.train.ExpertSetup;
import org.p2pgrid.learner.train.ExpertTeacher;
import org.p2pgrid.learner.train.RuleBasedTeacher;
import org.p2pgrid.learner.train.Teacher;
import org.p2pgrid.learner.train.Trainer;
import org.p2pgrid.learner.train.TrainingConfig;
import org.p2pgrid.learner.train.TrainingHistory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./p2pgrid train}: the single-process reference trainer (OP / OP-MH with the expert's labels),
 * then the final evaluation on the test days next to the expert and the rule-based policy.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Trains OP or OP-MH (paper section III-B) on the scenario with the expert's labels, checkpointing as it goes, "
                + "then evaluates the greedy policy on the test days next to the perfect-foresight expert and the rule-based policy "
                + "(evaluation.csv, report.md, plots/ in the run directory). Ctrl-C checkpoints after the current episode; "
                + "--resume continues a stopped or killed run exactly.")
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--algo", description = "op | op-mh (default: op-mh, from the training config)")
    String algo;

    @Option(names = "--episodes", description = "training episodes (one training day each; default 200)")
    Integer episodes;

    @Option(names = "--seed", description = "training seed: network init, day draws, exploration, replay sampling (default 1)")
    Long seed;

    @Option(names = "--out", description = "run directory (default: runs/<algo>-seed<seed>)")
    Path out;

    @Option(names = "--resume", description = "continue the run in this directory from its newest valid checkpoint")
    Path resume;

    @Option(names = "--training", description = "HOCON file overriding p2pgrid.training (see the learner's reference.conf)")
    Path trainingFile;

    @Option(names = "--set", description = "override one training setting, e.g. --set learner.batch-size=64 (repeatable)")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--teacher", description = "expert | rule-based | none (default: expert)")
    String teacher;

    @Option(names = "--test-days", description = "final evaluation days: test | test/K (every K-th test day) | validation | a comma list (default: test)")
    String testDays;

    @Option(names = "--no-evaluation", description = "skip the final evaluation on the test days")
    boolean noEvaluation;

    @Option(names = "--no-expert-baseline", description = "final evaluation without the expert's cost (it needs one DSO plan per day)")
    boolean noExpertBaseline;

    @Option(names = "--config", description = "HOCON scenario file overriding reference.conf (default: the built-in scenario)")
    Path scenarioFile;

    @Option(names = "--profile-seed", defaultValue = "1", description = "seed of the generated profiles (default: ${DEFAULT-VALUE})")
    long profileSeed;

    @Option(names = "--no-progress", description = "do not draw a progress bar")
    boolean noProgress;

    @Option(names = "--runtime", defaultValue = "single",
            description = "single = the deterministic single-process reference loop; actors = the Pekko actor runtime "
                    + "(parallel worlds, prosumer actors, replay/learner/expert-pool actors; p2pgrid.runtime settings) (default: ${DEFAULT-VALUE})")
    String runtime;

    @Option(names = "--worlds", description = "with --runtime actors: simulated days stepped in parallel (default: p2pgrid.runtime.worlds)")
    Integer worlds;

    @Override
    public Integer call() throws Exception {
        if (!runtime.equals("single") && !runtime.equals("actors")) {
            throw new IllegalArgumentException("--runtime " + runtime + ": expected single or actors");
        }
        if (worlds != null && (worlds < 1 || !runtime.equals("actors"))) {
            throw new IllegalArgumentException("--worlds " + worlds + ": needs --runtime actors and a value >= 1");
        }
        Path runDir = resume;
        TrainingConfig config;
        Scenario scenario;
        long profile;
        if (resume != null) {
            if (scenarioFile != null || trainingFile != null || algo != null || seed != null || teacher != null) {
                throw new IllegalArgumentException("--resume takes the run's own scenario and training config; only "
                        + "--episodes, --test-days and output options may be given with it");
            }
            config = RunFiles.trainingConfig(runDir);
            profile = RunFiles.profileSeed(runDir);
            scenario = RunFiles.scenario(runDir, profile);
            if (!Files.exists(runDir.resolve(Checkpoints.DIR))) {
                throw new IllegalArgumentException("--resume " + runDir + ": no checkpoints in it yet; start it again without --resume");
            }
        } else {
            Config overrides = trainingFile == null ? ConfigFactory.empty() : parse(trainingFile);
            config = TrainingConfig.from(overrides);
            profile = profileSeed;
            scenario = scenarioFile == null ? Scenarios.defaults(profile) : Scenarios.fromFile(scenarioFile, profile);
        }
        config = config.with(overrides());
        if (resume == null) {
            runDir = out != null ? out : Path.of("runs", config.algo().id() + "-seed" + config.seed());
            if (Files.exists(runDir.resolve(Checkpoints.DIR).resolve(Checkpoints.LATEST))) {
                throw new IllegalArgumentException(runDir + " already holds a run with checkpoints: continue it with --resume "
                        + runDir + ", or choose another --out");
            }
            RunFiles.record(runDir, scenarioFile, profile);
        }
        String fingerprint = RunFiles.fingerprint(scenario, profile);

        TrainingConfig.Labels labels = config.labels();
        try (ExpertSetup expert = ExpertSetup.open(scenario, profile, labels.cacheDir(), labels.socToleranceKwh(),
                labels.cdgToleranceKw(), labels.highsOptions())) {
            Supplier<Teacher> teachers = switch (labels.teacher()) {
                case EXPERT -> () -> new ExpertTeacher(expert.newLabeller(), scenario); // one labeller each, shared cache
                case RULE_BASED -> () -> new RuleBasedTeacher(scenario);
                case NONE -> () -> (day, step, states, obs) -> {
                    throw new IllegalStateException("no teacher");
                };
            };
            System.out.printf(Locale.ROOT, "%s %s on %d prosumers (%d-bus feeder), %d episodes, seed %d, teacher %s, %s runtime, run %s%n",
                    resume != null ? "Resuming" : "Training", config.algo().id().toUpperCase(Locale.ROOT),
                    scenario.prosumers().size(), scenario.network().busCount(), config.episodes(), config.seed(),
                    labels.teacher().name().toLowerCase(Locale.ROOT).replace('_', '-'), runtime, runDir);
            Trainer.Outcome outcome;
            String teacherStats = "teacher " + labels.teacher().name().toLowerCase(Locale.ROOT).replace('_', '-');
            try (ProgressBar bar = Progress.bar("train", config.episodes(), noProgress)) {
                Trainer.Listener listener = progress(bar);
                if (runtime.equals("actors")) {
                    RuntimeSettings settings = RuntimeSettings.load();
                    if (worlds != null) {
                        settings = settings.withWorlds(worlds);
                    }
                    try (ActorTraining run = ActorTraining.start(scenario, config, teachers, runDir, fingerprint, listener,
                            settings)) {
                        outcome = untilDoneOrStopped(run::requestStop, run::await);
                    }
                } else {
                    Teacher teacher = teachers.get();
                    try (Trainer trainer = new Trainer(scenario, config, teacher, runDir, fingerprint)) {
                        if (trainer.resumed()) {
                            System.out.println("resumed after episode " + trainer.episodesDone() + " ("
                                    + trainer.learner().updates() + " updates, " + trainer.replay().size()
                                    + " transitions in replay)");
                        }
                        bar.stepTo(trainer.episodesDone());
                        outcome = untilDoneOrStopped(trainer::requestStop, () -> trainer.train(listener));
                    }
                    if (!teacher.stats().isEmpty()) {
                        teacherStats = teacher.stats();
                    }
                }
            }
            System.out.printf(Locale.ROOT, "%d episodes, %d updates; %s; checkpoint %s%n", outcome.episodesDone(),
                    outcome.updates(), teacherStats, outcome.lastCheckpoint());
            if (outcome.stopped()) {
                System.out.println("stopped: continue with ./p2pgrid train --resume " + runDir);
                return 0;
            }
            if (!noEvaluation) {
                String days = config.testDays();
                try (Trainer trained = Trainer.forEvaluation(scenario, config, runDir, fingerprint)) {
                    FinalEvaluation.run(trained, expert, profile, TrainingConfig.days(days, "--test-days"), days,
                            !noExpertBaseline, noProgress);
                }
            }
        }
        return 0;
    }

    /** Ctrl-C / SIGTERM asks the run to checkpoint after the current episode; the JVM waits for it. */
    private static Trainer.Outcome untilDoneOrStopped(Runnable requestStop, Supplier<Trainer.Outcome> body) {
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            requestStop.run();
            try {
                main.join(600_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "p2pgrid-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return body.get();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for us
            }
        }
    }

    private static Trainer.Listener progress(ProgressBar bar) {
        return new Trainer.Listener() {
            @Override
            public void episodeFinished(TrainingHistory.Episode e) {
                bar.step();
                bar.setExtraMessage(String.format(Locale.ROOT, "cost %.0f viol %.1e R %.1f λ %.3f upd/s %.1f",
                        e.cost(), e.violationRatePu(), e.reward(), e.meanLambda(), e.updatesPerSecond()));
            }

            @Override
            public void validated(TrainingHistory.Validation v) {
                bar.setExtraMessage(String.format(Locale.ROOT, "validation after %d: cost %.0f (rule %.0f) viol %.2e",
                        v.episode(), v.policy().meanCost(), v.ruleBasedMeanCost(), v.policy().meanViolationRatePu()));
            }
        };
    }

    private Map<String, Object> overrides() {
        Map<String, Object> o = new LinkedHashMap<>();
        settings.forEach((k, v) -> o.put(k, v));
        if (algo != null) o.put("algo", algo);
        if (episodes != null) o.put("episodes", episodes);
        if (seed != null) o.put("seed", seed);
        if (teacher != null) o.put("labels.teacher", teacher);
        // recorded in the run's training.conf: a --resume evaluates on the days the run was started with,
        // and a bad value stops the command before training, not hours later at the final evaluation
        if (testDays != null) o.put("test-days", testDays);
        return o;
    }

    private static Config parse(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--training " + file + ": no such file");
        }
        return ConfigFactory.parseFile(file.toFile());
    }
}
