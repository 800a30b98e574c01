package org.p2pgrid.actors.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.p2pgrid.actors.runtime.ExpertPoolActor;
import org.p2pgrid.actors.runtime.LearnerActor;
import org.p2pgrid.actors.runtime.ReplayActor;
import org.p2pgrid.actors.runtime.RolloutBackend;
import org.p2pgrid.actors.runtime.WorldActor;
import org.p2pgrid.actors.wire.LabelWire;
import org.p2pgrid.actors.wire.SnapshotWire;
import org.p2pgrid.actors.wire.TransitionWire;
import org.p2pgrid.learner.replay.Transition;
import org.p2pgrid.learner.train.Checkpoints;
import org.p2pgrid.learner.train.LabelRequest;
import org.p2pgrid.protocol.InvalidMessageException;
import org.p2pgrid.protocol.MessageValidator;
import org.p2pgrid.protocol.WeightsChunker;
import org.p2pgrid.protocol.v1.EpisodeLease;
import org.p2pgrid.protocol.v1.EpisodeSummary;
import org.p2pgrid.protocol.v1.PolicyWeightsChunk;
import org.p2pgrid.protocol.v1.TransitionBatch;
import org.p2pgrid.protocol.v1.TransitionBatchAck;
import org.p2pgrid.protocol.v1.WeightsRequest;

/**
 * The learner singleton's end of the distributed data path (a child of the {@code TrainingCoordinator}
 * in cluster mode; see {@link ClusterRollouts}). It owns the episode leases, the write-ahead log and
 * the {@link RolloutLedger}:
 * <ul>
 *   <li>{@link Run} (from the coordinator): lease the episode to world slot K — an {@link EpisodeLease}
 *       to the sharded entity {@code world-K}; if the world sends nothing for lease-timeout, the lease is
 *       handed out again with the next attempt number (the entity re-spawns on a surviving node);</li>
 *   <li>{@link TransitionBatch}: a duplicate (incarnation, sequence) is acknowledged again and dropped;
 *       a new one is appended to the WAL (forced to disk), applied to the ledger, THEN acknowledged; a
 *       commit moves the attempt's transitions into the replay (label requests to the expert pool) and
 *       reports the episode done to the coordinator;</li>
 *   <li>weights: every learner broadcast is chunked and pushed to every world entity;
 *       {@link WeightsRequest}s are answered with the current version.</li>
 * </ul>
 */
final class RolloutIngest {
    /** Coordinator → ingest. */
    record Run(int world, long episode, int day) {}

    /** Backend → ingest: a checkpoint for episodes below {@code nextEpisode} is on disk: start a new WAL segment. */
    record Rotate(int nextEpisode) {}

    private record Tick() {}

    private record AddedBack(ReplayActor.Added added) {}

    private static final class Lease {
        final int world;
        final int day;
        int attempt;
        long lastProgress;

        Lease(int world, int day, int attempt) {
            this.world = world;
            this.day = day;
            this.attempt = attempt;
            this.lastProgress = System.nanoTime();
        }
    }

    private record PendingLabel(long episode, LabelRequest request) {}

    private final ActorContext<Object> ctx;
    private final RolloutBackend.Context c;
    private final ClusterSettings cs;
    private final Path runDir;
    private final RolloutLedger ledger;
    private TransitionLog log;
    private final ClusterSharding sharding;
    private final ActorRefResolver resolver;
    private final MessageValidator validator = new MessageValidator();
    private final WeightsChunker chunker;
    private final Map<Long, Lease> leases = new HashMap<>();
    private final ActorRef<ReplayActor.Added> addedAdapter;
    private final Map<Long, PendingLabel> pendingLabels = new HashMap<>();
    private final Map<Long, int[]> episodeAdds = new HashMap<>(); // episode -> {remaining adds, labels sent}
    private final Map<Long, Long> lastAddOfEpisode = new HashMap<>();
    private long addSeq;
    private List<PolicyWeightsChunk> currentChunks = List.of();
    private long wireVersion;
    private long durable;      // transitions durable (checkpoint + WAL) as this incarnation knows them
    private long acked;

