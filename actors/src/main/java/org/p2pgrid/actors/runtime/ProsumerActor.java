package org.p2pgrid.actors.runtime;

import java.util.SplittableRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.p2pgrid.learner.nn.ActorSnapshot;

/**
 * One prosumer of one world: decentralised execution of its own policy (paper eq 27) from a
 * plain-Java {@link ActorSnapshot} of the learner's weights — no engine, no shared state. A newer
 * {@link PolicyWeights} replaces the snapshot in one assignment between two messages (so every
 * decision uses exactly one version); an older or equal version is ignored.
 */
public final class ProsumerActor extends AbstractBehavior<ProsumerActor.Command> {

    /** The prosumer's protocol. */
    public sealed interface Command permits Act, PolicyWeights {}

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

    /** The decision: values over the agent's own action dims (physical units), by policy {@code version}. */
    public record Action(int agent, int step, long version, float[] ownDims) {}

    /** {@code swapped}: whether {@code version} replaced the snapshot (false: it was not newer). */
    public record WeightsApplied(int agent, long version, boolean swapped) {}

    private final int agent;
    private ActorSnapshot policy;
    private long version;

    public static Behavior<Command> create(int agent, long version, ActorSnapshot.Weights initial) {
        return Behaviors.setup(ctx -> new ProsumerActor(ctx, agent, version, initial));
    }

    private ProsumerActor(ActorContext<Command> ctx, int agent, long version, ActorSnapshot.Weights initial) {
        super(ctx);
        if (initial.agent() != agent) {
            throw new IllegalArgumentException("weights of actor" + initial.agent() + " given to prosumer " + agent);
        }
        this.agent = agent;
        this.policy = new ActorSnapshot(initial);
        this.version = version;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Act.class, this::onAct)
                .onMessage(PolicyWeights.class, this::onWeights)
                .build();
    }

    private Behavior<Command> onAct(Act m) {
        float[] a = m.explore() ? policy.sample(m.observation(), new SplittableRandom(m.noiseSeed()))
                : policy.act(m.observation());
        m.replyTo().tell(new Action(agent, m.step(), version, a));
        return this;
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
