package org.p2pgrid.actors.runtime;

import ai.djl.ndarray.NDManager;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.p2pgrid.env.pomdp.ObservationLayout;
import org.p2pgrid.env.pomdp.P2pTradingEnv;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.learner.algo.OpLearner;
import org.p2pgrid.learner.nn.ActorSnapshot;
import org.p2pgrid.learner.nn.Djl;
import org.p2pgrid.learner.replay.ReplayBatch;
import org.p2pgrid.learner.train.Checkpoints;
import org.p2pgrid.learner.train.Evaluation;
import org.p2pgrid.learner.train.LearnedPolicy;
import org.p2pgrid.learner.train.Trainer;
import org.p2pgrid.learner.train.TrainingConfig;

/**
 * The learner: owns the DJL engine state ({@link OpLearner}, its manager, a {@link LearnedPolicy})
 * on its own pinned thread. It pulls batches from the replay one at a time — update u is drawn once
 * the replay holds {@code warmup + ⌊u / updates-per-step⌋} transitions, the single-process trainer's
 * update-to-data ratio — with the trainer's replay stream {@code mix(seed ^ REPLAY_STREAM, u)},
 * sends the priorities back, and every N updates publishes its actors' weights (plain float arrays,
 * one {@link ActorSnapshot.Weights} per agent, version = update count) to every registered prosumer.
 * Greedy validation ({@link Evaluation#run}) and the learner's checkpoint file are done here, where
 * the engine lives.
 */
public final class LearnerActor extends AbstractBehavior<LearnerActor.Command> {
    /** Same stream constant as {@link Trainer}'s replay sampling. */
    static final long REPLAY_STREAM = 0x5A3B1E00L;

    public sealed interface Command permits RegisterProsumers, RegisterWeightsListener, GetWeights, CatchUp, TakeStats, Validate, WriteState,
            GotBatch {}

    /** Future broadcasts go to these prosumers (added to those registered before). */
    public record RegisterProsumers(List<ActorRef<ProsumerActor.Command>> prosumers) implements Command {}

    /** Every future broadcast is also told to {@code listener} (the cluster backend forwards it to remote worlds). */
    public record RegisterWeightsListener(ActorRef<Weights> listener) implements Command {}

    public record GetWeights(ActorRef<Weights> replyTo) implements Command {}

    /** The actors' weights at update {@code version}, one entry per agent. */
    public record Weights(long version, List<ActorSnapshot.Weights> perAgent) {}

    /** Reply {@link CaughtUp} once {@code targetUpdates} updates are done. */
    public record CatchUp(long targetUpdates, ActorRef<CaughtUp> replyTo) implements Command {}

    public record CaughtUp(long updates) {}

    /** Means of the update statistics since the previous {@code TakeStats} (and resets them). */
    public record TakeStats(ActorRef<UpdateMeans> replyTo) implements Command {}

    public record UpdateMeans(long updates, int n, double criticLoss, double vLoss, double actorLoss,
                              double imitationTerm, double meanLambda, double meanW2, double meanSigma, double meanQ,
                              double epsilon) {}

    /** Greedy evaluation of the current actors on {@code days} (blocks the learner meanwhile, as in the trainer). */
    public record Validate(List<Integer> days, ActorRef<Validated> replyTo) implements Command {}

    public record Validated(long updates, Evaluation.Summary summary) {}

    /** Writes {@link OpLearner#writeState} to {@code file} (the checkpoint's learner file). */
    public record WriteState(Path file, ActorRef<StateWritten> replyTo) implements Command {}

    /** {@code error} null on success. */
    public record StateWritten(Path file, long updates, String error) {}

    private record GotBatch(ReplayActor.Sampled sampled) implements Command {}

    private final Scenario scenario;
    private final TrainingConfig config;
    private final ActorRef<ReplayActor.Command> replay;
    private final int weightsEvery;
    private final NDManager manager;
    private final OpLearner learner;
    private final LearnedPolicy policy;
    private final List<ActorRef<ProsumerActor.Command>> prosumers = new ArrayList<>();
    private final List<ActorRef<Weights>> listeners = new ArrayList<>();
    private final List<CatchUp> waiters = new ArrayList<>();
    private final ActorRef<ReplayActor.Sampled> batchAdapter;
    private long published = -1;
    private int n;
    private double critic, v, actor, imitation, lambda, w2, sigma, q;

    /**
     * @param resumeFrom a checkpoint directory whose learner file to restore, or null for a fresh learner
     */
    public static Behavior<Command> create(Scenario scenario, TrainingConfig config, ActorRef<ReplayActor.Command> replay,
                                           int weightsEvery, Path resumeFrom) {
        return Behaviors.setup(ctx -> new LearnerActor(ctx, scenario, config, replay, weightsEvery, resumeFrom));
    }

