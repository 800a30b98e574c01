package org.p2pgrid.actors.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.learner.train.LabelRequest;
import org.p2pgrid.learner.train.Teacher;

/**
 * The expert pool (DESIGN §3.3): a router over N expert workers, each with its own {@link Teacher}
 * from the run's factory (for the expert: its own {@code ExpertLabeller} over the run's shared label
 * cache). Workers block in solver calls, so they run on Pekko's
 * {@code pekko.actor.default-blocking-io-dispatcher}, never on the default dispatcher.
 *
 * <p>Routing: every request of one episode goes to worker {@code episode mod N}, which labels them
 * in arrival (= step) order and calls {@link Teacher#startEpisode} when a new episode begins — the
 * same per-episode sequence the single-process trainer gives a teacher, so plan re-use behaves the
 * same. Each label goes straight to the replay ({@link ReplayActor.AttachLabel}); when a worker has
 * done an episode's {@link EpisodeEnd} the pool tells the coordinator ({@link EpisodeLabelled}).
 * The pool keeps the requests still unlabelled so a checkpoint can store them ({@link GetPending}).
 */
public final class ExpertPoolActor extends AbstractBehavior<ExpertPoolActor.Command> {

    public sealed interface Command permits Label, EpisodeEnd, GetPending, AwaitIdle, Done, EpisodeFinished {}

    /** Label the state behind replay reference {@code request.ref()}, visited in {@code episode}. */
    public record Label(long episode, LabelRequest request) implements Command {}

    /** Episode {@code episode} sent {@code requests} label requests; no more follow. */
    public record EpisodeEnd(long episode, int requests) implements Command {}

    /** The requests not labelled yet (for a checkpoint's pending-labels file), in arrival order. */
    public record GetPending(ActorRef<Pending> replyTo) implements Command {}

    public record Pending(List<LabelRequest> requests) {}

    /** Reply {@link Idle} once every request received so far is labelled and attached. */
    public record AwaitIdle(ActorRef<Idle> replyTo) implements Command {}

    public record Idle(long labelled) {}

    /** To the coordinator: every label of {@code episode} has been sent to the replay. */
    public record EpisodeLabelled(long episode, int labels) {}

    private record Done(long ref) implements Command {}

    private record EpisodeFinished(long episode, int labels) implements Command {}

    private final List<ActorRef<Worker.Command>> workers = new ArrayList<>();
    private final Map<Long, LabelRequest> pending = new LinkedHashMap<>();
    private final Map<Long, Integer> outstandingByRef = new HashMap<>();
    private final ActorRef<EpisodeLabelled> coordinator;
    private final List<AwaitIdle> idleWaiters = new ArrayList<>();
    private long labelled;

    /**
     * @param workers        pool size (≥ 1)
     * @param teacherFactory one new teacher per worker (closed when the worker stops)
     * @param replay         where labels are attached
     * @param coordinator    told when an episode's labels are all attached
     */
    public static Behavior<Command> create(int workers, Supplier<Teacher> teacherFactory,
                                           ActorRef<ReplayActor.Command> replay, ActorRef<EpisodeLabelled> coordinator) {
        return Behaviors.setup(ctx -> new ExpertPoolActor(ctx, workers, teacherFactory, replay, coordinator));
    }

