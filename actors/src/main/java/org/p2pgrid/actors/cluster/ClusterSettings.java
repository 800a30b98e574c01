package org.p2pgrid.actors.cluster;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;

/**
 * The {@code p2pgrid.cluster} block (documented in cluster-config/cluster-tcp.conf).
 *
 * @param runDir            run directory (checkpoints, WAL, history): shared by every learner-capable node
 * @param train             whether the learner singleton trains (false: it only restores and reports status)
 * @param scenario          {@code default}, {@code synthetic:BUSES:PROSUMERS:SEED} or a scenario HOCON file
 * @param profileSeed       seed of the generated profiles (as {@code ./p2pgrid train --profile-seed})
 * @param batchTransitions  transitions per TransitionBatch (at most)
 * @param batchesInFlight   unacknowledged batches per world (the credit window)
 * @param resendAfter       a batch unacknowledged this long is sent again
 * @param leaseTimeout      an episode whose world sent nothing for this long is handed out again
 * @param worldStallTimeout a world's own no-progress watchdog (must outlast a learner fail-over)
 * @param frameBytes        Artery's maximum-frame-size (weights are chunked below it)
 * @param minRolloutNodes   the learner singleton starts training once this many rollout nodes are registered
 * @param validateOnRolloutNodes run the periodic greedy validation on a rollout node (the learner as fallback)
 * @param validationTimeout a rollout node's validation unanswered this long is done on the learner
 */
public record ClusterSettings(String runDir, boolean train, String scenario, long profileSeed, int batchTransitions,
                              int batchesInFlight, Duration resendAfter, Duration leaseTimeout,
                              Duration worldStallTimeout, int frameBytes, int minRolloutNodes,
                              boolean validateOnRolloutNodes, Duration validationTimeout) {
    public static final String PATH = "p2pgrid.cluster";

    public static ClusterSettings from(Config root) {
        Config c = root.getConfig(PATH);
        ClusterSettings s = new ClusterSettings(c.getString("run-dir"), c.getBoolean("train"), c.getString("scenario"),
                c.getLong("profile-seed"), c.getInt("batch-transitions"), c.getInt("batches-in-flight"),
                c.getDuration("resend-after"), c.getDuration("lease-timeout"), c.getDuration("world-stall-timeout"),
                (int) root.getBytes("pekko.remote.artery.advanced.maximum-frame-size").longValue(),
                c.getInt("min-rollout-nodes"), c.getBoolean("validate-on-rollout-nodes"), c.getDuration("validation-timeout"));
        if (s.batchTransitions < 1 || s.batchesInFlight < 1) {
            throw new IllegalArgumentException(PATH + ": batch-transitions and batches-in-flight must be >= 1");
        }
        return s;
    }

    public Path runPath() {
        return Path.of(runDir);
    }

    /** The scenario both roles simulate (every node must name the same one). */
    public Scenario loadScenario() {
        if (scenario.equals("default")) {
            return Scenarios.defaults(profileSeed);
        }
        if (scenario.startsWith("synthetic:")) {
            String[] p = scenario.split(":");
            if (p.length != 4) {
                throw new IllegalArgumentException(PATH + ".scenario = " + scenario + ": expected synthetic:BUSES:PROSUMERS:SEED");
            }
            return Scenarios.synthetic(Integer.parseInt(p[1]), Integer.parseInt(p[2]), Long.parseLong(p[3]));
        }
        return Scenarios.fromFile(Path.of(scenario), profileSeed);
    }
}