    private LearnerActor(ActorContext<Command> ctx, Scenario scenario, TrainingConfig config,
                         ActorRef<ReplayActor.Command> replay, int weightsEvery, Path resumeFrom) throws IOException {
        super(ctx);
        Djl.configure();
        this.scenario = scenario;
        this.config = config;
        this.replay = replay;
        this.weightsEvery = weightsEvery;
        this.manager = Djl.newManager();
        try {
            this.learner = Trainer.newLearner(manager, scenario, config);
            if (resumeFrom != null) {
                Path file = resumeFrom.resolve(Checkpoints.LEARNER);
                try (DataInputStream in = Checkpoints.input(file)) {
                    learner.readState(in);
                } catch (IOException e) {
                    throw new IOException(file + ": " + e.getMessage(), e);
                }
            }
            this.policy = new LearnedPolicy(learner, manager);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
        this.batchAdapter = ctx.messageAdapter(ReplayActor.Sampled.class, GotBatch::new);
        requestBatch();
    }

    /** Update u may run once this many transitions have been added (the trainer's ratio); MAX if never. */
    static long minAddedFor(long update, TrainingConfig config) {
        int ups = config.updatesPerStep();
        if (ups <= 0) {
            return Long.MAX_VALUE;
        }
        return config.warmupTransitions() + update / ups;
    }

    /** Updates the single-process trainer has done after {@code transitions} environment steps. */
    static long updatesAfter(long transitions, TrainingConfig config) {
        return config.updatesPerStep() * Math.max(0, transitions - config.warmupTransitions() + 1);
    }

    private void requestBatch() {
        long min = minAddedFor(learner.updates(), config);
        if (min == Long.MAX_VALUE) {
            return;
        }
        long seed = OpLearner.mix(config.seed() ^ REPLAY_STREAM, learner.updates());
        replay.tell(new ReplayActor.Sample(config.learner().batchSize(), seed, min, batchAdapter));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(GotBatch.class, this::onBatch)
                .onMessage(RegisterProsumers.class, m -> {
                    prosumers.addAll(m.prosumers());
                    return this;
                })
                .onMessage(RegisterWeightsListener.class, m -> {
                    listeners.add(m.listener());
                    return this;
                })
                .onMessage(GetWeights.class, m -> {
                    m.replyTo().tell(weights());
                    return this;
                })
                .onMessage(CatchUp.class, m -> {
                    waiters.add(m);
                    answerWaiters();
                    return this;
                })
                .onMessage(TakeStats.class, this::onTakeStats)
                .onMessage(Validate.class, m -> {
                    var results = Evaluation.run(scenario, policy, m.days());
                    m.replyTo().tell(new Validated(learner.updates(),
                            Evaluation.Summary.of(results, P2pTradingEnv.STEPS_PER_DAY)));
                    return this;
                })
                .onMessage(WriteState.class, this::onWriteState)
                .onSignal(PostStop.class, s -> {
                    manager.close();
                    return this;
                })
                .build();
    }

    private Behavior<Command> onBatch(GotBatch m) {
        ReplayBatch batch = m.sampled().batch();
        OpLearner.UpdateStats s = learner.update(batch);
        replay.tell(new ReplayActor.UpdatePriorities(batch.refs(), s.tdErrors()));
        n++;
        critic += s.criticLoss();
        v += s.vLoss();
        actor += s.actorLoss();
        imitation += s.actorImitationTerm();
        lambda += s.meanLambda();
        w2 += s.meanW2();
        sigma += s.meanSigma();
        q += s.meanQ();
        if (learner.updates() % weightsEvery == 0) {
            publish();
        }
        answerWaiters();
        requestBatch();
        return this;
    }

    private void answerWaiters() {
        if (waiters.isEmpty()) {
            return;
        }
        Iterator<CatchUp> it = waiters.iterator();
        boolean any = false;
        while (it.hasNext()) {
            CatchUp w = it.next();
            if (learner.updates() >= w.targetUpdates()) {
                if (!any && published != learner.updates()) {
                    publish(); // whoever waits for the learner gets worlds acting on its latest weights
                }
                any = true;
                w.replyTo().tell(new CaughtUp(learner.updates()));
                it.remove();
            }
        }
    }

    private void publish() {
        if (prosumers.isEmpty() && listeners.isEmpty()) {
            return;
        }
        Weights w = weights();
        for (ActorRef<Weights> l : listeners) {
            l.tell(w);
        }
        int agents = w.perAgent().size();
        for (int k = 0; k < prosumers.size(); k++) {
            // prosumers are registered world by world, in agent order
            prosumers.get(k).tell(new ProsumerActor.PolicyWeights(w.version(), w.perAgent().get(k % agents), null));
        }
        published = w.version();
    }

    private Weights weights() {
        int agents = learner.actors().size();
        List<ActorSnapshot.Weights> out = new ArrayList<>(agents);
        for (int i = 0; i < agents; i++) {
            out.add(ActorSnapshot.Weights.of(learner.actors().actor(i), learner.bounds(i)));
        }
        return new Weights(learner.updates(), List.copyOf(out));
    }

    private Behavior<Command> onTakeStats(TakeStats m) {
        m.replyTo().tell(new UpdateMeans(learner.updates(), n, mean(critic), mean(v), mean(actor), mean(imitation),
                mean(lambda), mean(w2), mean(sigma), mean(q), learner.config().epsilon(learner.updates())));
        n = 0;
        critic = v = actor = imitation = lambda = w2 = sigma = q = 0;
        return this;
    }

    private double mean(double sum) {
        return n == 0 ? Double.NaN : sum / n;
    }

    private Behavior<Command> onWriteState(WriteState m) {
        String error = null;
        try (DataOutputStream out = Checkpoints.output(m.file())) {
            learner.writeState(out);
        } catch (IOException | RuntimeException e) {
            error = e.toString();
        }
        m.replyTo().tell(new StateWritten(m.file(), learner.updates(), error)); // after close: the file is complete
        return this;
    }
}
