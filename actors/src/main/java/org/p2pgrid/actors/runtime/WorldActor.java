package org.p2pgrid.actors.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.pomdp.EpisodeMetrics;
import org.p2pgrid.env.pomdp.P2pTradingEnv;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.StepResult;
import org.p2pgrid.learner.algo.OpLearner;
import org.p2pgrid.learner.train.LabelRequest;
import org.p2pgrid.learner.replay.Transition;

/**
 * One simulated world (DESIGN §3.2): owns a {@link P2pTradingEnv} and runs one training day at a time.
 * Per step it sends each prosumer its own observation row, gathers the joint action, steps the
 * environment (projection, market clearing, AC power flow, costs, reward — all inside the env) and
 * sends the {@link Transition} to the replay. The replay acknowledges each transition; the world keeps
 * at most {@code maxUnacked} transitions un-acknowledged and stops stepping at that limit until acks
 * return (credit-based flow control: bounded memory, nothing dropped). Once a labelled step's ack
 * brings its replay reference, the world sends the label request to the expert pool.
 *
 * <p>A watchdog checks every {@code askTimeout} that the world made progress (an action or an ack
 * arrived): if it did not, the world reports {@link Failed} naming the step and what it waited for,
 * and stops — a lost reply is an error, never a hang.
 *
 * <p>Exploration noise is decentralised and reproducible: prosumer i at step t of episode e draws
 * from {@code mix(mix(seed ^ NOISE_STREAM, e), t · agents + i)}.
 */
public final class WorldActor extends AbstractBehavior<WorldActor.Command> {
    static final long NOISE_STREAM = 0x40153E5EEDL;

    public sealed interface Command permits RunEpisode, GetStatus, UseWeights, ActionReply, Acked, Watchdog {}

    /**
     * New policy weights for every prosumer of this world (one per agent, in agent order). Told to
     * all prosumers at once by this actor: the Acts of the step in progress were sent before, so a
     * one-by-one prosumer decides the current step on the old version and the next one on the new version
     * (a batching one shared by several worlds decides a waiting batch on the version current when the
     * batch completes; each Action names its version either way).
     */
    public record UseWeights(long version, List<org.p2pgrid.learner.nn.ActorSnapshot.Weights> perAgent) implements Command {}

    /** Run training day {@code day} as episode {@code episode}; the world answers {@link EpisodeDone} to its parent. */
    public record RunEpisode(long episode, int day) implements Command {}

    /** Observability (and tests): the world's flow-control state. */
    public record GetStatus(ActorRef<Status> replyTo) implements Command {}

    /**
     * @param blockedOnCredit whether the world is waiting for acks because it reached its credit
     */
    public record Status(int world, long episode, int step, int unacked, boolean blockedOnCredit, long transitionsSent,
                         long acksReceived, boolean busy) {}

    private record ActionReply(ProsumerActor.Action action) implements Command {}

    private record Acked(ReplayActor.Added added) implements Command {}

    private enum Watchdog implements Command { TICK }

    /** What a world tells its coordinator. */
    public sealed interface Event permits EpisodeDone, Failed {}

    /** Episode finished: all its transitions are acknowledged and its label requests sent. */
    public record EpisodeDone(int world, long episode, int day, int steps, double cost, double reward,
                              double discountedReward, double violationRatePu, int violatedSteps, int labelRequests,
                              double seconds) implements Event {}

    public record Failed(int world, long episode, String reason) implements Event {}

    /**
     * @param labelEverySteps label every k-th step (0: no labelling)
     */
    public record Setup(int world, Scenario scenario, List<ActorRef<ProsumerActor.Command>> prosumers,
                        ActorRef<ReplayActor.Command> replay, ActorRef<ExpertPoolActor.Command> experts,
                        ActorRef<Event> parent, long seed, int labelEverySteps, int maxUnacked, Duration askTimeout) {}

