package org.p2pgrid.actors.cluster;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.typed.Cluster;
import org.p2pgrid.actors.runtime.ActorTraining;
import org.p2pgrid.actors.runtime.RuntimeSettings;
import org.p2pgrid.actors.runtime.TrainingCoordinator;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.expert.label.LabelFingerprint;
import org.p2pgrid.learner.nn.Djl;
import org.p2pgrid.learner.train.Checkpoints;
import org.p2pgrid.learner.train.ExpertSetup;
import org.p2pgrid.learner.train.ExpertTeacher;
import org.p2pgrid.learner.train.RuleBasedTeacher;
import org.p2pgrid.learner.train.Teacher;
import org.p2pgrid.learner.train.Trainer;
import org.p2pgrid.learner.train.TrainingConfig;
import org.p2pgrid.learner.train.TrainingHistory;
import org.p2pgrid.protocol.MessageValidator;
import org.p2pgrid.protocol.v1.LearnerStatus;
import org.p2pgrid.protocol.v1.LearnerStatusRequest;
import org.p2pgrid.protocol.v1.TransitionBatch;
import org.p2pgrid.protocol.v1.WeightsRequest;

/**
 * The learner's place in the cluster: runs as a Cluster Singleton on a node with the {@code learner}
 * role. On start it finds the run directory's newest verified checkpoint (manifest sizes and SHA-256,
 * falling back to older ones exactly as {@code Trainer} does). With {@code p2pgrid.cluster.train = on}
 * it then runs the training: a {@link TrainingCoordinator} — the same episode / barrier / validation /
 * checkpoint logic as the one-JVM runtime — restoring learner, replay and counters from that checkpoint,
 * with the {@link ClusterRollouts} backend (sharded worlds on the rollout nodes, durable transition
 * batches, the replay write-ahead log replayed after the checkpoint). Transition batches and weight
 * requests that reach the singleton are forwarded to the backend's ingest actor (dropped before it
 * exists: the worlds send them again). It answers {@link LearnerStatusRequest} (protobuf, from any node)
 * and logs the rollout nodes registered with the receptionist.
 */
final class LearnerHost {
    /** Local-only: the receptionist's listing of rollout nodes, adapted. */
    record RolloutsChanged(int count) {}

    /** What was restored from the run directory. */
    record Restored(String checkpoint, int nextEpisode, long steps) {}

    private record Ended(Trainer.Outcome outcome, Throwable error) {}

    private LearnerHost() {}

