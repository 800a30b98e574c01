package org.p2pgrid.actors.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.p2pgrid.env.pomdp.P2pTradingEnv;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.learner.replay.DualReplay;
import org.p2pgrid.learner.replay.ReplayShape;
import org.p2pgrid.learner.train.Checkpoints;
import org.p2pgrid.learner.train.Evaluation;
import org.p2pgrid.learner.train.LabelRequest;
import org.p2pgrid.learner.train.Teacher;
import org.p2pgrid.learner.train.Trainer;
import org.p2pgrid.learner.train.TrainingConfig;
import org.p2pgrid.learner.train.TrainingHistory;

/**
 * Starts and drives one training run in the actor runtime (DESIGN §3): a {@link ReplayActor}, a
 * {@link LearnerActor}, an {@link ExpertPoolActor}, W {@link WorldActor}s with one {@link ProsumerActor}
 * per prosumer each (or, with {@code policy-actors = per-node}, one per prosumer shared by all worlds). It hands out episodes (episode e visits the same training day as in the
 * single-process {@link Trainer}: {@link Trainer#episodeDay}) to idle worlds, gated by how far the
 * learner and the labelling may lag, counts finished episodes, and at every validation / checkpoint
 * point runs a barrier: no new episode starts, the in-flight ones finish, the learner catches up to the
 * reference loop's update count, then greedy validation ({@code Evaluation.run} on the learner) and a
 * checkpoint in the single-process trainer's on-disk format (same {@link Checkpoints} layout, learner
 * state, {@link DualReplay} snapshot, pending label requests, history) — so {@code Trainer.forEvaluation}
 * and {@code ./p2pgrid evaluate --checkpoint} read it, and a run resumes from it.
 *
 * <p>Listener callbacks run on this actor, one at a time; {@code Listener.stepped} is not called
 * (steps run in parallel worlds). The outcome completes {@code result}; any failure (a world's
 * timeout, an actor's exception, an I/O error) completes it exceptionally and stops the run.
 */
public final class TrainingCoordinator extends AbstractBehavior<TrainingCoordinator.Command> {

    public sealed interface Command permits RequestStop, WeightsReady, WorldEvent, Labelled, LearnerStats, ReplayStats,
            LearnerCaughtUp, ValidationDone, ValidationWeights, RemoteValidationDone, LabelsIdle, PendingLabels,
            LearnerWritten, ReplayWritten, Saved, AskFailed {}

    /** Checkpoint after the episodes in flight and stop (Ctrl-C). */
    public enum RequestStop implements Command { INSTANCE }

    private record WeightsReady(LearnerActor.Weights weights) implements Command {}

    private record WorldEvent(WorldActor.Event event) implements Command {}

    private record Labelled(ExpertPoolActor.EpisodeLabelled labelled) implements Command {}

    private record LearnerStats(WorldActor.EpisodeDone done, LearnerActor.UpdateMeans means) implements Command {}

    private record ReplayStats(WorldActor.EpisodeDone done, LearnerActor.UpdateMeans means, ReplayActor.Stats stats)
            implements Command {}

    private record LearnerCaughtUp(long updates, boolean barrier) implements Command {}

    private record ValidationDone(LearnerActor.Validated validated) implements Command {}

    /** The learner's weights at a validation barrier, for a validation elsewhere (the backend's validator). */
    private record ValidationWeights(LearnerActor.Weights weights) implements Command {}

    private record RemoteValidationDone(LearnerActor.Weights weights, RolloutBackend.RemoteValidated result)
            implements Command {}

    private record LabelsIdle() implements Command {}

    private record PendingLabels(List<LabelRequest> pending) implements Command {}

    private record LearnerWritten(LearnerActor.StateWritten written) implements Command {}

    private record ReplayWritten(ReplayActor.SnapshotWritten written) implements Command {}

    private record Saved(Path dir, Throwable error) implements Command {}

    private record AskFailed(String what, Throwable error) implements Command {}