    private final Setup s;
    private final P2pTradingEnv env;
    private final int agents;
    private final int[][] dims;
    private final ActorRef<ProsumerActor.Action> actionAdapter;
    private final ActorRef<ReplayActor.Added> ackAdapter;
    private final Map<Long, LabelRequest> awaitingRef = new HashMap<>();

    // episode state
    private boolean busy;
    private long episode = -1;
    private int day;
    private long startNanos;
    private EpisodeMetrics metrics;
    private double[][] obs;
    private ProsumerAction[] joint;
    private int missing;
    private boolean done;
    private boolean blocked;
    private int unacked;
    private int labelRequests;
    private long seq;
    private long acks;
    private long progress;
    private long progressAtLastTick;

    public static Behavior<Command> create(Setup setup) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new WorldActor(ctx, timers, setup)));
    }

    private WorldActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, Setup setup) {
        super(ctx);
        this.s = setup;
        this.env = new P2pTradingEnv(setup.scenario());
        this.agents = env.agentCount();
        if (setup.prosumers().size() != agents) {
            throw new IllegalArgumentException("world " + setup.world() + ": " + setup.prosumers().size()
                    + " prosumer actors for " + agents + " prosumers");
        }
        this.dims = new int[agents][];
        for (int i = 0; i < agents; i++) {
            dims[i] = setup.scenario().prosumers().get(i).activeActionDims();
        }
        this.actionAdapter = ctx.messageAdapter(ProsumerActor.Action.class, ActionReply::new);
        this.ackAdapter = ctx.messageAdapter(ReplayActor.Added.class, Acked::new);
        timers.startTimerWithFixedDelay(Watchdog.TICK, setup.askTimeout());
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(RunEpisode.class, this::onRun)
                .onMessage(ActionReply.class, this::onAction)
                .onMessage(UseWeights.class, m -> {
                    for (int i = 0; i < agents; i++) {
                        s.prosumers().get(i).tell(new ProsumerActor.PolicyWeights(m.version(), m.perAgent().get(i), null));
                    }
                    return this;
                })
                .onMessage(Acked.class, this::onAck)
                .onMessage(GetStatus.class, m -> {
                    m.replyTo().tell(status());
                    return this;
                })
                .onMessageEquals(Watchdog.TICK, this::onTick)
                .build();
    }

    private Status status() {
        return new Status(s.world(), episode, busy ? env.currentStep() : -1, unacked, blocked, seq, acks, busy);
    }

    private Behavior<Command> onRun(RunEpisode m) {
        if (busy) {
            throw new IllegalStateException("world " + s.world() + " asked to run episode " + m.episode()
                    + " while running " + episode);
        }
        busy = true;
        episode = m.episode();
        day = m.day();
        startNanos = System.nanoTime();
        metrics = new EpisodeMetrics(s.scenario().gamma(), s.scenario().dtHours());
        labelRequests = 0;
        done = false;
        blocked = false;
        obs = env.reset(day);
        progress++;
        requestActions();
        return this;
    }

    private void requestActions() {
        int t = env.currentStep();
        joint = new ProsumerAction[agents];
        missing = agents;
        long base = OpLearner.mix(s.seed() ^ NOISE_STREAM, episode);
        for (int i = 0; i < agents; i++) {
            float[] row = new float[obs[i].length];
            for (int f = 0; f < row.length; f++) {
                row[f] = (float) obs[i][f];
            }
            s.prosumers().get(i).tell(new ProsumerActor.Act(t, row, true,
                    OpLearner.mix(base, (long) t * agents + i), actionAdapter));
        }
    }

    private Behavior<Command> onAction(ActionReply m) {
        ProsumerActor.Action a = m.action();
        if (!busy || a.step() != env.currentStep() || joint[a.agent()] != null) {
            throw new IllegalStateException("world " + s.world() + ": unexpected action of agent " + a.agent()
                    + " for step " + a.step() + " (at step " + env.currentStep() + ")");
        }
        double[] full = new double[ProsumerAction.DIMS];
        float[] own = a.ownDims();
        for (int j = 0; j < own.length; j++) {
            full[dims[a.agent()][j]] = own[j];
        }
        joint[a.agent()] = ProsumerAction.of(full);
        missing--;
        progress++;
        if (missing == 0) {
            step();
        }
        return this;
    }

    private void step() {
        int t = env.currentStep();
        DeviceState[] states = null;
        if (s.labelEverySteps() > 0 && t % s.labelEverySteps() == 0) {
            states = new DeviceState[agents];
            for (int i = 0; i < agents; i++) {
                states[i] = env.deviceState(i);
            }
        }
        StepResult r = env.step(joint);
        metrics.add(r);
        Transition tr = Transition.fromStep(episode, day, obs, r);
        long mySeq = seq++;
        LabelRequest attached = null;
        if (states != null) {
            if (s.experts() != null) {
                // the reference is filled in when the replay acknowledges
                awaitingRef.put(mySeq, new LabelRequest(-1, day, t, states, copy(obs)));
            } else {
                // no local expert pool (cluster mode): the request travels with the transition
                attached = new LabelRequest(-1, day, t, states, copy(obs));
                labelRequests++;
            }
        }
        s.replay().tell(new ReplayActor.Add(tr, mySeq, ackAdapter, attached));
        unacked++;
        obs = r.observations();
        done = r.done();
        if (done) {
            pauseProsumers();
            maybeFinish();
        } else if (unacked >= s.maxUnacked()) {
            blocked = true;
            pauseProsumers();
        } else {
            requestActions();
        }
    }

    /** Batching prosumer actors shared with other worlds must not hold those worlds' Acts for this one. */
    private void pauseProsumers() {
        ProsumerActor.Pause p = new ProsumerActor.Pause(actionAdapter);
        for (ActorRef<ProsumerActor.Command> prosumer : s.prosumers()) {
            prosumer.tell(p);
        }
    }

    private Behavior<Command> onAck(Acked m) {
        ReplayActor.Added a = m.added();
        unacked--;
        acks++;
        progress++;
        LabelRequest r = awaitingRef.remove(a.seq());
        if (r != null) {
            s.experts().tell(new ExpertPoolActor.Label(episode,
                    new LabelRequest(a.ref(), r.day(), r.step(), r.states(), r.observations())));
            labelRequests++;
        }
        if (blocked && unacked < s.maxUnacked()) {
            blocked = false;
            requestActions();
        } else if (done) {
            maybeFinish();
        }
        return this;
    }

    private void maybeFinish() {
        if (unacked > 0) {
            return; // the last acks are still in flight
        }
        if (s.labelEverySteps() > 0 && s.experts() != null) {
            s.experts().tell(new ExpertPoolActor.EpisodeEnd(episode, labelRequests));
        }
        busy = false;
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        s.parent().tell(new EpisodeDone(s.world(), episode, day, metrics.steps(), metrics.totalCost(), metrics.reward(),
                metrics.discountedReward(), metrics.violationRatePu(), metrics.violatedSteps(), labelRequests, seconds));
    }

    private Behavior<Command> onTick() {
        boolean waiting = busy && (missing > 0 || unacked > 0);
        if (waiting && progress == progressAtLastTick) {
            String what = missing > 0 ? missing + " of " + agents + " prosumer actions" : unacked + " replay acks";
            String reason = "world " + s.world() + ", episode " + episode + " (day " + day + "), step "
                    + env.currentStep() + ": no progress for " + s.askTimeout().toMillis() + " ms, waiting for " + what;
            getContext().getLog().error(reason);
            s.parent().tell(new Failed(s.world(), episode, reason));
            pauseProsumers(); // prosumers shared with other worlds must not wait for this one any more
            return Behaviors.stopped();
        }
        progressAtLastTick = progress;
        return this;
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }
}
