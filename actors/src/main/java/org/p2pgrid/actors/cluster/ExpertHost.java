package org.p2pgrid.actors.cluster;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.p2pgrid.actors.wire.LabelWire;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.expert.label.ExpertLabeller;
import org.p2pgrid.learner.train.ExpertSetup;
import org.p2pgrid.learner.train.ExpertTeacher;
import org.p2pgrid.learner.train.RuleBasedTeacher;
import org.p2pgrid.learner.train.Teacher;
import org.p2pgrid.learner.train.TrainingConfig;
import org.p2pgrid.protocol.MessageValidator;
import org.p2pgrid.protocol.v1.LabelReply;
import org.p2pgrid.protocol.v1.LabelRequest;

/**
 * An {@code expert} node's labelling service: N workers (one per core by default), each its own teacher
 * over the node's ONE durable label cache ({@link ExpertSetup}: plans per worker, cache per node),
 * registered with the cluster receptionist under {@link #KEY} once ready. The learner's expert pool
 * sends protobuf {@link LabelRequest}s here; every request of an episode goes to worker
 * {@code episode mod N}, which labels in arrival order and restarts its teacher's episode when a new one
 * begins (plan re-use per episode, as in the local pool). Replies ({@link LabelReply}) go straight to
 * the request's {@code reply_to}.
 *
 * <p>Copies: the learner re-sends a request it has had no answer for. (reply_to, request_id) identifies
 * it: a copy of a request still being worked on is ignored, a copy of one answered recently gets the
 * same reply again (the learner attaches only the first). Invalid requests are dropped with the reason
 * logged. Progress is printed as {@code EXPERT-LABELLED} lines (once a second when it changed).
 */
final class ExpertHost {
    static final ServiceKey<LabelRequest> KEY = ServiceKey.create(LabelRequest.class, "p2pgrid-expert");
    /** Replies kept for answering copies: far more than the learner keeps outstanding per node. */
    private static final int REPLIES_KEPT = 4096;

    /** Worker → host: request {@code key} was answered with {@code reply}. */
    private record Answered(String key, LabelReply reply, double seconds) {}

    private record Tick() {}

    private ExpertHost() {}

    /** The teacher factory the training config asks for, over {@code setup[0]} (opened here for the expert teacher). */
    static Supplier<Teacher> teachers(Scenario scenario, long profileSeed, TrainingConfig.Labels labels, Path cacheDir,
                                      ExpertSetup[] setup) {
        return switch (labels.teacher()) {
            case EXPERT -> {
                setup[0] = ExpertSetup.open(scenario, profileSeed, cacheDir, labels.socToleranceKwh(), labels.cdgToleranceKw(),
                        labels.highsOptions());
                ExpertSetup e = setup[0];
                yield () -> new ExpertTeacher(e.newLabeller(), scenario);
            }
            case RULE_BASED -> () -> new RuleBasedTeacher(scenario);
            case NONE -> null;
        };
    }