    /** Everything a run needs. {@code result} is completed with the outcome. */
    public record Params(Scenario scenario, TrainingConfig config, Supplier<Teacher> teacherFactory, Path runDir,
                         String fingerprint, Trainer.Listener listener, RuntimeSettings settings,
                         double ruleBasedValidationCost, CompletableFuture<Trainer.Outcome> result,
                         RolloutBackend backend) {
        public Params(Scenario scenario, TrainingConfig config, Supplier<Teacher> teacherFactory, Path runDir,
                      String fingerprint, Trainer.Listener listener, RuntimeSettings settings,
                      double ruleBasedValidationCost, CompletableFuture<Trainer.Outcome> result) {
            this(scenario, config, teacherFactory, runDir, fingerprint, listener, settings, ruleBasedValidationCost,
                    result, RolloutBackend.local());
        }
    }

    static final String STAGING = ".actor-checkpoint-staging";

    private final Params p;
    private final TrainingConfig config;
    private final RuntimeSettings rs;
    private final String fullFingerprint;
    private final List<Integer> validationDays;
    private final TrainingHistory history;
    private final Checkpoints checkpoints;
    private final boolean labelling;
    private final boolean resumed;
    private final int startEpisode;
    private final ActorRef<ReplayActor.Command> replay;
    private final ActorRef<LearnerActor.Command> learner;
    private final ActorRef<ExpertPoolActor.Command> experts;
    private final ActorRef<WorldActor.Event> worldEvents;
    private RolloutBackend.Runner worlds;
    private final ArrayDeque<Integer> idleWorlds = new ArrayDeque<>();
    /** Episodes not to hand out: recovered as done, or already handed out by a previous incarnation. */
    private final Set<Long> handled = new HashSet<>();
    /** Episodes recorded in the history (a late duplicate report of an episode is ignored). */
    private final Set<Long> recorded = new HashSet<>();
    /** Episodes handed out and not yet reported: episode → world slot. */
    private final java.util.Map<Long, Integer> handedOut = new java.util.HashMap<>();
    private final Set<Long> labelledEpisodes = new HashSet<>();
    private final Executor blocking;

    private long steps;
    private int nextToStart;
    private int inFlight; // started, not yet recorded
    private int nextBarrier;
    private long labelledBelow;
    private long learnerUpdates;
    private long catchUpAsked = -1;
    private boolean stopRequested;
    private boolean inBarrier;
    private boolean running;
    // barrier state
    private int barrierAt;
    private boolean barrierFinal;
    private boolean barrierStopped;
    private List<LabelRequest> barrierPending = List.of();
    private boolean learnerStaged;
    private boolean replayStaged;
    private Path lastCheckpoint;
    private int lastValidatedAt = -1;

    public static Behavior<Command> create(Params params) {
        return Behaviors.setup(ctx -> {
            try {
                return new TrainingCoordinator(ctx, params);
            } catch (RuntimeException | IOException e) {
                params.result().completeExceptionally(e);
                return Behaviors.stopped();
            }
        });
    }

