package org.p2pgrid.actors.runtime;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.p2pgrid.learner.nn.ActorSnapshot;

/**
 * One prosumer's policy: decentralised execution of its own policy (paper eq 27) from a plain-Java
 * {@link ActorSnapshot} of the learner's weights — no engine, no shared state. A newer
 * {@link PolicyWeights} replaces the snapshot in one assignment between two decisions (so every
 * decision uses exactly one version); an older or equal version is ignored.
 *
 * <p>Two placements ({@code p2pgrid.runtime.policy-actors}, {@link PolicyPlacement}): one actor per
 * prosumer per world, deciding each {@link Act} as it comes ({@link #create}), or one actor per
 * prosumer per node serving that prosumer in every world ({@link #createBatching}), which decides one
 * {@link Act} per world of the same step in one batched forward ({@link ActorSnapshot#decide}: the same
 * floats as one by one; the agent's weights are read once for the batch instead of once per world).
 *
 * <p>Batching keeps the worlds in step: an Act waits until every <em>engaged</em> world's Act is there.
 * A world is engaged from its first Act (keyed by its reply address) until it says {@link Pause} — at the
 * end of an episode, when it stops for replay credit, or when it stops — so a batch never waits for a
 * world that is not stepping (it would wait forever for a world between episodes). A world's first Act
 * after a Pause is decided at once, alone: a world's sends to the N agents are not one atomic step, so
 * agent j may already have answered it (and unblocked another world B) while agent i still sees B's next
 * Act first; had i waited for the resuming world there and j for B, neither would ever move. With that
 * rule every batch at an agent holds one Act of each world engaged there, and a wait cycle (agent i
 * holding world A's Act for B's next, agent j holding B's for A's next) would need i's last batch (A's
 * previous, B's current) to come after B's current was sent, hence after j's batch (A's current, B's
 * previous), hence after A's current was sent — after i's batch: impossible. Nothing else may cut a batch
 * short, newer weights included (a run stalled 10 s when they did): a waiting batch is decided on the
 * version current when it completes, and each Action names its version. Merely taking what is in
 * the mailbox was measured not to batch at all (mean batch 1.06 of 2: two worlds drift out of phase and
 * stay there).
 */
public final class ProsumerActor extends AbstractBehavior<ProsumerActor.Command> {

    /** The prosumer's protocol. */
    public sealed interface Command permits Act, PolicyWeights, GetStats, Pause {}

    /**
     * Decide on {@code observation} (this agent's eq-23 row). {@code explore}: a Gaussian sample with
     * noise from {@code new SplittableRandom(noiseSeed)}; otherwise the greedy (mean) action.
     */
    public record Act(int step, float[] observation, boolean explore, long noiseSeed, ActorRef<Action> replyTo)
            implements Command {}

    /**
     * Weights of this agent's actor at learner update {@code version}. {@code ackTo} may be null (no
     * acknowledgement wanted; the training broadcast sends none).
     */
    public record PolicyWeights(long version, ActorSnapshot.Weights weights, ActorRef<WeightsApplied> ackTo)
            implements Command {}

    /** Observability (benchmarks, tests): how many decisions were taken in how many forward passes. */
    public record GetStats(ActorRef<Stats> replyTo) implements Command {}

    /** {@code batches}: forward passes; decisions / batches is the mean batch size (1 when not batching). */
    public record Stats(int agent, long decisions, long batches, int largestBatch) {}

    /** The decision: values over the agent's own action dims (physical units), by policy {@code version}. */
    public record Action(int agent, int step, long version, float[] ownDims) {}

    /** {@code swapped}: whether {@code version} replaced the snapshot (false: it was not newer). */
    public record WeightsApplied(int agent, long version, boolean swapped) {}

    /**
     * The world answering to {@code world} sends no Act until its next one: do not hold other worlds'
     * Acts for it. Every world says so whenever it stops requesting actions; one-by-one actors ignore it.
     */
    public record Pause(ActorRef<Action> world) implements Command {}

