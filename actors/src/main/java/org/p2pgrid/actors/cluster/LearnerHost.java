package org.p2pgrid.actors.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.typed.Cluster;
import org.p2pgrid.learner.train.Checkpoints;
import org.p2pgrid.protocol.MessageValidator;
import org.p2pgrid.protocol.v1.LearnerStatus;
import org.p2pgrid.protocol.v1.LearnerStatusRequest;

/**
 * The learner's place in the cluster: runs as a Cluster Singleton on a node with the {@code learner}
 * role. On start it looks for the newest checkpoint of the run directory that verifies (manifest sizes
 * and SHA-256, falling back to older ones exactly as {@code Trainer} does) and reads its trainer
 * state (next episode, steps). It does NOT load the networks or the replay and does not train: the
 * distributed training data path (rollout worlds streaming transitions to this singleton) is not wired
 * yet. It answers {@link LearnerStatusRequest} (protobuf, from any node) and logs the rollout nodes
 * registered with the receptionist.
 */
final class LearnerHost {
    /** Local-only: the receptionist's listing of rollout nodes, adapted. */
    record RolloutsChanged(int count) {}

    /** What was restored from the run directory. */
    record Restored(String checkpoint, int nextEpisode, long steps) {}

    private LearnerHost() {}

    static Behavior<Object> create(String runDir) {
        return Behaviors.setup(ctx -> {
            long started = System.currentTimeMillis();
            String address = Cluster.get(ctx.getSystem()).selfMember().address().toString();
            Optional<Restored> restored = restore(runDir, ctx);
            ClusterNode.out("SINGLETON-STARTED node=" + address + " restored="
                    + restored.map(r -> r.checkpoint() + " next-episode=" + r.nextEpisode() + " steps=" + r.steps())
                            .orElse("none"));
            ActorRef<Receptionist.Listing> adapter = ctx.messageAdapter(Receptionist.Listing.class,
                    l -> new RolloutsChanged(l.getServiceInstances(ClusterNode.ROLLOUT_KEY).size()));
            ctx.getSystem().receptionist().tell(Receptionist.subscribe(ClusterNode.ROLLOUT_KEY, adapter));
            ActorRefResolver resolver = ActorRefResolver.get(ctx.getSystem());
            MessageValidator validator = new MessageValidator();
            long[] served = {0};
            return Behaviors.receive(Object.class)
                    .onMessage(RolloutsChanged.class, m -> {
                        ClusterNode.out("ROLLOUTS n=" + m.count());
                        return Behaviors.same();
                    })
                    .onMessage(LearnerStatusRequest.class, req -> {
                        List<String> problems = validator.check(req);
                        if (!problems.isEmpty()) {
                            ctx.getLog().warn("dropping invalid LearnerStatusRequest: {}", problems);
                            return Behaviors.same();
                        }
                        served[0]++;
                        ActorRef<LearnerStatus> replyTo = resolver.resolveActorRef(req.getReplyTo());
                        LearnerStatus.Builder b = LearnerStatus.newBuilder().setRequestId(req.getRequestId())
                                .setNodeAddress(address).setIncarnationStartedMs(started).setRequestsServed(served[0]);
                        restored.ifPresent(r -> b.setRestored(true).setCheckpoint(r.checkpoint())
                                .setRestoredNextEpisode(r.nextEpisode()).setRestoredSteps(r.steps()));
                        replyTo.tell(b.build());
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    static Optional<Restored> restore(String runDir, ActorContext<?> ctx) {
        if (runDir == null || runDir.isBlank()) {
            return Optional.empty();
        }
        Path run = Path.of(runDir);
        if (!Files.isDirectory(run)) {
            ClusterNode.out("RESTORE run-dir=" + run + " does not exist: starting empty");
            return Optional.empty();
        }
        try {
            List<String> problems = new ArrayList<>();
            Optional<Path> found = new Checkpoints(run, Integer.MAX_VALUE).latestValid(problems);
            for (String p : problems) {
                ClusterNode.out("RESTORE skipped " + p);
            }
            if (found.isEmpty()) {
                return Optional.empty();
            }
            Checkpoints.TrainerState s = Checkpoints.readTrainerState(found.get());
            return Optional.of(new Restored(found.get().getFileName().toString(), s.nextEpisode(), s.steps()));
        } catch (IOException | RuntimeException e) {
            ctx.getLog().error("restoring from {} failed", run, e);
            ClusterNode.out("RESTORE failed: " + e);
            return Optional.empty();
        }
    }
}
