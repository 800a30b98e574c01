package org.p2pgrid.actors.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.p2pgrid.actors.runtime.ExpertPoolActor;
import org.p2pgrid.actors.runtime.RolloutBackend;
import org.p2pgrid.actors.runtime.WorldActor;
import org.p2pgrid.protocol.v1.EpisodeSummary;
import org.p2pgrid.protocol.v1.TransitionBatch;

/**
 * The cluster {@link RolloutBackend}: world slot K is the sharded entity {@code world-K} on the rollout
 * nodes ({@link ClusterWorld}); episodes, transitions and weights go through {@link RolloutIngest}.
 * On start it recovers the write-ahead log segments written after the checkpoint the coordinator
 * resumed from: committed attempts go into the replay and count as done episodes, open attempts stay
 * leased to their worlds (which may still be running them), every batch's (incarnation, sequence) is
 * known again for dedupe. The WAL segment is rotated at every checkpoint.
 */
final class ClusterRollouts implements RolloutBackend {
    private final ClusterSettings cs;
    private final Path runDir;
    private final AtomicReference<ActorRef<Object>> ingest = new AtomicReference<>();

    private final ExpertSettings experts;

    ClusterRollouts(ClusterSettings cs, ExpertSettings experts) {
        this.cs = cs;
        this.runDir = cs.runPath();
        this.experts = experts;
    }

    /** Label on the expert nodes registered with the receptionist (the coordinator's local workers as fallback). */
    @Override
    public ExpertPoolActor.Remote remoteExperts() {
        return new ExpertPoolActor.Remote(ExpertHost.KEY, experts.inFlightPerNode(), experts.resendAfter(),
                experts.stallAfter(), ClusterNode::out);
    }

    private final AtomicReference<ActorRef<RolloutBackend.RemoteValidate>> validator = new AtomicReference<>();

    /** Validation on the rollout nodes (when p2pgrid.cluster.validate-on-rollout-nodes), once started. */
    @Override
    public ActorRef<RolloutBackend.RemoteValidate> validator() {
        return validator.get();
    }

    /** The ingest actor once started (null before): the singleton forwards batches and weight requests to it. */
    ActorRef<Object> ingest() {
        return ingest.get();
    }

    @Override
    public Started start(ActorContext<?> ctx, Context c) throws IOException {
        RolloutLedger ledger = new RolloutLedger(c.startEpisode());
        List<RolloutLedger.Committed> committed = new ArrayList<>();
        List<Path> segments = TransitionLog.segmentsFrom(runDir, c.startEpisode());
        long records = 0;
        TransitionLog.Contents last = null;
        for (Path seg : segments) {
            TransitionLog.Contents contents = TransitionLog.read(seg);
            if (contents.problem() != null) {
                ClusterNode.out("WAL-TRUNCATED segment=" + seg.getFileName() + " dropped-bytes=" + contents.droppedBytes()
                        + " why=" + contents.problem());
            }
            for (byte[] r : contents.records()) {
                TransitionBatch b = RolloutIngest.parse(r);
                if (ledger.apply(b) instanceof RolloutLedger.Committed k) {
                    committed.add(k);
                }
                records++;
            }
            last = contents;
        }
        Path current = segments.isEmpty() ? TransitionLog.segment(runDir, c.startEpisode()) : segments.get(segments.size() - 1);
        TransitionLog log = TransitionLog.open(current, last != null ? last : TransitionLog.read(current));
        long committedTransitions = committed.stream().mapToLong(k -> k.summary().getSteps()).sum();
        long durable = c.startSteps() + ledger.transitionsApplied();
        ClusterNode.out("RECOVERED start-episode=" + c.startEpisode() + " checkpoint-transitions=" + c.startSteps()
                + " wal-records=" + records + " wal-transitions=" + ledger.transitionsApplied()
                + " committed-episodes=" + committed.size() + " committed-transitions=" + committedTransitions
                + " staged-transitions=" + ledger.stagedTransitions() + " held=" + (c.startSteps() + committedTransitions
                + ledger.stagedTransitions()) + " durable=" + durable + " replay-after-restore="
                + (c.startSteps() + committedTransitions) + " open-episodes=" + ledger.openEpisodes());

        Map<Long, Integer> inFlight = new LinkedHashMap<>();
        Set<Integer> busy = new HashSet<>();
        for (Map.Entry<Long, Integer> en : ledger.openEpisodes().entrySet()) {
            if (en.getValue() < c.settings().worlds() && busy.add(en.getValue())) {
                inFlight.put(en.getKey(), en.getValue());
            }
        }
        List<WorldActor.EpisodeDone> recovered = new ArrayList<>();
        for (RolloutLedger.Committed k : committed) {
            EpisodeSummary s = k.summary();
            ClusterNode.out("EPISODE-COMMITTED episode=" + k.episode() + " attempt=" + k.attempt() + " world=" + k.world()
                    + " steps=" + s.getSteps() + " recovered=true");
            recovered.add(new WorldActor.EpisodeDone(-1, k.episode(), k.day(), s.getSteps(), s.getCost(), s.getReward(),
                    s.getDiscountedReward(), s.getViolationRatePu(), s.getViolatedSteps(), s.getLabelRequests(),
                    s.getSeconds()));
        }
        ActorRef<Object> ref = ctx.spawn(RolloutIngest.create(c, cs, runDir, ledger, log, committed, durable), "ingest",
                DispatcherSelector.blocking());
        ctx.watch(ref);
        ingest.set(ref);
        if (cs.validateOnRolloutNodes()) {
            ActorRef<Object> v = ctx.spawn(ValidationClient.create(org.p2pgrid.protocol.WeightsChunker.forArteryFrame(
                    cs.frameBytes()), cs.validationTimeout()), "validations");
            validator.set(v.narrow());
        }
        return new Started(c.settings().worlds(), (w, e, d) -> ref.tell(new RolloutIngest.Run(w, e, d)), inFlight,
                recovered);
    }

    @Override
    public void checkpointed(int nextEpisode) {
        ActorRef<Object> ref = ingest.get();
        if (ref != null) {
            ref.tell(new RolloutIngest.Rotate(nextEpisode));
        }
    }
}
