package org.p2pgrid.actors.cluster;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.p2pgrid.actors.runtime.ProsumerActor;
import org.p2pgrid.actors.runtime.ReplayActor;
import org.p2pgrid.actors.runtime.WorldActor;
import org.p2pgrid.actors.wire.LabelWire;
import org.p2pgrid.actors.wire.SnapshotWire;
import org.p2pgrid.actors.wire.TransitionWire;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.learner.nn.ActorSnapshot;
import org.p2pgrid.protocol.MessageValidator;
import org.p2pgrid.protocol.WeightsAssembler;
import org.p2pgrid.protocol.v1.EpisodeLease;
import org.p2pgrid.protocol.v1.EpisodeSummary;
import org.p2pgrid.protocol.v1.PolicyWeightsChunk;
import org.p2pgrid.protocol.v1.TransitionBatch;
import org.p2pgrid.protocol.v1.TransitionBatchAck;
import org.p2pgrid.protocol.v1.WeightsRequest;

/**
 * One world as a Cluster Sharding entity on a {@code rollout} node (entity id {@code world-K}): it
 * wraps the one-JVM {@link WorldActor} (+ its {@link ProsumerActor}s) and stands in for its replay.
 * The WorldActor's transitions are gathered into {@link TransitionBatch}es (≤ batch-transitions, one
 * attempt of one episode each) with a sequence number per incarnation of this entity, sent to the
 * learner singleton through its proxy and KEPT until the learner's {@link TransitionBatchAck} (which
 * the learner sends only once the batch is in its write-ahead log); unacknowledged batches are sent
 * again every resend-after (e.g. while the singleton moves). At most batches-in-flight batches are
 * unacknowledged: the WorldActor's own transition credit is that window, so a slow learner stops the
 * world stepping instead of growing a queue. When the WorldActor reports the episode done (all its
 * transitions acknowledged) the entity sends the attempt's commit batch (the episode summary).
 *
 * <p>Weights: chunked {@link PolicyWeightsChunk}s (pushed by the learner every N updates, or asked for
 * with a {@link WeightsRequest} by an entity that has none); once every agent's vector of a version is
 * assembled the world swaps all its prosumers to it ({@link WorldActor.UseWeights}).
 *
 * <p>If this entity's node dies, the learner's lease times out and the next {@link EpisodeLease}
 * re-creates the entity on a surviving rollout node (new incarnation, sequence from 1).
 */
final class ClusterWorld {
    static final EntityTypeKey<Object> TYPE = EntityTypeKey.create(Object.class, "world");

    private record Tick() {}

    private record Pending(TransitionBatch batch, List<ReplayActor.Add> adds, long[] sentAt) {}

    private final ActorContext<Object> ctx;
    private final int world;
    private final long incarnation;
    private final Scenario scenario;
    private final long seed;
    private final int labelEvery;
    private final ClusterSettings cs;
    private final ActorRef<Object> learner;
    private final String self;
    private final MessageValidator validator = new MessageValidator();
    private final WeightsAssembler assembler = new WeightsAssembler();
    private final Map<Integer, ActorSnapshot.Weights> assembled = new HashMap<>();
    private final ArrayDeque<EpisodeLease> leases = new ArrayDeque<>();
    private final List<ReplayActor.Add> buffer = new ArrayList<>();
    private final TreeMap<Long, Pending> unacked = new TreeMap<>();
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private ActorRef<WorldActor.Command> worldActor;
    private long version;
    private EpisodeLease current;
    private long seq;
    private long transitionSeq;
    private long episodesDone;
    private long ticksWithoutWeights;