    private TrainingCoordinator(ActorContext<Command> ctx, Params params) throws IOException {
        super(ctx);
        this.p = params;
        this.config = params.config();
        this.rs = params.settings();
        this.fullFingerprint = config.algo().id() + "|seed=" + config.seed() + "|" + params.fingerprint();
        this.validationDays = TrainingConfig.days(config.validationDays(), TrainingConfig.PATH + ".validation-days");
        this.labelling = config.labels().teacher() != TrainingConfig.Teacher.NONE;
        this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
        Path runDir = params.runDir();
        Files.createDirectories(runDir);
        this.history = new TrainingHistory(runDir);
        this.checkpoints = new Checkpoints(runDir, config.keepCheckpoints());

        // resume, exactly as the single-process trainer decides it
        List<String> problems = new ArrayList<>();
        var found = checkpoints.latestValid(problems);
        for (String pr : problems) {
            ctx.getLog().warn("skipping damaged checkpoint {}", pr);
        }
        if (found.isEmpty() && !problems.isEmpty()) {
            throw new IOException("no usable checkpoint in " + checkpoints.root() + ": " + String.join("; ", problems));
        }
        Path resumeFrom = found.orElse(null);
        List<LabelRequest> pending = List.of();
        if (resumeFrom != null) {
            Checkpoints.TrainerState state = Checkpoints.readTrainerState(resumeFrom);
            if (!state.fingerprint().equals(fullFingerprint)) {
                throw new IllegalArgumentException("checkpoint " + resumeFrom + " belongs to another run ("
                        + state.fingerprint() + "), this run is " + fullFingerprint
                        + ": use another --out, or the same algorithm, seed and scenario");
            }
            pending = Checkpoints.readPending(resumeFrom);
            history.restoreFrom(resumeFrom);
            startEpisode = state.nextEpisode();
            steps = state.steps();
            resumed = true;
        } else {
            Files.deleteIfExists(runDir.resolve(TrainingHistory.EPISODES_FILE));
            Files.deleteIfExists(runDir.resolve(TrainingHistory.VALIDATION_FILE));
            startEpisode = 0;
            resumed = false;
        }
        Files.writeString(runDir.resolve(Trainer.CONFIG_FILE), config.render(), StandardCharsets.UTF_8);
        nextToStart = startEpisode;
        labelledBelow = startEpisode;
        nextBarrier = barrierAfter(startEpisode);

        int agents = params.scenario().prosumers().size();
        Behavior<ReplayActor.Command> replayBehavior = resumeFrom != null
                ? ReplayActor.restore(resumeFrom.resolve(Checkpoints.REPLAY), steps)
                : ReplayActor.create(new DualReplay(ReplayShape.forEnv(agents), config.replay()), 0);
        replay = ctx.spawn(replayBehavior, "replay", DispatcherSelector.fromConfig(RuntimeSettings.PATH + ".replay-dispatcher"));
        learner = ctx.spawn(LearnerActor.create(params.scenario(), config, replay, rs.weightsEveryUpdates(), resumeFrom),
                "learner", DispatcherSelector.fromConfig(RuntimeSettings.PATH + ".learner-dispatcher"));
        ctx.watch(replay);
        ctx.watch(learner);
        if (labelling) {
            ActorRef<ExpertPoolActor.EpisodeLabelled> labelledAdapter =
                    ctx.messageAdapter(ExpertPoolActor.EpisodeLabelled.class, Labelled::new);
            // expert nodes (cluster backend) when there are any; the local workers otherwise and as fallback
            experts = ctx.spawn(ExpertPoolActor.create(rs.expertWorkers(), params.teacherFactory(), replay,
                    labelledAdapter, params.backend().remoteExperts(), params.scenario().prosumers()), "experts");
            ctx.watch(experts);
            resubmit(pending);
        } else {
            experts = null;
        }
        worldEvents = ctx.messageAdapter(WorldActor.Event.class, WorldEvent::new);
        ctx.ask(LearnerActor.Weights.class, learner, rs.setupTimeout(), LearnerActor.GetWeights::new,
                (w, err) -> w != null ? new WeightsReady(w) : new AskFailed("the learner's initial weights", err));
    }

    /** A resumed run's pending label requests, grouped into pseudo-episodes (negative ids) per day run. */
    private void resubmit(List<LabelRequest> pending) {
        long pseudo = -1;
        int count = 0;
        LabelRequest prev = null;
        for (LabelRequest r : pending) {
            if (prev != null && (r.day() != prev.day() || r.step() <= prev.step())) {
                experts.tell(new ExpertPoolActor.EpisodeEnd(pseudo, count));
                pseudo--;
                count = 0;
            }
            experts.tell(new ExpertPoolActor.Label(pseudo, r));
            count++;
            prev = r;
        }
        if (count > 0) {
            experts.tell(new ExpertPoolActor.EpisodeEnd(pseudo, count));
        }
    }