    static Behavior<Object> create(ClusterSettings cs, Config root, int port) {
        return Behaviors.setup(ctx -> {
            ExpertSettings es = ExpertSettings.from(root);
            TrainingConfig.Labels labels = TrainingConfig.from(root).labels();
            Path cacheDir = es.cacheDirFor(labels.cacheDir(), port).toAbsolutePath();
            Scenario scenario = cs.loadScenario();
            ExpertSetup[] setup = {null};
            Supplier<Teacher> teachers = teachers(scenario, cs.profileSeed(), labels, cacheDir, setup);
            if (teachers == null) {
                ClusterNode.out("EXPERT-IDLE teacher=none: this run needs no labels");
                return Behaviors.ignore();
            }
            int n = es.workersHere();
            ActorRef<Object> self = ctx.getSelf();
            List<ActorRef<Work>> workers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                workers.add(ctx.spawn(worker(teachers, self), "expert-worker-" + i, DispatcherSelector.blocking()));
            }
            ctx.getSystem().receptionist().tell(Receptionist.register(KEY, self.narrow()));
            ClusterNode.out("EXPERT-READY workers=" + n + " teacher=" + labels.teacher().name().toLowerCase(Locale.ROOT).replace('_', '-')
                    + " cache=" + (setup[0] != null ? cacheDir + " cached=" + setup[0].cache().size() : "none"));
            return Behaviors.withTimers(timers -> {
                timers.startTimerWithFixedDelay(new Tick(), Duration.ofSeconds(1));
                return new ExpertHost.State(ctx, workers, setup[0]).behavior();
            });
        });
    }

    /** Worker message: label {@code request} (identified by {@code key}). */
    private record Work(String key, LabelRequest request) {}

    private static final class State {
        final ActorContext<Object> ctx;
        final List<ActorRef<Work>> workers;
        final ExpertSetup setup;
        final ActorRefResolver resolver;
        final MessageValidator validator = new MessageValidator();
        final Set<String> inProgress = new HashSet<>();
        final Map<String, LabelReply> answered = new LinkedHashMap<>(256, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, LabelReply> eldest) {
                return size() > REPLIES_KEPT;
            }
        };
        long labelled;
        long errors;
        long copies;
        long rejected;
        double busySeconds;
        final long started = System.nanoTime();
        String last = "";

        State(ActorContext<Object> ctx, List<ActorRef<Work>> workers, ExpertSetup setup) {
            this.ctx = ctx;
            this.workers = workers;
            this.setup = setup;
            this.resolver = ActorRefResolver.get(ctx.getSystem());
        }

        Behavior<Object> behavior() {
            return Behaviors.receive(Object.class)
                    .onMessage(LabelRequest.class, this::onRequest)
                    .onMessage(Answered.class, a -> {
                        inProgress.remove(a.key());
                        answered.put(a.key(), a.reply());
                        busySeconds += a.seconds();
                        if (a.reply().hasError()) {
                            errors++;
                        } else {
                            labelled++;
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Tick.class, t -> {
                        double wall = (System.nanoTime() - started) / 1e9;
                        String line = String.format(Locale.ROOT, "labelled=%d errors=%d copies=%d rejected=%d workers=%d"
                                        + " busy-s=%.2f labels-per-busy-s=%.1f cached=%d", labelled, errors, copies, rejected,
                                workers.size(), busySeconds, labelled / Math.max(1e-9, busySeconds),
                                setup != null ? setup.cache().size() : 0);
                        if (!line.equals(last)) {
                            last = line;
                            ClusterNode.out("EXPERT-LABELLED " + line + String.format(Locale.ROOT, " up-s=%.1f", wall));
                        }
                        return Behaviors.same();
                    })
                    .onSignal(PostStop.class, s -> {
                        if (setup != null) {
                            setup.close();
                        }
                        return Behaviors.same();
                    })
                    .build();
        }

        private Behavior<Object> onRequest(LabelRequest r) {
            List<String> problems = new ArrayList<>(validator.check(r));
            if (r.getReplyTo().isEmpty()) {
                problems.add("LabelRequest.reply_to: empty, expected the requester's actor ref");
            }
            if (!problems.isEmpty()) {
                rejected++;
                ctx.getLog().warn("dropping invalid LabelRequest {}: {}", r.getRequestId(), problems);
                return Behaviors.same();
            }
            String key = r.getReplyTo() + "#" + r.getRequestId();
            LabelReply done = answered.get(key);
            if (done != null) {
                copies++; // the reply may have been lost: send it again (the learner drops a second one)
                resolver.<LabelReply>resolveActorRef(r.getReplyTo()).tell(done);
                return Behaviors.same();
            }
            if (!inProgress.add(key)) {
                copies++; // queued or being solved: its reply follows
                return Behaviors.same();
            }
            workers.get((int) Math.floorMod(r.getEpisodeId(), (long) workers.size())).tell(new Work(key, r));
            return Behaviors.same();
        }
    }

    /** One worker: its own teacher (plans), labelling in arrival order on the blocking dispatcher. */
    private static Behavior<Work> worker(Supplier<Teacher> teachers, ActorRef<Object> host) {
        return Behaviors.setup(ctx -> {
            Teacher teacher = teachers.get();
            ActorRefResolver resolver = ActorRefResolver.get(ctx.getSystem());
            long[] episode = {Long.MIN_VALUE};
            return Behaviors.receive(Work.class)
                    .onMessage(Work.class, w -> {
                        LabelRequest r = w.request();
                        long t0 = System.nanoTime();
                        LabelReply reply;
                        try {
                            if (r.getEpisodeId() != episode[0]) {
                                episode[0] = r.getEpisodeId();
                                teacher.startEpisode(r.getDay());
                            }
                            long[] before = counters(teacher);
                            ProsumerAction[] a = teacher.label(r.getDay(), r.getStep(), LabelWire.states(r),
                                    LabelWire.observations(r));
                            double secs = (System.nanoTime() - t0) / 1e9;
                            reply = LabelWire.toReply(r, new ExpertLabeller.Label(a, source(before, counters(teacher)), secs));
                        } catch (RuntimeException e) {
                            // the learner fails the run with this text, as a local worker's exception would
                            episode[0] = Long.MIN_VALUE;
                            reply = LabelWire.toError(r, e.toString(), (System.nanoTime() - t0) / 1e9);
                        }
                        resolver.<LabelReply>resolveActorRef(r.getReplyTo()).tell(reply);
                        host.tell(new Answered(w.key(), reply, (System.nanoTime() - t0) / 1e9));
                        return Behaviors.same();
                    })
                    .onSignal(PostStop.class, s -> {
                        teacher.close();
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    /** The expert teacher's {solves, plan re-uses, cache hits}; null for other teachers. */
    private static long[] counters(Teacher t) {
        if (t instanceof ExpertTeacher e) {
            ExpertLabeller l = e.labeller();
            return new long[] {l.solves(), l.planReuses(), l.cacheHits()};
        }
        return null;
    }

    /** Which counter moved during one label: what the wire's {@code source} reports. */
    private static ExpertLabeller.Source source(long[] before, long[] after) {
        if (before == null || after == null) {
            return ExpertLabeller.Source.SOLVE;
        }
        if (after[2] > before[2] && after[0] == before[0]) {
            return ExpertLabeller.Source.CACHE;
        }
        if (after[1] > before[1] && after[0] == before[0]) {
            return ExpertLabeller.Source.PLAN_REUSE;
        }
        return ExpertLabeller.Source.SOLVE;
    }
}
