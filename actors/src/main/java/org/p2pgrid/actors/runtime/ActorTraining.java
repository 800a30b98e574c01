package org.p2pgrid.actors.runtime;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.p2pgrid.env.pomdp.P2pTradingEnv;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.learner.nn.Djl;
import org.p2pgrid.learner.train.Evaluation;
import org.p2pgrid.learner.train.Teacher;
import org.p2pgrid.learner.train.Trainer;
import org.p2pgrid.learner.train.TrainingConfig;

/**
 * Entry point of the one-JVM actor runtime ({@code ./p2pgrid train --runtime actors}): the same run
 * as {@link Trainer#train} — same config, run directory, history files, checkpoint format, resume —
 * with W worlds stepping in parallel, decentralised prosumer actors, an asynchronous expert pool and
 * a learner on its own thread (see {@link TrainingCoordinator}). Local only: no remoting, no network.
 */
public final class ActorTraining implements AutoCloseable {

    /**
     * Pekko settings of the runtime, on top of {@code application.conf}/{@code reference.conf}: Java
     * serialization off (local messages are never serialised in one JVM); no JVM shutdown hook of
     * Pekko's own (Ctrl-C is the caller's: {@link #requestStop} checkpoints first); SLF4J logging.
     */
    static final String PEKKO_OVERRIDES = """
            pekko.actor.allow-java-serialization = off
            pekko.actor.provider = local
            pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
            pekko.jvm-shutdown-hooks = off
            pekko.loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
            pekko.logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
            pekko.loglevel = INFO
            pekko.log-dead-letters-during-shutdown = off
            """;

    private final ActorSystem<TrainingCoordinator.Command> system;
    private final CompletableFuture<Trainer.Outcome> result;

    private ActorTraining(ActorSystem<TrainingCoordinator.Command> system, CompletableFuture<Trainer.Outcome> result) {
        this.system = system;
        this.result = result;
    }

    /** The actor system's configuration: {@link #PEKKO_OVERRIDES} over the class path's. */
    public static Config systemConfig() {
        return ConfigFactory.parseString(PEKKO_OVERRIDES).withFallback(ConfigFactory.load(ActorTraining.class.getClassLoader()));
    }

    /**
     * Runs the training to its end (or until the thread is interrupted: then it checkpoints and
     * returns with {@code stopped}) with {@link RuntimeSettings#load()} (reference.conf, -D overrides).
     * The run directory is resumed if it holds a checkpoint, as with {@link Trainer}.
     *
     * @param teacherFactory called once per expert worker (each gets its own teacher); not called with
     *                       {@code labels.teacher = none}
     * @param listener       called from the coordinator actor, one call at a time ({@code stepped} is not called)
     */
    public static Trainer.Outcome run(Scenario scenario, TrainingConfig config, Supplier<Teacher> teacherFactory,
                                      Path runDir, String fingerprint, Trainer.Listener listener) {
        return run(scenario, config, teacherFactory, runDir, fingerprint, listener, RuntimeSettings.load());
    }

    public static Trainer.Outcome run(Scenario scenario, TrainingConfig config, Supplier<Teacher> teacherFactory,
                                      Path runDir, String fingerprint, Trainer.Listener listener, RuntimeSettings settings) {
        try (ActorTraining t = start(scenario, config, teacherFactory, runDir, fingerprint, listener, settings)) {
            return t.await();
        }
    }

    /** Starts the run and returns at once; {@link #outcome()} completes when it ends. */
    public static ActorTraining start(Scenario scenario, TrainingConfig config, Supplier<Teacher> teacherFactory,
                                      Path runDir, String fingerprint, Trainer.Listener listener, RuntimeSettings settings) {
        Djl.configure();
        double ruleBased = ruleBasedValidationCost(scenario, config);
        CompletableFuture<Trainer.Outcome> result = new CompletableFuture<>();
        TrainingCoordinator.Params params = new TrainingCoordinator.Params(scenario, config, teacherFactory, runDir,
                fingerprint, listener, settings, ruleBased, result);
        ActorSystem<TrainingCoordinator.Command> system = ActorSystem.create(TrainingCoordinator.create(params),
                "p2pgrid-training", systemConfig());
        system.getWhenTerminated().whenComplete((done, err) -> result.completeExceptionally(
                new IllegalStateException("actor runtime: the actor system terminated before the run completed"
                        + (err != null ? ": " + err : ""))));
        return new ActorTraining(system, result);
    }

    /** The rule-based policy's mean validation cost (the history's reference column); NaN without validation. */
    public static double ruleBasedValidationCost(Scenario scenario, TrainingConfig config) {
        List<Integer> validationDays = TrainingConfig.days(config.validationDays(), TrainingConfig.PATH + ".validation-days");
        if (config.validationEvery() > 0 && !validationDays.isEmpty()) {
            return Evaluation.Summary.of(Evaluation.run(scenario, Scenarios.ruleBased(scenario), validationDays),
                    P2pTradingEnv.STEPS_PER_DAY).meanCost();
        }
        return Double.NaN;
    }

    /** Checkpoint after the episodes in flight and end with {@code stopped} (e.g. from a shutdown hook). */
    public void requestStop() {
        system.tell(TrainingCoordinator.RequestStop.INSTANCE);
    }

    public CompletionStage<Trainer.Outcome> outcome() {
        return result;
    }

    /**
     * Waits for the outcome. Interrupting the waiting thread requests a stop (checkpoint, then return).
     *
     * @throws IllegalStateException (cause: the failure) if the run failed
     */
    public Trainer.Outcome await() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    if (!interrupted) {
                        interrupted = true;
                        requestStop(); // then keep waiting for the checkpoint
                    }
                } catch (ExecutionException e) {
                    throw unwrap(e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static RuntimeException unwrap(ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof RuntimeException r) {
            return r;
        }
        return new IllegalStateException(c.getMessage(), c);
    }

    /** Terminates the actor system (after the outcome, or to abandon the run) and waits for it. */
    @Override
    public void close() {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(Duration.ofMinutes(2).toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // nothing more to do: the JVM may exit
        }
    }
}