    /** The first episode count > {@code done} after which the loop validates or checkpoints, or the last one. */
    private int barrierAfter(int done) {
        int end = config.episodes();
        if (done >= end) {
            return done;
        }
        int next = end;
        if (config.validationEvery() > 0) {
            next = Math.min(next, (done / config.validationEvery() + 1) * config.validationEvery());
        }
        if (config.checkpointEvery() > 0) {
            next = Math.min(next, (done / config.checkpointEvery() + 1) * config.checkpointEvery());
        }
        return next;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessageEquals(RequestStop.INSTANCE, () -> {
                    stopRequested = true;
                    if (running) {
                        tryStart();
                    }
                    return this;
                })
                .onMessage(WeightsReady.class, this::onWeights)
                .onMessage(WorldEvent.class, this::onWorldEvent)
                .onMessage(Labelled.class, m -> {
                    long e = m.labelled().episode();
                    if (e >= 0) {
                        labelledEpisodes.add(e);
                        while (labelledEpisodes.remove(labelledBelow)) {
                            labelledBelow++;
                        }
                        tryStart();
                    }
                    return this;
                })
                .onMessage(LearnerStats.class, m -> {
                    getContext().ask(ReplayActor.Stats.class, replay, rs.setupTimeout(), ReplayActor.GetStats::new,
                            (s, err) -> s != null ? new ReplayStats(m.done(), m.means(), s)
                                    : new AskFailed("replay statistics", err));
                    return this;
                })
                .onMessage(ReplayStats.class, this::onRecord)
                .onMessage(LearnerCaughtUp.class, this::onCaughtUp)
                .onMessage(ValidationDone.class, this::onValidated)
                .onMessage(ValidationWeights.class, this::onValidationWeights)
                .onMessage(RemoteValidationDone.class, this::onRemoteValidated)
                .onMessage(LabelsIdle.class, m -> stage())
                .onMessage(PendingLabels.class, m -> {
                    barrierPending = m.pending();
                    return writeStaged();
                })
                .onMessage(LearnerWritten.class, m -> {
                    if (m.written().error() != null) {
                        return fail("writing the learner's state: " + m.written().error(), null);
                    }
                    learnerUpdates = m.written().updates();
                    learnerStaged = true;
                    return saveIfStaged();
                })
                .onMessage(ReplayWritten.class, m -> {
                    if (m.written().error() != null) {
                        return fail("writing the replay: " + m.written().error(), null);
                    }
                    replayStaged = true;
                    return saveIfStaged();
                })
                .onMessage(Saved.class, this::onSaved)
                .onMessage(AskFailed.class, m -> fail("no answer in time for " + m.what(), m.error()))
                .onSignal(ChildFailed.class, f -> fail("actor " + f.getRef().path().name() + " failed", f.getCause()))
                .onSignal(Terminated.class, t -> fail("actor " + t.getRef().path().name() + " stopped unexpectedly", null))
                .build();
    }

    private Behavior<Command> onWeights(WeightsReady m) {
        ActorContext<Command> ctx = getContext();
        LearnerActor.Weights w = m.weights();
        learnerUpdates = w.version();
        int agents = p.scenario().prosumers().size();
        RolloutBackend.Started started;
        try {
            started = p.backend().start(ctx, new RolloutBackend.Context(p.scenario(), config, rs, replay, experts,
                    learner, worldEvents, w, startEpisode, steps, labelling));
        } catch (IOException | RuntimeException e) {
            return fail("starting the worlds: " + e.getMessage(), e);
        }
        worlds = started.runner();
        for (int k = 0; k < started.slots(); k++) {
            if (!started.inFlight().containsValue(k)) {
                idleWorlds.add(k);
            }
        }
        handled.addAll(started.inFlight().keySet());
        handedOut.putAll(started.inFlight());
        inFlight += started.inFlight().size();
        running = true;
        ctx.getLog().info("actor runtime: {} worlds x {} prosumers, {} expert workers, episodes {}..{}", started.slots(),
                agents, labelling ? rs.expertWorkers() : 0, startEpisode, config.episodes());
        for (WorldActor.EpisodeDone d : started.recovered()) {
            handled.add(d.episode()); // all of them before the first event can start anything
        }
        for (WorldActor.EpisodeDone d : started.recovered()) {
            onWorldEvent(new WorldEvent(d));
        }
        tryStart();
        return this;
    }

