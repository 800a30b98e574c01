package org.p2pgrid.benchmarks.scenario;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.p2pgrid.actors.runtime.ActorTraining;
import org.p2pgrid.actors.runtime.RuntimeSettings;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.learner.train.RuleBasedTeacher;
import org.p2pgrid.learner.train.Trainer;
import org.p2pgrid.learner.train.TrainingConfig;
import org.p2pgrid.learner.train.TrainingHistory;

/**
 * The actor runtime end to end with the DJL learner updating and broadcasting: default scenario
 * (20 prosumers), OP-MH, rule-based teacher every 4th step, no validation, one checkpoint at the end
 * (into a temporary directory, deleted). Prints each episode's rollout rate (96 steps × prosumers over
 * the episode's wall time, while the learner and the other worlds share the cores) and the learner's rate.
 *
 * <pre>benchmarks/scenario.sh ActorTrainingRun [worlds=2] [episodes=6] [hidden=256] [learnerLagEpisodes=1]</pre>
 */
public final class ActorTrainingRun {
    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        int worlds = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int episodes = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        int hidden = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        int lag = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        Scenario scenario = Scenarios.defaults(1);
        TrainingConfig config = TrainingConfig.from(ConfigFactory.parseString("""
                p2pgrid.training {
                  algo = op-mh
                  episodes = %d
                  seed = 1
                  warmup-transitions = 128
                  validation-every = 0
                  checkpoint-every = 0
                  labels { teacher = rule-based, every-steps = 4 }
                  network { hidden = %d }
                  replay { normal-capacity = 20000, violation-capacity = 20000 }
                }
                """.formatted(episodes, hidden)));
        RuntimeSettings rs = RuntimeSettings.load().withWorlds(worlds).withLearnerLagEpisodes(lag);
        Path dir = Files.createTempDirectory("p2pgrid-actor-training-run");
        List<TrainingHistory.Episode> eps = new ArrayList<>();
        long t0 = System.nanoTime();
        Trainer.Outcome o;
        try {
            o = ActorTraining.run(scenario, config, () -> new RuleBasedTeacher(scenario), dir, "bench", new Trainer.Listener() {
                @Override
                public void episodeFinished(TrainingHistory.Episode e) {
                    eps.add(e);
                    System.out.printf(Locale.ROOT, "episode %d (day %d): %.2f s = %.0f agent-steps/s; learner at %d updates%n",
                            e.episode(), e.day(), e.seconds(), 96.0 * scenario.prosumers().size() / e.seconds(), e.updates());
                }
            }, rs);
        } finally {
            deleteTree(dir);
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double rollout = eps.stream().mapToDouble(TrainingHistory.Episode::seconds).sum();
        System.out.printf(Locale.ROOT, "%d worlds, hidden %d, learner lag %d: %d episodes, %d updates in %.1f s wall "
                        + "(%.2f updates/s); rollout %.0f agent-steps/s per world on average while the learner ran%n",
                worlds, hidden, lag, o.episodesDone(), o.updates(), wall, o.updates() / wall,
                eps.size() * 96.0 * scenario.prosumers().size() / rollout);
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (var walk = Files.walk(root)) {
            for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