    private ExpertPoolActor(ActorContext<Command> ctx, int n, Supplier<Teacher> teacherFactory,
                            ActorRef<ReplayActor.Command> replay, ActorRef<EpisodeLabelled> coordinator) {
        super(ctx);
        if (n < 1) {
            throw new IllegalArgumentException("expert pool needs at least one worker, got " + n);
        }
        this.coordinator = coordinator;
        for (int i = 0; i < n; i++) {
            ActorRef<Worker.Command> w = ctx.spawn(Worker.create(teacherFactory, replay, ctx.getSelf()), "expert-" + i,
                    DispatcherSelector.blocking());
            ctx.watch(w); // a worker that throws stops; the pool then fails with its cause (ChildFailed below)
            workers.add(w);
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Label.class, m -> {
                    pending.put(m.request().ref(), m.request());
                    outstandingByRef.merge(m.request().ref(), 1, Integer::sum);
                    route(m.episode()).tell(new Worker.Work(m.episode(), m.request()));
                    return this;
                })
                .onMessage(EpisodeEnd.class, m -> {
                    route(m.episode()).tell(new Worker.End(m.episode(), m.requests()));
                    return this;
                })
                .onMessage(Done.class, m -> {
                    labelled++;
                    Integer left = outstandingByRef.merge(m.ref(), -1, Integer::sum);
                    if (left != null && left <= 0) {
                        outstandingByRef.remove(m.ref());
                        pending.remove(m.ref());
                    }
                    answerIdle();
                    return this;
                })
                .onMessage(EpisodeFinished.class, m -> {
                    coordinator.tell(new EpisodeLabelled(m.episode(), m.labels()));
                    return this;
                })
                .onMessage(GetPending.class, m -> {
                    m.replyTo().tell(new Pending(List.copyOf(pending.values())));
                    return this;
                })
                .onMessage(AwaitIdle.class, m -> {
                    idleWaiters.add(m);
                    answerIdle();
                    return this;
                })
                .onSignal(ChildFailed.class, f -> {
                    throw new IllegalStateException("expert worker " + f.getRef().path().name() + " failed: "
                            + f.getCause().getMessage(), f.getCause());
                })
                .build();
    }

    private ActorRef<Worker.Command> route(long episode) {
        return workers.get((int) Math.floorMod(episode, (long) workers.size()));
    }

    private void answerIdle() {
        if (pending.isEmpty() && !idleWaiters.isEmpty()) {
            for (AwaitIdle w : idleWaiters) {
                w.replyTo().tell(new Idle(labelled));
            }
            idleWaiters.clear();
        }
    }

    /** One expert worker: a teacher, labelling its queue in order on the blocking dispatcher. */
    static final class Worker extends AbstractBehavior<Worker.Command> {
        sealed interface Command permits Work, End {}

        record Work(long episode, LabelRequest request) implements Command {}

        record End(long episode, int requests) implements Command {}

        private final Teacher teacher;
        private final ActorRef<ReplayActor.Command> replay;
        private final ActorRef<ExpertPoolActor.Command> pool;
        private long episode = Long.MIN_VALUE;

        static Behavior<Command> create(Supplier<Teacher> factory, ActorRef<ReplayActor.Command> replay,
                                        ActorRef<ExpertPoolActor.Command> pool) {
            return Behaviors.setup(ctx -> new Worker(ctx, factory.get(), replay, pool));
        }

        private Worker(ActorContext<Command> ctx, Teacher teacher, ActorRef<ReplayActor.Command> replay,
                       ActorRef<ExpertPoolActor.Command> pool) {
            super(ctx);
            this.teacher = teacher;
            this.replay = replay;
            this.pool = pool;
        }

        @Override
        public Receive<Command> createReceive() {
            return newReceiveBuilder()
                    .onMessage(Work.class, this::onWork)
                    .onMessage(End.class, m -> {
                        pool.tell(new EpisodeFinished(m.episode(), m.requests()));
                        return this;
                    })
                    .onSignal(PostStop.class, s -> {
                        teacher.close();
                        return this;
                    })
                    .build();
        }

        private Behavior<Command> onWork(Work m) {
            LabelRequest r = m.request();
            if (m.episode() != episode) {
                episode = m.episode();
                teacher.startEpisode(r.day());
            }
            ProsumerAction[] a = teacher.label(r.day(), r.step(), r.states(), r.observations()); // blocking
            float[][] label = new float[a.length][ProsumerAction.DIMS];
            for (int i = 0; i < a.length; i++) {
                for (int d = 0; d < ProsumerAction.DIMS; d++) {
                    label[i][d] = (float) a[i].get(d);
                }
            }
            replay.tell(new ReplayActor.AttachLabel(r.ref(), label));
            // the attach is enqueued at the replay before the pool hears of it (local tells enqueue synchronously)
            pool.tell(new Done(r.ref()));
            return this;
        }
    }
}