    private void skipHandled() {
        while (nextToStart < nextBarrier && handled.contains((long) nextToStart)) {
            nextToStart++;
        }
    }

    /** Updates the reference loop has done once the first {@code episodes} episodes' transitions are in. */
    private long updatesAfterEpisodes(long episodes) {
        return LearnerActor.updatesAfter(episodes * P2pTradingEnv.STEPS_PER_DAY, config);
    }

    private void tryStart() {
        if (!running || inBarrier) {
            return;
        }
        skipHandled();
        while (!idleWorlds.isEmpty() && !stopRequested && nextToStart < config.episodes() && nextToStart < nextBarrier) {
            int e = nextToStart;
            int w = rs.worlds();
            if (labelling && labelledBelow <= (long) e - w - rs.labelLagEpisodes()) {
                return; // waits for Labelled
            }
            long need = updatesAfterEpisodes(Math.max(0, e - (w - 1) - rs.learnerLagEpisodes()));
            if (learnerUpdates < need) {
                if (catchUpAsked < need) {
                    catchUpAsked = need;
                    askCatchUp(need, false);
                }
                return; // waits for CaughtUp
            }
            int world = idleWorlds.poll();
            handedOut.put((long) e, world);
            worlds.run(world, e, Trainer.episodeDay(config.seed(), e));
            nextToStart++;
            inFlight++;
            skipHandled();
        }
        if (inFlight == 0 && (nextToStart >= nextBarrier || stopRequested)) {
            beginBarrier();
        }
    }

    private void askCatchUp(long target, boolean barrier) {
        getContext().ask(LearnerActor.CaughtUp.class, learner, rs.setupTimeout(),
                r -> new LearnerActor.CatchUp(target, r),
                (c, err) -> c != null ? new LearnerCaughtUp(c.updates(), barrier) : new AskFailed("the learner to catch up", err));
    }

    private Behavior<Command> onWorldEvent(WorldEvent m) {
        if (m.event() instanceof WorldActor.Failed f) {
            return fail(f.reason(), null);
        }
        WorldActor.EpisodeDone d = (WorldActor.EpisodeDone) m.event();
        Integer slot = handedOut.remove(d.episode());
        if (slot != null) {
            idleWorlds.add(slot);
        }
        if (!recorded.add(d.episode())) {
            getContext().getLog().warn("episode {} reported twice: ignored", d.episode());
            tryStart();
            return this;
        }
        if (slot == null) {
            // done without being handed out by this coordinator: recovered from a log, or completed by a
            // world that a previous incarnation had leased it to — never hand it out again
            handled.add(d.episode());
            inFlight++;
        }
        steps += d.steps();
        getContext().ask(LearnerActor.UpdateMeans.class, learner, rs.setupTimeout(), LearnerActor.TakeStats::new,
                (u, err) -> u != null ? new LearnerStats(d, u) : new AskFailed("learner statistics", err));
        tryStart();
        return this;
    }

