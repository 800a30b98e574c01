package org.p2pgrid.actors.runtime;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.DispatcherSelector;
import java.time.Duration;

/**
 * The {@code p2pgrid.runtime} block (defaults documented in this module's {@code reference.conf}).
 *
 * @param worlds                parallel simulated worlds
 * @param expertWorkers         expert workers (resolved: ≥ 1)
 * @param weightsEveryUpdates   weight broadcast cadence in learner updates
 * @param maxUnackedTransitions world → replay credit
 * @param askTimeout            no-progress limit of a world step
 * @param learnerLagEpisodes    how far worlds may run ahead of the learner (episodes beyond the worlds in flight)
 * @param labelLagEpisodes      how far labelling may lag (episodes beyond the worlds in flight)
 * @param setupTimeout          limit for set-up, catch-up, validation and checkpoint replies
 * @param labelWaitTimeout      limit for the last expert labels at the end of a run
 * @param policyActors          one prosumer actor per world, or one per node serving all its worlds (batched)
 */
public record RuntimeSettings(int worlds, int expertWorkers, int weightsEveryUpdates, int maxUnackedTransitions,
                              Duration askTimeout, int learnerLagEpisodes, int labelLagEpisodes, Duration setupTimeout,
                              Duration labelWaitTimeout, PolicyPlacement policyActors) {
    public static final String PATH = "p2pgrid.runtime";
    /** Config path of the dispatcher the one-JVM runtime's worlds and prosumer actors run on (reference.conf). */
    public static final String ROLLOUT_DISPATCHER = PATH + ".rollout-dispatcher";

    /** Spawn props putting a world or prosumer actor on {@link #ROLLOUT_DISPATCHER}. */
    public static DispatcherSelector rolloutDispatcher() {
        return DispatcherSelector.fromConfig(ROLLOUT_DISPATCHER);
    }

    public RuntimeSettings {
        check(worlds >= 1, "worlds", worlds, ">= 1");
        check(expertWorkers >= 1, "expert-workers", expertWorkers, ">= 1");
        check(weightsEveryUpdates >= 1, "weights-every-updates", weightsEveryUpdates, ">= 1");
        check(maxUnackedTransitions >= 1, "max-unacked-transitions", maxUnackedTransitions, ">= 1");
        check(learnerLagEpisodes >= 0, "learner-lag-episodes", learnerLagEpisodes, ">= 0");
        check(labelLagEpisodes >= 0, "label-lag-episodes", labelLagEpisodes, ">= 0");
        if (askTimeout.isZero() || askTimeout.isNegative() || setupTimeout.isZero() || setupTimeout.isNegative()
                || labelWaitTimeout.isZero() || labelWaitTimeout.isNegative()) {
            throw new IllegalArgumentException(PATH + ": ask-timeout, setup-timeout and label-wait-timeout must be > 0");
        }
        if (policyActors == null) {
            throw new IllegalArgumentException(PATH + ".policy-actors must be set");
        }
    }

    /** reference.conf (and -D overrides) as loaded by {@link ConfigFactory#load()}. */
    public static RuntimeSettings load() {
        return from(ConfigFactory.load(RuntimeSettings.class.getClassLoader()));
    }

    public static RuntimeSettings from(Config root) {
        try {
            Config c = root.withFallback(ConfigFactory.defaultReference(RuntimeSettings.class.getClassLoader()))
                    .getConfig(PATH);
            int workers = c.getInt("expert-workers");
            if (workers < 0) {
                throw new IllegalArgumentException(PATH + ".expert-workers = " + workers + ": must be >= 0 (0 = cores - 1)");
            }
            if (workers == 0) {
                workers = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
            }
            return new RuntimeSettings(c.getInt("worlds"), workers, c.getInt("weights-every-updates"),
                    c.getInt("max-unacked-transitions"), c.getDuration("ask-timeout"), c.getInt("learner-lag-episodes"),
                    c.getInt("label-lag-episodes"), c.getDuration("setup-timeout"),
                    c.getDuration("label-wait-timeout"), PolicyPlacement.parse(c.getString("policy-actors")));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("runtime config: " + e.getMessage(), e);
        }
    }

    public RuntimeSettings withWorlds(int w) {
        return new RuntimeSettings(w, expertWorkers, weightsEveryUpdates, maxUnackedTransitions, askTimeout,
                learnerLagEpisodes, labelLagEpisodes, setupTimeout, labelWaitTimeout, policyActors);
    }

    public RuntimeSettings withExpertWorkers(int n) {
        return new RuntimeSettings(worlds, n, weightsEveryUpdates, maxUnackedTransitions, askTimeout,
                learnerLagEpisodes, labelLagEpisodes, setupTimeout, labelWaitTimeout, policyActors);
    }

    public RuntimeSettings withWeightsEveryUpdates(int n) {
        return new RuntimeSettings(worlds, expertWorkers, n, maxUnackedTransitions, askTimeout, learnerLagEpisodes,
                labelLagEpisodes, setupTimeout, labelWaitTimeout, policyActors);
    }

    public RuntimeSettings withMaxUnackedTransitions(int n) {
        return new RuntimeSettings(worlds, expertWorkers, weightsEveryUpdates, n, askTimeout, learnerLagEpisodes,
                labelLagEpisodes, setupTimeout, labelWaitTimeout, policyActors);
    }

    public RuntimeSettings withLearnerLagEpisodes(int n) {
        return new RuntimeSettings(worlds, expertWorkers, weightsEveryUpdates, maxUnackedTransitions, askTimeout, n,
                labelLagEpisodes, setupTimeout, labelWaitTimeout, policyActors);
    }

    public RuntimeSettings withLabelLagEpisodes(int n) {
        return new RuntimeSettings(worlds, expertWorkers, weightsEveryUpdates, maxUnackedTransitions, askTimeout,
                learnerLagEpisodes, n, setupTimeout, labelWaitTimeout, policyActors);
    }

    public RuntimeSettings withAskTimeout(Duration d) {
        return new RuntimeSettings(worlds, expertWorkers, weightsEveryUpdates, maxUnackedTransitions, d,
                learnerLagEpisodes, labelLagEpisodes, setupTimeout, labelWaitTimeout, policyActors);
    }

    public RuntimeSettings withPolicyActors(PolicyPlacement p) {
        return new RuntimeSettings(worlds, expertWorkers, weightsEveryUpdates, maxUnackedTransitions, askTimeout,
                learnerLagEpisodes, labelLagEpisodes, setupTimeout, labelWaitTimeout, p);
    }

    private static void check(boolean ok, String key, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(PATH + "." + key + " = " + value + ": must be " + rule);
        }
    }
}