    private final int agent;
    private final boolean batching;
    /** Reply addresses of the worlds stepping now (each has or will soon have one Act in {@code pending}). */
    private final Set<ActorRef<Action>> engaged = new HashSet<>();
    private final List<Act> pending = new ArrayList<>();
    private float[][] obsRows = new float[0][];
    private float[][] epsRows = new float[0][];
    private ActorSnapshot policy;
    private long version;
    private long decisions;
    private long batches;
    private int largestBatch;

    /** One actor per prosumer per world: each Act decided as it arrives. */
    public static Behavior<Command> create(int agent, long version, ActorSnapshot.Weights initial) {
        return Behaviors.setup(ctx -> new ProsumerActor(ctx, agent, version, initial, false));
    }

    /** One actor per prosumer serving any number of worlds, one Act per world per batch (see the class comment). */
    public static Behavior<Command> createBatching(int agent, long version, ActorSnapshot.Weights initial) {
        return Behaviors.setup(ctx -> new ProsumerActor(ctx, agent, version, initial, true));
    }

    private ProsumerActor(ActorContext<Command> ctx, int agent, long version, ActorSnapshot.Weights initial,
                          boolean batching) {
        super(ctx);
        if (initial.agent() != agent) {
            throw new IllegalArgumentException("weights of actor" + initial.agent() + " given to prosumer " + agent);
        }
        this.agent = agent;
        this.batching = batching;
        this.policy = new ActorSnapshot(initial);
        this.version = version;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Act.class, batching ? this::onQueuedAct : this::onAct)
                .onMessage(PolicyWeights.class, this::onWeights)
                .onMessage(Pause.class, this::onPause)
                .onMessage(GetStats.class, m -> {
                    m.replyTo().tell(new Stats(agent, decisions, batches, largestBatch));
                    return this;
                })
                .build();
    }

    private Behavior<Command> onAct(Act m) {
        float[] a = m.explore() ? policy.sample(m.observation(), new SplittableRandom(m.noiseSeed()))
                : policy.act(m.observation());
        m.replyTo().tell(new Action(agent, m.step(), version, a));
        decisions++;
        batches++;
        largestBatch = Math.max(largestBatch, 1);
        return this;
    }

    private Behavior<Command> onQueuedAct(Act m) {
        if (engaged.add(m.replyTo())) {
            // a world's first Act after a Pause (or ever) is decided at once, neither waiting nor waited for:
            // other agents may see it before or after other worlds' Acts sent meanwhile, see the class comment
            return onAct(m);
        }
        pending.add(m);
        if (pending.size() >= engaged.size()) {
            decidePending();
        }
        return this;
    }

    private Behavior<Command> onPause(Pause m) {
        if (batching && engaged.remove(m.world()) && !pending.isEmpty() && pending.size() >= engaged.size()) {
            decidePending(); // the others no longer wait for it
        }
        return this;
    }

    private void decidePending() {
        int n = pending.size();
        if (n == 0) {
            return;
        }
        if (obsRows.length < n) {
            obsRows = new float[n][];
            epsRows = new float[n][];
        }
        for (int b = 0; b < n; b++) {
            Act m = pending.get(b);
            obsRows[b] = m.observation();
            // the same draws as one by one: from the Act's own seed
            epsRows[b] = m.explore() ? policy.noise(new SplittableRandom(m.noiseSeed())) : null;
        }
        float[][] actions = policy.decide(obsRows, epsRows, n);
        for (int b = 0; b < n; b++) {
            Act m = pending.get(b);
            m.replyTo().tell(new Action(agent, m.step(), version, actions[b]));
            obsRows[b] = null;
            epsRows[b] = null;
        }
        pending.clear();
        decisions += n;
        batches++;
        largestBatch = Math.max(largestBatch, n);
    }

    private Behavior<Command> onWeights(PolicyWeights m) {
        boolean newer = m.version() > version;
        if (newer) {
            if (m.weights().agent() != agent) {
                throw new IllegalArgumentException("weights of actor" + m.weights().agent() + " sent to prosumer " + agent);
            }
            ActorSnapshot next = new ActorSnapshot(m.weights()); // built fully before the swap
            policy = next;
            version = m.version();
        }
        if (m.ackTo() != null) {
            m.ackTo().tell(new WeightsApplied(agent, version, newer));
        }
        return this;
    }
}