    private Behavior<Command> onRecord(ReplayStats m) {
        WorldActor.EpisodeDone d = m.done();
        LearnerActor.UpdateMeans u = m.means();
        ReplayActor.Stats s = m.stats();
        TrainingHistory.Episode e = new TrainingHistory.Episode((int) d.episode(), d.day(), d.cost(), d.reward(),
                d.discountedReward(), d.violationRatePu(), d.violatedSteps(), u.updates(), u.n(), u.criticLoss(),
                u.vLoss(), u.actorLoss(), u.imitationTerm(), u.meanLambda(), u.meanW2(), u.meanSigma(), u.meanQ(),
                u.epsilon(), s.size(), s.violationSize(), s.labelledSize(), d.seconds(),
                u.n() / Math.max(1e-9, d.seconds()), 0.0);
        learnerUpdates = Math.max(learnerUpdates, u.updates());
        try {
            history.add(e);
            p.listener().episodeFinished(e);
        } catch (RuntimeException ex) {
            return fail("after episode " + d.episode() + ": " + ex.getMessage(), ex);
        }
        if (!labelling) {
            labelledBelow = Math.max(labelledBelow, d.episode() + 1);
        }
        inFlight--;
        tryStart();
        return this;
    }

    private Behavior<Command> onCaughtUp(LearnerCaughtUp m) {
        learnerUpdates = Math.max(learnerUpdates, m.updates());
        if (!m.barrier()) {
            tryStart();
            return this;
        }
        boolean validate = config.validationEvery() > 0 && barrierAt > startEpisode
                && barrierAt % config.validationEvery() == 0 && barrierAt != lastValidatedAt;
        if (validate) {
            lastValidatedAt = barrierAt;
            if (p.backend().validator() != null) {
                // validation elsewhere (a rollout node) with the learner's weights as they are now, at the barrier
                getContext().ask(LearnerActor.Weights.class, learner, rs.setupTimeout(), LearnerActor.GetWeights::new,
                        (w, err) -> w != null ? new ValidationWeights(w) : new AskFailed("the learner's weights", err));
                return this;
            }
            validateOnLearner();
            return this;
        }
        return afterValidation();
    }

    private void validateOnLearner() {
        getContext().ask(LearnerActor.Validated.class, learner, rs.setupTimeout(),
                r -> new LearnerActor.Validate(validationDays, r),
                (v, err) -> v != null ? new ValidationDone(v) : new AskFailed("validation", err));
    }

    private Behavior<Command> onValidationWeights(ValidationWeights m) {
        getContext().ask(RolloutBackend.RemoteValidated.class, p.backend().validator(), rs.setupTimeout(),
                r -> new RolloutBackend.RemoteValidate(m.weights(), validationDays, r),
                (v, err) -> new RemoteValidationDone(m.weights(), v != null ? v
                        : new RolloutBackend.RemoteValidated(null, null, "no answer: " + err)));
        return this;
    }

    private Behavior<Command> onRemoteValidated(RemoteValidationDone m) {
        RolloutBackend.RemoteValidated r = m.result();
        if (r.error() != null) {
            // never skipped: the learner validates the same weights itself
            getContext().getLog().warn("validation elsewhere failed ({}): validating on the learner", r.error());
            validateOnLearner();
            return this;
        }
        return onValidated(new ValidationDone(new LearnerActor.Validated(m.weights().version(),
                Evaluation.Summary.of(r.results(), P2pTradingEnv.STEPS_PER_DAY))));
    }

    private void beginBarrier() {
        inBarrier = true;
        barrierAt = nextToStart;
        barrierStopped = stopRequested && nextToStart < config.episodes();
        barrierFinal = nextToStart >= config.episodes() || stopRequested;
        askCatchUp(updatesAfterEpisodes(barrierAt), true);
    }

    private Behavior<Command> onValidated(ValidationDone m) {
        TrainingHistory.Validation v = new TrainingHistory.Validation(barrierAt, m.validated().updates(),
                m.validated().summary(), p.ruleBasedValidationCost());
        try {
            history.add(v);
            p.listener().validated(v);
        } catch (RuntimeException ex) {
            return fail("after validation: " + ex.getMessage(), ex);
        }
        return afterValidation();
    }