    static Behavior<Object> create(ClusterSettings cs, Config config) {
        return Behaviors.setup(ctx -> {
            long started = System.currentTimeMillis();
            String address = Cluster.get(ctx.getSystem()).selfMember().address().toString();
            Optional<Restored> restored = restore(cs.runDir(), ctx);
            ClusterNode.out("SINGLETON-STARTED node=" + address + " restored="
                    + restored.map(r -> r.checkpoint() + " next-episode=" + r.nextEpisode() + " steps=" + r.steps())
                            .orElse("none"));
            ActorRef<Receptionist.Listing> adapter = ctx.messageAdapter(Receptionist.Listing.class,
                    l -> new RolloutsChanged(l.getServiceInstances(ClusterNode.ROLLOUT_KEY).size()));
            ctx.getSystem().receptionist().tell(Receptionist.subscribe(ClusterNode.ROLLOUT_KEY, adapter));
            ActorRefResolver resolver = ActorRefResolver.get(ctx.getSystem());
            MessageValidator validator = new MessageValidator();
            long[] served = {0};
            ExpertSetup[] expert = {null};
            // training starts once min-rollout-nodes rollout nodes are registered (the worlds spread over them)
            ClusterRollouts[] backend = {cs.train() && cs.minRolloutNodes() <= 0 ? startTraining(ctx, cs, config, expert) : null};
            return Behaviors.receive(Object.class)
                    .onMessage(TransitionBatch.class, b -> forward(backend[0], b))
                    .onMessage(WeightsRequest.class, r -> forward(backend[0], r))
                    .onMessage(RolloutsChanged.class, m -> {
                        ClusterNode.out("ROLLOUTS n=" + m.count());
                        if (cs.train() && backend[0] == null && m.count() >= cs.minRolloutNodes()) {
                            backend[0] = startTraining(ctx, cs, config, expert);
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Ended.class, m -> {
                        if (m.error() != null) {
                            ClusterNode.out("TRAINING-FAILED " + m.error());
                        } else {
                            Trainer.Outcome o = m.outcome();
                            ClusterNode.out("TRAINING-DONE episodes=" + o.episodesDone() + " updates=" + o.updates()
                                    + " resumed=" + o.resumed() + " checkpoint="
                                    + (o.lastCheckpoint() == null ? "none" : o.lastCheckpoint().getFileName()));
                        }
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
                    .onSignal(PostStop.class, s -> {
                        if (expert[0] != null) {
                            expert[0].close();
                        }
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    private static Behavior<Object> forward(ClusterRollouts backend, Object m) {
        ActorRef<Object> ingest = backend == null ? null : backend.ingest();
        if (ingest != null) {
            ingest.tell(m);
        }
        return Behaviors.same();
    }

    /** Spawns the training coordinator (cluster backend) as a child; its outcome comes back as {@link Ended}. */
    private static ClusterRollouts startTraining(ActorContext<Object> ctx, ClusterSettings cs, Config root,
                                                 ExpertSetup[] expert) {
        Djl.configure();
        Scenario scenario = cs.loadScenario();
        TrainingConfig config = TrainingConfig.from(root);
        RuntimeSettings settings = RuntimeSettings.from(root);
        String fingerprint = Long.toHexString(LabelFingerprint.of(scenario, cs.profileSeed()));
        TrainingConfig.Labels labels = config.labels();
        Supplier<Teacher> teachers = switch (labels.teacher()) {
            case EXPERT -> {
                expert[0] = ExpertSetup.open(scenario, cs.profileSeed(), labels.cacheDir(), labels.socToleranceKwh(),
                        labels.cdgToleranceKw(), labels.highsOptions());
                ExpertSetup e = expert[0];
                yield () -> new ExpertTeacher(e.newLabeller(), scenario);
            }
            case RULE_BASED -> () -> new RuleBasedTeacher(scenario);
            case NONE -> () -> (day, step, states, obs) -> {
                throw new IllegalStateException("no teacher");
            };
        };
        ClusterRollouts backend = new ClusterRollouts(cs, ExpertSettings.from(root));
        CompletableFuture<Trainer.Outcome> result = new CompletableFuture<>();
        Trainer.Listener listener = new Trainer.Listener() {
            @Override
            public void episodeFinished(TrainingHistory.Episode e) {
                ClusterNode.out(String.format(Locale.ROOT, "EPISODE-DONE episode=%d day=%d cost=%.1f updates=%d replay=%d labelled=%d",
                        e.episode(), e.day(), e.cost(), e.updates(), e.replaySize(), e.labelledInReplay()));
            }

            @Override
            public void validated(TrainingHistory.Validation v) {
                ClusterNode.out("VALIDATED episode=" + v.episode() + " updates=" + v.updates());
            }

            @Override
            public void checkpointed(Path dir) {
                ClusterNode.out("CHECKPOINT dir=" + dir.getFileName());
            }
        };
        double ruleBased = ActorTraining.ruleBasedValidationCost(scenario, config);
        ClusterNode.out("TRAINING-STARTED episodes=" + config.episodes() + " worlds=" + settings.worlds() + " agents="
                + scenario.prosumers().size() + " run-dir=" + cs.runPath().toAbsolutePath());
        ctx.spawn(TrainingCoordinator.create(new TrainingCoordinator.Params(scenario, config, teachers, cs.runPath(),
                fingerprint, listener, settings, ruleBased, result, backend)), "coordinator");
        ActorRef<Object> self = ctx.getSelf();
        result.whenComplete((o, err) -> self.tell(new Ended(o, err)));
        return backend;
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