    static Behavior<Object> create(RolloutBackend.Context c, ClusterSettings cs, Path runDir, RolloutLedger ledger,
                                   TransitionLog log, List<RolloutLedger.Committed> recovered, long durable) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(new Tick(), Duration.ofMillis(500));
            return new RolloutIngest(ctx, c, cs, runDir, ledger, log, recovered, durable).behavior();
        }));
    }

    private RolloutIngest(ActorContext<Object> ctx, RolloutBackend.Context c, ClusterSettings cs, Path runDir,
                          RolloutLedger ledger, TransitionLog log, List<RolloutLedger.Committed> recovered, long durable) {
        this.ctx = ctx;
        this.c = c;
        this.cs = cs;
        this.runDir = runDir;
        this.ledger = ledger;
        this.log = log;
        this.durable = durable;
        this.sharding = ClusterSharding.get(ctx.getSystem());
        this.resolver = ActorRefResolver.get(ctx.getSystem());
        this.chunker = WeightsChunker.forArteryFrame(cs.frameBytes());
        this.addedAdapter = ctx.messageAdapter(ReplayActor.Added.class, AddedBack::new);
        onWeights(c.initial());
        for (RolloutLedger.Committed k : recovered) {
            insert(k);
        }
        // leases of open attempts recovered from the WAL: the worlds may still be running them
        for (Map.Entry<Long, Integer> en : ledger.openEpisodes().entrySet()) {
            leases.put(en.getKey(), new Lease(en.getValue(), -1, ledger.nextAttempt(en.getKey()) - 1));
        }
        c.learner().tell(new LearnerActor.RegisterWeightsListener(ctx.getSelf().narrow()));
    }

    private Behavior<Object> behavior() {
        return Behaviors.receive(Object.class)
                .onMessage(Run.class, this::onRun)
                .onMessage(TransitionBatch.class, this::onBatch)
                .onMessage(WeightsRequest.class, r -> {
                    if (validator.check(r).isEmpty()) {
                        ActorRef<Object> to = resolver.resolveActorRef(r.getReplyTo());
                        if (r.getHaveVersion() < wireVersion) {
                            currentChunks.forEach(to::tell);
                        }
                    }
                    return Behaviors.same();
                })
                .onMessage(LearnerActor.Weights.class, w -> {
                    onWeights(w);
                    for (int k = 0; k < c.settings().worlds(); k++) {
                        var ref = sharding.entityRefFor(ClusterWorld.TYPE, "world-" + k);
                        currentChunks.forEach(ref::tell);
                    }
                    return Behaviors.same();
                })
                .onMessage(AddedBack.class, this::onAdded)
                .onMessage(Rotate.class, this::onRotate)
                .onMessage(Tick.class, t -> onTick())
                .onSignal(PostStop.class, s -> {
                    try {
                        log.close();
                    } catch (IOException e) {
                        // closing only
                    }
                    return Behaviors.same();
                })
                .build();
    }

    private void onWeights(LearnerActor.Weights w) {
        wireVersion = w.version() + 1; // wire versions are > 0; the learner starts at update 0
        List<PolicyWeightsChunk> all = new ArrayList<>();
        for (var a : w.perAgent()) {
            all.addAll(SnapshotWire.toChunks(wireVersion, a, chunker));
        }
        currentChunks = List.copyOf(all);
    }

    private Behavior<Object> onRun(Run r) {
        if (ledger.isCommitted(r.episode())) {
            ctx.getLog().error("episode {} is already committed: not handed out again", r.episode());
            return Behaviors.same();
        }
        int attempt = ledger.nextAttempt(r.episode());
        ledger.leased(r.episode(), attempt);
        leases.put(r.episode(), new Lease(r.world(), r.day(), attempt));
        sendLease(r.episode(), leases.get(r.episode()));
        return Behaviors.same();
    }

    private void sendLease(long episode, Lease l) {
        sharding.entityRefFor(ClusterWorld.TYPE, "world-" + l.world).tell(EpisodeLease.newBuilder().setWorld(l.world)
                .setEpisode(episode).setAttempt(l.attempt).setDay(l.day).build());
    }

    private Behavior<Object> onBatch(TransitionBatch b) {
        List<String> problems = validator.check(b);
        if (!problems.isEmpty()) {
            ctx.getLog().warn("dropping invalid TransitionBatch: {}", problems);
            return Behaviors.same();
        }
        ActorRef<TransitionBatchAck> replyTo = resolver.resolveActorRef(b.getReplyTo());
        TransitionBatchAck ack = TransitionBatchAck.newBuilder().setIncarnation(b.getIncarnation())
                .setSequence(b.getSequence()).build();
        if (ledger.isDuplicate(b)) {
            ledger.countDuplicate();
            replyTo.tell(ack);
            return Behaviors.same();
        }
        try {
            log.append(b.toByteArray());
        } catch (IOException e) {
            // not durable: no ack, the world sends it again
            ctx.getLog().error("WAL append failed ({}): batch {}/{} not acknowledged", e.toString(), b.getIncarnation(),
                    b.getSequence());
            return Behaviors.same();
        }
        RolloutLedger.Result res = ledger.apply(b);
        durable += b.getTransitionsCount();
        acked += b.getTransitionsCount();
        replyTo.tell(ack);
        if (b.getTransitionsCount() > 0) {
            ClusterNode.out("ACKED durable=" + durable + " acked-here=" + acked);
        }
        Lease l = leases.get(b.getEpisode());
        if (l != null) {
            l.lastProgress = System.nanoTime();
        }
        if (res instanceof RolloutLedger.Committed k) {
            leases.remove(k.episode());
            insert(k);
            report(k, l != null ? l.world : -1, false); // -1: not leased by this incarnation
        } else if (res instanceof RolloutLedger.Discarded d && b.hasSummary()) {
            if (ledger.isCommitted(d.episode())) {
                leases.remove(d.episode());
            }
            ClusterNode.out("ATTEMPT-DISCARDED episode=" + d.episode() + " attempt=" + d.attempt() + " world="
                    + b.getWorld() + " why=" + d.why());
        }
        return Behaviors.same();
    }

    /** The committed attempt's transitions into the replay (labels to the expert pool once the refs are back). */
    private void insert(RolloutLedger.Committed k) {
        int adds = 0;
        for (TransitionBatch b : k.batches()) {
            Map<Integer, org.p2pgrid.protocol.v1.LabelRequest> labels = new HashMap<>();
            for (var r : b.getLabelsList()) {
                labels.put(r.getStep(), r);
            }
            for (var tp : b.getTransitionsList()) {
                Transition t;
                try {
                    t = TransitionWire.fromProto(tp);
                } catch (InvalidMessageException e) {
                    ctx.getLog().error("invalid transition in a durable batch: {}", e.getMessage());
                    continue;
                }
                long s = ++addSeq;
                var lr = labels.get(tp.getStep());
                if (lr != null && c.experts() != null) {
                    double[][] obs = new double[tp.getAgents()][tp.getObsDim()];
                    for (int i = 0; i < obs.length; i++) {
                        for (int f = 0; f < obs[i].length; f++) {
                            obs[i][f] = tp.getObservation(i * tp.getObsDim() + f);
                        }
                    }
                    pendingLabels.put(s, new PendingLabel(k.episode(),
                            new LabelRequest(-1, lr.getDay(), lr.getStep(), LabelWire.states(lr), obs)));
                }
                c.replay().tell(new ReplayActor.Add(t, s, addedAdapter));
                adds++;
                lastAddOfEpisode.put(k.episode(), s);
            }
        }
        episodeAdds.put(k.episode(), new int[] {adds, 0});
        if (adds == 0) {
            endLabels(k.episode());
        }
    }

    private Behavior<Object> onAdded(AddedBack m) {
        long s = m.added().seq();
        PendingLabel pl = pendingLabels.remove(s);
        Long episode = pl != null ? Long.valueOf(pl.episode()) : null;
        if (pl != null) {
            LabelRequest r = pl.request();
            c.experts().tell(new ExpertPoolActor.Label(pl.episode(),
                    new LabelRequest(m.added().ref(), r.day(), r.step(), r.states(), r.observations())));
            episodeAdds.get(pl.episode())[1]++;
        }
        for (Map.Entry<Long, Long> en : lastAddOfEpisode.entrySet()) {
            if (en.getValue() == s) {
                episode = en.getKey();
                lastAddOfEpisode.remove(episode);
                endLabels(episode);
                break;
            }
        }
        return Behaviors.same();
    }

    private void endLabels(long episode) {
        int[] n = episodeAdds.remove(episode);
        if (c.experts() != null && c.labelling()) {
            c.experts().tell(new ExpertPoolActor.EpisodeEnd(episode, n == null ? 0 : n[1]));
        }
    }

    private void report(RolloutLedger.Committed k, int world, boolean recovered) {
        EpisodeSummary s = k.summary();
        ClusterNode.out("EPISODE-COMMITTED episode=" + k.episode() + " attempt=" + k.attempt() + " world=" + world
                + " steps=" + s.getSteps() + (recovered ? " recovered=true" : ""));
        c.events().tell(new WorldActor.EpisodeDone(world, k.episode(), k.day(), s.getSteps(), s.getCost(), s.getReward(),
                s.getDiscountedReward(), s.getViolationRatePu(), s.getViolatedSteps(), s.getLabelRequests(), s.getSeconds()));
    }

    private Behavior<Object> onTick() {
        long now = System.nanoTime();
        long timeout = cs.leaseTimeout().toNanos();
        for (Map.Entry<Long, Lease> en : leases.entrySet()) {
            Lease l = en.getValue();
            if (now - l.lastProgress >= timeout) {
                int day = l.day >= 0 ? l.day : org.p2pgrid.learner.train.Trainer.episodeDay(c.config().seed(), en.getKey().intValue());
                Lease next = new Lease(l.world, day, ledger.nextAttempt(en.getKey()));
                ledger.leased(en.getKey(), next.attempt);
                en.setValue(next);
                ClusterNode.out("LEASE-EXPIRED episode=" + en.getKey() + " world=" + l.world + " attempt=" + l.attempt
                        + " next-attempt=" + next.attempt);
                sendLease(en.getKey(), next);
            }
        }
        return Behaviors.same();
    }

    private Behavior<Object> onRotate(Rotate r) {
        try {
            log.close();
            Path seg = TransitionLog.segment(runDir, r.nextEpisode());
            log = TransitionLog.open(seg, TransitionLog.read(seg));
            int oldest = oldestCheckpoint();
            TransitionLog.deleteBefore(runDir, oldest);
            ClusterNode.out("WAL-ROTATED segment=" + seg.getFileName() + " kept-from=ep-" + String.format("%06d", oldest));
        } catch (IOException e) {
            ctx.getLog().error("rotating the WAL at episode {} failed", r.nextEpisode(), e);
            throw new IllegalStateException("WAL rotation failed: " + e, e);
        }
        return Behaviors.same();
    }

    private int oldestCheckpoint() throws IOException {
        Path root = runDir.resolve(Checkpoints.DIR);
        try (Stream<Path> s = Files.list(root)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("ep-\\d{6}"))
                    .mapToInt(n -> Integer.parseInt(n.substring(3))).min().orElse(0);
        }
    }

    static TransitionBatch parse(byte[] record) throws InvalidProtocolBufferException {
        return TransitionBatch.parseFrom(record);
    }
}