    private Behavior<Command> afterValidation() {
        boolean checkpoint = barrierFinal || (config.checkpointEvery() > 0 && barrierAt > startEpisode
                && barrierAt % config.checkpointEvery() == 0);
        if (!checkpoint) {
            return endBarrier();
        }
        if (labelling && barrierFinal && !barrierStopped) {
            // the final replay holds every label, as in the reference loop
            getContext().ask(ExpertPoolActor.Idle.class, experts, rs.labelWaitTimeout(), ExpertPoolActor.AwaitIdle::new,
                    (i, err) -> i != null ? new LabelsIdle() : new AskFailed("the last expert labels", err));
            return this;
        }
        return stage();
    }

    private Behavior<Command> stage() {
        if (!labelling) {
            barrierPending = List.of();
            return writeStaged();
        }
        getContext().ask(ExpertPoolActor.Pending.class, experts, rs.setupTimeout(), ExpertPoolActor.GetPending::new,
                (pe, err) -> pe != null ? new PendingLabels(pe.requests()) : new AskFailed("pending labels", err));
        return this;
    }

    private Behavior<Command> writeStaged() {
        Path staging = p.runDir().resolve(STAGING);
        try {
            deleteTree(staging);
            Files.createDirectories(staging);
            history.writeAll(staging);
        } catch (IOException e) {
            return fail("staging a checkpoint in " + staging + ": " + e.getMessage(), e);
        }
        learnerStaged = false;
        replayStaged = false;
        getContext().ask(LearnerActor.StateWritten.class, learner, rs.setupTimeout(),
                r -> new LearnerActor.WriteState(staging.resolve(Checkpoints.LEARNER), r),
                (w, err) -> w != null ? new LearnerWritten(w) : new AskFailed("the learner's state", err));
        getContext().ask(ReplayActor.SnapshotWritten.class, replay, rs.setupTimeout(),
                r -> new ReplayActor.WriteSnapshot(staging.resolve(Checkpoints.REPLAY), r),
                (w, err) -> w != null ? new ReplayWritten(w) : new AskFailed("the replay snapshot", err));
        return this;
    }

    private Behavior<Command> saveIfStaged() {
        if (!learnerStaged || !replayStaged) {
            return this;
        }
        Path staging = p.runDir().resolve(STAGING);
        Checkpoints.TrainerState state = new Checkpoints.TrainerState(barrierAt, steps, fullFingerprint);
        List<LabelRequest> pending = barrierPending;
        CompletableFuture<Path> saved = CompletableFuture.supplyAsync(() -> {
            try {
                Path dir = checkpoints.save(state, pending, d -> {
                    for (String f : List.of(Checkpoints.LEARNER, Checkpoints.REPLAY, TrainingHistory.EPISODES_FILE,
                            TrainingHistory.VALIDATION_FILE)) {
                        Files.move(staging.resolve(f), d.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                    }
                });
                deleteTree(staging);
                return dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, blocking);
        getContext().pipeToSelf(saved, Saved::new);
        return this;
    }

    private Behavior<Command> onSaved(Saved m) {
        if (m.error() != null) {
            return fail("writing a checkpoint under " + checkpoints.root(), m.error());
        }
        lastCheckpoint = m.dir();
        p.backend().checkpointed(barrierAt);
        try {
            p.listener().checkpointed(m.dir());
        } catch (RuntimeException ex) {
            return fail("after checkpoint: " + ex.getMessage(), ex);
        }
        return endBarrier();
    }

    private Behavior<Command> endBarrier() {
        if (barrierFinal) {
            p.result().complete(new Trainer.Outcome(barrierAt, learnerUpdates, barrierStopped, resumed, lastCheckpoint));
            return Behaviors.stopped();
        }
        inBarrier = false;
        nextBarrier = barrierAfter(barrierAt);
        tryStart();
        return this;
    }

    private Behavior<Command> fail(String reason, Throwable cause) {
        Throwable t = cause instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : cause;
        getContext().getLog().error("training failed: {}", reason, t);
        p.result().completeExceptionally(new IllegalStateException("actor runtime: " + reason
                + (t != null && t.getMessage() != null ? " (" + t.getMessage() + ")" : ""), t));
        return Behaviors.stopped();
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