    static Behavior<Object> create(String entityId, Scenario scenario, long seed, int labelEvery, ClusterSettings cs,
                                   ActorRef<Object> learner) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(new Tick(), Duration.ofMillis(500));
            return new ClusterWorld(ctx, entityId, scenario, seed, labelEvery, cs, learner).behavior();
        }));
    }

    private ClusterWorld(ActorContext<Object> ctx, String entityId, Scenario scenario, long seed, int labelEvery,
                         ClusterSettings cs, ActorRef<Object> learner) {
        this.ctx = ctx;
        this.world = Integer.parseInt(entityId.substring(entityId.indexOf('-') + 1));
        long inc = new SplittableRandom().nextLong() & Long.MAX_VALUE;
        this.incarnation = inc == 0 ? 1 : inc;
        this.scenario = scenario;
        this.seed = seed;
        this.labelEvery = labelEvery;
        this.cs = cs;
        this.learner = learner;
        this.self = ActorRefResolver.get(ctx.getSystem()).toSerializationFormat(ctx.getSelf());
        ClusterNode.out("WORLD-STARTED world=" + world + " incarnation=" + incarnation + " node="
                + ctx.getSystem().address());
        requestWeights();
    }

    @SuppressWarnings("unchecked")
    private Behavior<Object> behavior() {
        return Behaviors.receive(Object.class)
                .onMessage(EpisodeLease.class, this::onLease)
                .onMessage(PolicyWeightsChunk.class, this::onChunk)
                .onMessage(TransitionBatchAck.class, this::onAck)
                .onMessage(ReplayActor.Add.class, this::onAdd)
                .onMessage(WorldActor.EpisodeDone.class, this::onEpisodeDone)
                .onMessage(WorldActor.Failed.class, f -> {
                    ClusterNode.out("WORLD-FAILED world=" + world + " " + f.reason());
                    return Behaviors.stopped(); // the next lease re-creates the entity
                })
                .onMessage(Tick.class, t -> onTick())
                .build();
    }

    private void requestWeights() {
        learner.tell(WeightsRequest.newBuilder().setWorld(world).setReplyTo(self).setHaveVersion(version).build());
    }

    private Behavior<Object> onLease(EpisodeLease l) {
        if (!validator.check(l).isEmpty()) {
            ctx.getLog().warn("dropping invalid lease: {}", validator.check(l));
            return Behaviors.same();
        }
        boolean known = current != null && current.getEpisode() == l.getEpisode()
                || leases.stream().anyMatch(q -> q.getEpisode() == l.getEpisode());
        if (!known) {
            leases.add(l);
            startNext();
        }
        return Behaviors.same();
    }

    private void startNext() {
        if (current != null || worldActor == null || leases.isEmpty()) {
            return;
        }
        current = leases.poll();
        ClusterNode.out("WORLD-EPISODE world=" + world + " episode=" + current.getEpisode() + " attempt="
                + current.getAttempt() + " incarnation=" + incarnation + " policy=" + version);
        worldActor.tell(new WorldActor.RunEpisode(current.getEpisode(), current.getDay()));
    }

    private Behavior<Object> onChunk(PolicyWeightsChunk c) {
        if (c.getVersion() <= version) {
            return Behaviors.same();
        }
        WeightsAssembler.Outcome o = assembler.offer(c);
        if (o instanceof WeightsAssembler.Rejected r) {
            ctx.getLog().debug("weights chunk not used: {}", r.reason());
            return Behaviors.same();
        }
        if (!(o instanceof WeightsAssembler.Complete done)) {
            return Behaviors.same();
        }
        ActorSnapshot.Weights w;
        try {
            w = SnapshotWire.fromAssembled(done.weights());
        } catch (IllegalArgumentException e) {
            ctx.getLog().warn("weights version {} rejected: {}", done.weights().version(), e.getMessage());
            return Behaviors.same();
        }
        long v = done.weights().version();
        assembledVersion.merge(w.agent(), v, Math::max);
        assembled.put(w.agent(), w);
        int agents = scenario.prosumers().size();
        for (int i = 0; i < agents; i++) {
            if (assembledVersion.getOrDefault(i, -1L) != v) {
                return Behaviors.same();
            }
        }
        List<ActorSnapshot.Weights> all = new ArrayList<>(agents);
        for (int i = 0; i < agents; i++) {
            all.add(assembled.get(i));
        }
        version = v;
        if (worldActor == null) {
            spawnWorld(v, all);
            startNext();
        } else {
            worldActor.tell(new WorldActor.UseWeights(v, List.copyOf(all)));
        }
        return Behaviors.same();
    }

    private final Map<Integer, Long> assembledVersion = new HashMap<>();

    private void spawnWorld(long v, List<ActorSnapshot.Weights> all) {
        List<ActorRef<ProsumerActor.Command>> prosumers = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            prosumers.add(ctx.spawn(ProsumerActor.create(i, v, all.get(i)), "prosumer-" + i));
        }
        ActorRef<ReplayActor.Command> replay = ctx.getSelf().narrow();
        ActorRef<WorldActor.Event> events = ctx.getSelf().narrow();
        worldActor = ctx.spawn(WorldActor.create(new WorldActor.Setup(world, scenario, List.copyOf(prosumers), replay,
                null, events, seed, labelEvery, cs.batchTransitions() * cs.batchesInFlight(), cs.worldStallTimeout())),
                "world");
    }

    private Behavior<Object> onAdd(ReplayActor.Add a) {
        buffer.add(a);
        if (buffer.size() >= cs.batchTransitions() || a.transition().done()) {
            flush(null);
        }
        return Behaviors.same();
    }

    /** Cuts the buffered transitions into a batch ({@code summary}: the attempt's commit batch instead). */
    private void flush(EpisodeSummary summary) {
        if (current == null || (buffer.isEmpty() && summary == null)) {
            return;
        }
        TransitionBatch.Builder b = TransitionBatch.newBuilder().setSchemaVersion(1).setWorld(world)
                .setIncarnation(incarnation).setSequence(++seq).setEpisode(current.getEpisode())
                .setAttempt(current.getAttempt()).setDay(current.getDay()).setReplyTo(self);
        for (ReplayActor.Add a : buffer) {
            b.addTransitions(TransitionWire.toProto(a.transition(), world, ++transitionSeq));
            if (a.label() != null) {
                b.addLabels(LabelWire.toRequest(a.label().step(), a.label().day(), a.label().step(), a.label().states(),
                        scenario.prosumers()).toBuilder().setWorldId(world).setEpisodeId(current.getEpisode()));
            }
        }
        if (summary != null) {
            b.setSummary(summary);
        }
        Pending p = new Pending(b.build(), List.copyOf(buffer), new long[] {0});
        buffer.clear();
        waiting.add(p);
        sendWaiting();
    }

    private void sendWaiting() {
        while (!waiting.isEmpty() && unacked.size() < cs.batchesInFlight()) {
            Pending p = waiting.poll();
            unacked.put(p.batch().getSequence(), p);
            p.sentAt()[0] = System.nanoTime();
            learner.tell(p.batch());
        }
    }

    private Behavior<Object> onAck(TransitionBatchAck a) {
        if (a.getIncarnation() != incarnation) {
            return Behaviors.same();
        }
        Pending p = unacked.remove(a.getSequence());
        if (p == null) {
            return Behaviors.same(); // a duplicate ack (the batch was re-sent)
        }
        for (ReplayActor.Add add : p.adds()) {
            add.replyTo().tell(new ReplayActor.Added(add.seq(), -1));
        }
        if (p.batch().hasSummary()) {
            episodesDone++;
        }
        sendWaiting();
        return Behaviors.same();
    }

    private Behavior<Object> onEpisodeDone(WorldActor.EpisodeDone d) {
        flush(EpisodeSummary.newBuilder().setSteps(d.steps()).setCost(d.cost()).setReward(d.reward())
                .setDiscountedReward(d.discountedReward()).setViolationRatePu(d.violationRatePu())
                .setViolatedSteps(d.violatedSteps()).setLabelRequests(d.labelRequests()).setSeconds(d.seconds()).build());
        current = null;
        startNext();
        return Behaviors.same();
    }

    private Behavior<Object> onTick() {
        long now = System.nanoTime();
        long after = cs.resendAfter().toNanos();
        for (Pending p : unacked.values()) {
            if (now - p.sentAt()[0] >= after) {
                p.sentAt()[0] = now;
                learner.tell(p.batch());
            }
        }
        if (worldActor == null && ++ticksWithoutWeights % 4 == 0) {
            requestWeights();
        }
        return Behaviors.same();
    }
}
