package org.p2pgrid.actors.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.p2pgrid.learner.replay.DualReplay;
import org.p2pgrid.learner.replay.ReplayBatch;
import org.p2pgrid.learner.replay.Transition;

/**
 * The dual prioritised replay (normal and violation shards, paper §III-B-5) behind one actor: it
 * wraps ONE {@link DualReplay} rather than two shard actors because the k : (1 − k) batch split,
 * the shared β schedule and the checkpoint format ({@link DualReplay#writeTo}) all need both shards
 * at once — two actors would need a two-phase sample and a new snapshot format for no gain in one
 * JVM (the shard bit of every reference still routes priorities and labels inside).
 *
 * <p>Every {@link Add} is acknowledged with its reference ({@link Added}): worlds count un-acked
 * transitions against their credit. {@link Sample} requests wait (no polling) until the replay has
 * received {@code minAdded} transitions in total — the learner's update-to-data pacing.
 */
public final class ReplayActor extends AbstractBehavior<ReplayActor.Command> {

    public sealed interface Command permits Add, Sample, UpdatePriorities, AttachLabel, WriteSnapshot, GetStats {}

    /**
     * Store {@code transition}; the world's sequence number {@code seq} comes back in the ack.
     * {@code label}: a label request riding with the transition (cluster mode, where the world has no
     * expert pool; ignored here), or null.
     */
    public record Add(Transition transition, long seq, ActorRef<Added> replyTo,
                      org.p2pgrid.learner.train.LabelRequest label) implements Command {
        public Add(Transition transition, long seq, ActorRef<Added> replyTo) {
            this(transition, seq, replyTo, null);
        }
    }

    /** Ack of {@link Add}: the replay reference of the stored transition. */
    public record Added(long seq, long ref) {}

    /**
     * A batch of {@code batch} rows drawn with {@code new SplittableRandom(rngSeed)}, answered once at
     * least {@code minAdded} transitions have been added in total (counting a resumed run's).
     */
    public record Sample(int batch, long rngSeed, long minAdded, ActorRef<Sampled> replyTo) implements Command {}

    /** The batch (now owned by the receiver) and the replay's counters when it was drawn. */
    public record Sampled(ReplayBatch batch, Stats stats) {}

    public record UpdatePriorities(long[] refs, double[] losses) implements Command {}

    /** The expert's joint action for the transition {@code ref} (dropped if its slot was overwritten). */
    public record AttachLabel(long ref, float[][] label) implements Command {}

    /** Writes the replay's snapshot to {@code file} ({@link DualReplay#writeTo(Path)}). */
    public record WriteSnapshot(Path file, ActorRef<SnapshotWritten> replyTo) implements Command {}

    /** {@code error} null on success. */
    public record SnapshotWritten(Path file, Stats stats, String error) {}

    public record GetStats(ActorRef<Stats> replyTo) implements Command {}

    public record Stats(int size, int violationSize, int labelledSize, long added, long labelsAttached,
                        long labelsDropped, long samples) {}

    private DualReplay replay;
    private long added;
    private long labelsAttached;
    private long labelsDropped;
    private long samples;
    private final ArrayDeque<Sample> waiting = new ArrayDeque<>();

    /**
     * @param replay       the replay to own (fresh, or restored from a checkpoint)
     * @param addedBefore  transitions added before (a resumed run's step count)
     */
    public static Behavior<Command> create(DualReplay replay, long addedBefore) {
        return Behaviors.setup(ctx -> new ReplayActor(ctx, replay, addedBefore));
    }

    /** A replay restored from {@code file} inside the actor (a large snapshot is read off the caller's thread). */
    public static Behavior<Command> restore(Path file, long addedBefore) {
        return Behaviors.setup(ctx -> {
            try {
                return new ReplayActor(ctx, DualReplay.readFrom(file), addedBefore);
            } catch (IOException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
        });
    }

    private ReplayActor(ActorContext<Command> ctx, DualReplay replay, long addedBefore) {
        super(ctx);
        this.replay = replay;
        this.added = addedBefore;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Add.class, this::onAdd)
                .onMessage(Sample.class, this::onSample)
                .onMessage(UpdatePriorities.class, m -> {
                    replay.updatePriorities(m.refs(), m.losses());
                    return this;
                })
                .onMessage(AttachLabel.class, m -> {
                    if (replay.attachLabel(m.ref(), m.label())) {
                        labelsAttached++;
                    } else {
                        labelsDropped++;
                    }
                    return this;
                })
                .onMessage(WriteSnapshot.class, this::onWrite)
                .onMessage(GetStats.class, m -> {
                    m.replyTo().tell(stats());
                    return this;
                })
                .build();
    }

    private Behavior<Command> onAdd(Add m) {
        long ref = replay.add(m.transition());
        added++;
        m.replyTo().tell(new Added(m.seq(), ref));
        while (!waiting.isEmpty() && waiting.peekFirst().minAdded() <= added) {
            answer(waiting.pollFirst());
        }
        return this;
    }

    private Behavior<Command> onSample(Sample m) {
        if (m.minAdded() <= added && waiting.isEmpty()) {
            answer(m);
        } else {
            waiting.addLast(m);
        }
        return this;
    }

    private void answer(Sample m) {
        ReplayBatch b = replay.sample(m.batch(), new SplittableRandom(m.rngSeed()));
        samples++;
        m.replyTo().tell(new Sampled(b, stats()));
    }

    private Behavior<Command> onWrite(WriteSnapshot m) {
        try {
            replay.writeTo(m.file());
            m.replyTo().tell(new SnapshotWritten(m.file(), stats(), null));
        } catch (IOException | RuntimeException e) {
            m.replyTo().tell(new SnapshotWritten(m.file(), stats(), e.toString()));
        }
        return this;
    }

    private Stats stats() {
        return new Stats(replay.size(), replay.violationSize(), replay.labelledSize(), added, labelsAttached,
                labelsDropped, samples);
    }
}
