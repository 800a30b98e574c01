package org.p2pgrid.actors.runtime;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.p2pgrid.actors.wire.LabelWire;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.learner.train.LabelRequest;
import org.p2pgrid.learner.train.Teacher;
import org.p2pgrid.protocol.InvalidMessageException;
import org.p2pgrid.protocol.v1.LabelReply;

/**
 * The expert pool (DESIGN §3.3): a router over N local expert workers, each with its own {@link Teacher}
 * from the run's factory (for the expert: its own {@code ExpertLabeller} over the run's shared label
 * cache), and — in a cluster with {@code expert}-role nodes ({@link Remote}) — over the expert nodes
 * registered with the receptionist. Local workers block in solver calls, so they run on Pekko's
 * {@code pekko.actor.default-blocking-io-dispatcher}, never on the default dispatcher.
 *
 * <p>Routing: every request of one episode goes to one place — local worker {@code episode mod N}, or
 * the expert node the episode was first given to — which labels them in arrival (= step) order and
 * restarts its teacher's episode when a new one begins: the same per-episode sequence the
 * single-process trainer gives a teacher, so plan re-use behaves the same. Each label goes straight to
 * the replay ({@link ReplayActor.AttachLabel}); once all labels of an episode ({@link EpisodeEnd} says
 * how many) are attached the pool tells the coordinator ({@link EpisodeLabelled}). The pool keeps the
 * requests still unlabelled so a checkpoint can store them ({@link GetPending}).
 *
 * <p>Remote labelling (protobuf {@code LabelRequest} / {@code LabelReply}): each request gets a pool-wide
 * id (the wire's request_id). At most {@link Remote#inFlightPerNode} requests are outstanding per node —
 * Artery drops sends silently when its queue fills, so the window keeps far below it — the rest wait
 * here. A request unanswered for {@link Remote#resendAfter} is sent again to the same node (the node
 * ignores a copy it is still working on and answers a copy it already answered from its reply cache).
 * When a node leaves the receptionist's listing of reachable expert nodes (unreachable or gone), its
 * outstanding requests go, in id order, to another node or — with none left — to the local workers.
 * A node that stays reachable but attaches no label for {@link Remote#stallAfter} while it holds
 * requests (a hung solver, a wedged process — the failure detector sees heartbeats, not progress) is
 * treated the same way and gets nothing new; it is routed to again once it answers one of the requests
 * taken from it (it was slow, not dead), and leaves that state when it leaves the listing.
 * A reply attaches its label only while its id is outstanding: every request is attached exactly once,
 * whichever copy answers first; later copies are counted as duplicates and dropped.
 */
public final class ExpertPoolActor extends AbstractBehavior<ExpertPoolActor.Command> {

    public sealed interface Command permits Label, EpisodeEnd, GetPending, AwaitIdle, Done, RemoteReply, ExpertsChanged,
            Tick {}

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

    /**
     * Label on expert nodes when any are registered under {@code key} (cluster mode).
     *
     * @param key             the expert nodes' receptionist key
     * @param inFlightPerNode requests outstanding per node at most (flow control)
     * @param resendAfter     an unanswered request is sent again after this long
     * @param stallAfter      a node holding requests that attaches no label for this long is given up on
     *                        (its requests re-routed); zero = never
     * @param events          one-line progress / fail-over reports (e.g. to the node's stdout)
     */
    public record Remote(ServiceKey<org.p2pgrid.protocol.v1.LabelRequest> key, int inFlightPerNode,
                         Duration resendAfter, Duration stallAfter, Consumer<String> events) {
        public Remote {
            if (inFlightPerNode < 1) {
                throw new IllegalArgumentException("in-flight-per-node must be >= 1, got " + inFlightPerNode);
            }
            if (stallAfter.isNegative() || (!stallAfter.isZero() && stallAfter.compareTo(resendAfter) <= 0)) {
                throw new IllegalArgumentException("stall-after must be 0 (off) or longer than resend-after ("
                        + resendAfter + "), got " + stallAfter);
            }
        }
    }

    /** A local worker attached request {@code id}'s label. */
    private record Done(long id) implements Command {}

    private record RemoteReply(LabelReply reply) implements Command {}

    private record ExpertsChanged(Set<ActorRef<org.p2pgrid.protocol.v1.LabelRequest>> reachable) implements Command {}

    private enum Tick implements Command { INSTANCE }

    private record Entry(long id, long episode, LabelRequest request) {}

    /** A request at an expert node; the wire form is kept for re-sends. */
    private static final class Sent {
        final Entry entry;
        final org.p2pgrid.protocol.v1.LabelRequest wire;
        final ActorRef<org.p2pgrid.protocol.v1.LabelRequest> node;
        long sentAt;
        int sends = 1;

        Sent(Entry entry, org.p2pgrid.protocol.v1.LabelRequest wire, ActorRef<org.p2pgrid.protocol.v1.LabelRequest> node,
             long sentAt) {
            this.entry = entry;
            this.wire = wire;
            this.node = node;
            this.sentAt = sentAt;
        }
    }

    private final List<ActorRef<Worker.Command>> workers = new ArrayList<>();
    private final ActorRef<ReplayActor.Command> replay;
    private final ActorRef<EpisodeLabelled> coordinator;
    private final List<ProsumerSpec> prosumers;
    private final Remote remote;
    private final String replyTo;
    /** Every request not yet attached, by id (= arrival order). */
    private final Map<Long, Entry> pending = new LinkedHashMap<>();
    /** Episode → {requests announced by EpisodeEnd (-1 before), labels attached}. */
    private final Map<Long, int[]> episodes = new HashMap<>();
    private final List<AwaitIdle> idleWaiters = new ArrayList<>();
    // remote state
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private final Map<Long, Sent> outstanding = new HashMap<>();
    private final Map<ActorRef<org.p2pgrid.protocol.v1.LabelRequest>, Integer> load = new HashMap<>();
    private final Map<Long, ActorRef<org.p2pgrid.protocol.v1.LabelRequest>> episodeNode = new HashMap<>();
    private final Map<String, Long> labelledByNode = new TreeMap<>();
    private List<ActorRef<org.p2pgrid.protocol.v1.LabelRequest>> nodes = List.of();
    /** The receptionist's last listing of reachable expert nodes; {@link #nodes} is it without the stalled ones. */
    private List<ActorRef<org.p2pgrid.protocol.v1.LabelRequest>> reachable = List.of();
    /** Reachable nodes given up on for making no progress. */
    private final Set<ActorRef<org.p2pgrid.protocol.v1.LabelRequest>> stalled = new HashSet<>();
    /** Request id → the stalled node it was taken from (an answer from it brings the node back). */
    private final Map<Long, ActorRef<org.p2pgrid.protocol.v1.LabelRequest>> takenFromStalled = new HashMap<>();
    /** Per node holding requests: when it last attached a label, or got its first request after holding none. */
    private final Map<ActorRef<org.p2pgrid.protocol.v1.LabelRequest>, Long> lastProgress = new HashMap<>();
    private long nextId;
    private long labelled;
    private long attachedLocal;
    private long attachedRemote;
    private long duplicateReplies;
    private long resent;
    private long rerouted;
    private String lastStats = "";

    /**
     * @param workers        local pool size (≥ 1)
     * @param teacherFactory one new teacher per local worker (closed when the worker stops)
     * @param replay         where labels are attached
     * @param coordinator    told when an episode's labels are all attached
     */
    public static Behavior<Command> create(int workers, Supplier<Teacher> teacherFactory,
                                           ActorRef<ReplayActor.Command> replay, ActorRef<EpisodeLabelled> coordinator) {
        return create(workers, teacherFactory, replay, coordinator, null, List.of());
    }

    /**
     * @param remote    expert nodes to prefer, or null (local workers only)
     * @param prosumers the scenario's prosumers (the wire form of a device state needs their BESS capacities)
     */
    public static Behavior<Command> create(int workers, Supplier<Teacher> teacherFactory,
                                           ActorRef<ReplayActor.Command> replay, ActorRef<EpisodeLabelled> coordinator,
                                           Remote remote, List<ProsumerSpec> prosumers) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ExpertPoolActor(ctx, timers, workers,
                teacherFactory, replay, coordinator, remote, prosumers)));
    }

    private ExpertPoolActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, int n,
                            Supplier<Teacher> teacherFactory, ActorRef<ReplayActor.Command> replay,
                            ActorRef<EpisodeLabelled> coordinator, Remote remote, List<ProsumerSpec> prosumers) {
        super(ctx);
        if (n < 1) {
            throw new IllegalArgumentException("expert pool needs at least one worker, got " + n);
        }
        this.replay = replay;
        this.coordinator = coordinator;
        this.remote = remote;
        this.prosumers = List.copyOf(prosumers);
        // the local workers stay: they are the fallback when no expert node is reachable
        for (int i = 0; i < n; i++) {
            ActorRef<Worker.Command> w = ctx.spawn(Worker.create(teacherFactory, replay, ctx.getSelf()), "expert-" + i,
                    DispatcherSelector.blocking());
            ctx.watch(w); // a worker that throws stops; the pool then fails with its cause (ChildFailed below)
            workers.add(w);
        }
        if (remote != null) {
            // replies come from other nodes: a plain child actor is remotely addressable (and serialisable as reply_to)
            ActorRef<Command> self = ctx.getSelf();
            ActorRef<LabelReply> replies = ctx.spawn(Behaviors.receive(LabelReply.class)
                    .onMessage(LabelReply.class, r -> {
                        self.tell(new RemoteReply(r));
                        return Behaviors.same();
                    }).build(), "label-replies");
            this.replyTo = ActorRefResolver.get(ctx.getSystem()).toSerializationFormat(replies);
            ActorRef<Receptionist.Listing> listing = ctx.messageAdapter(Receptionist.Listing.class,
                    l -> new ExpertsChanged(l.getServiceInstances(remote.key()))); // reachable nodes only
            ctx.getSystem().receptionist().tell(Receptionist.subscribe(remote.key(), listing));
            Duration every = remote.resendAfter().dividedBy(4);
            timers.startTimerWithFixedDelay(Tick.INSTANCE, every.compareTo(Duration.ofSeconds(1)) > 0
                    ? Duration.ofSeconds(1) : every.isZero() ? Duration.ofMillis(100) : every);
        } else {
            this.replyTo = "";
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Label.class, m -> {
                    Entry e = new Entry(++nextId, m.episode(), m.request());
                    pending.put(e.id(), e);
                    episodes.computeIfAbsent(m.episode(), k -> new int[] {-1, 0});
                    if (nodes.isEmpty()) {
                        local(e);
                    } else {
                        queue.add(e);
                        pump();
                    }
                    return this;
                })
                .onMessage(EpisodeEnd.class, m -> {
                    episodes.computeIfAbsent(m.episode(), k -> new int[] {-1, 0})[0] = m.requests();
                    finishIfLabelled(m.episode());
                    return this;
                })
                .onMessage(Done.class, m -> {
                    if (attached(m.id())) {
                        attachedLocal++;
                    }
                    return this;
                })
                .onMessage(RemoteReply.class, this::onReply)
                .onMessage(ExpertsChanged.class, this::onExpertsChanged)
                .onMessageEquals(Tick.INSTANCE, this::onTick)
                .onMessage(GetPending.class, m -> {
                    m.replyTo().tell(new Pending(pending.values().stream().map(Entry::request).toList()));
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

    private void local(Entry e) {
        workers.get((int) Math.floorMod(e.episode(), (long) workers.size())).tell(new Worker.Work(e.id(), e.episode(),
                e.request()));
    }

    /**
     * Sends queued requests to their episode's node while it has room. A request whose node is full stays,
     * and so do the later requests of its episode (they must reach the node after it); other episodes' go on.
     */
    private void pump() {
        if (nodes.isEmpty()) {
            while (!queue.isEmpty()) {
                local(queue.poll());
            }
            return;
        }
        Set<Long> blocked = new HashSet<>();
        for (Iterator<Entry> it = queue.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (blocked.contains(e.episode())) {
                continue;
            }
            ActorRef<org.p2pgrid.protocol.v1.LabelRequest> node = episodeNode.get(e.episode());
            if (node == null || !nodes.contains(node)) {
                node = nodes.stream().min(Comparator.comparingInt(r -> load.getOrDefault(r, 0))).orElseThrow();
                episodeNode.put(e.episode(), node);
            }
            if (load.getOrDefault(node, 0) >= remote.inFlightPerNode()) {
                blocked.add(e.episode());
                continue;
            }
            it.remove();
            LabelRequest r = e.request();
            org.p2pgrid.protocol.v1.LabelRequest wire = LabelWire.toRequest(e.id(), e.episode(), r.ref(), r.day(), r.step(),
                    r.states(), r.observations(), prosumers, replyTo);
            long now = System.nanoTime();
            outstanding.put(e.id(), new Sent(e, wire, node, now));
            if (load.getOrDefault(node, 0) == 0) {
                lastProgress.put(node, now); // the stall clock runs only while the node holds requests
            }
            load.merge(node, 1, Integer::sum);
            node.tell(wire);
        }
    }

    private Behavior<Command> onReply(RemoteReply m) {
        LabelReply reply = m.reply();
        Sent s = outstanding.get(reply.getRequestId());
        if (s == null) {
            // answered already (a re-sent copy, or a node given up on that answered late): never attached twice
            duplicateReplies++;
            ActorRef<org.p2pgrid.protocol.v1.LabelRequest> late = takenFromStalled.remove(reply.getRequestId());
            if (late != null && stalled.remove(late)) {
                takenFromStalled.values().removeIf(late::equals);
                remote.events().accept("EXPERT-NODE-BACK node=" + late.path().address().hostPort()
                        + " (answered request " + reply.getRequestId() + " after it was re-routed)");
                refreshNodes();
                pump();
            }
            return this;
        }
        float[][] label;
        try {
            if (reply.getTransitionRef() != s.entry.request().ref()) {
                throw new InvalidMessageException(List.of("LabelReply.transition_ref: " + reply.getTransitionRef()
                        + ", expected " + s.entry.request().ref()));
            }
            label = LabelWire.joint(LabelWire.label(reply)); // an expert error reply throws IllegalStateException
            if (label.length != s.entry.request().states().length) {
                throw new InvalidMessageException(List.of("LabelReply.actions: " + label.length + " prosumers, expected "
                        + s.entry.request().states().length));
            }
        } catch (InvalidMessageException bad) {
            // stays outstanding: re-sent after resend-after (a node that keeps answering garbage shows in the log)
            getContext().getLog().warn("invalid label reply from {} for request {}: {}", s.node.path().address(),
                    reply.getRequestId(), bad.getMessage());
            return this;
        }
        outstanding.remove(reply.getRequestId());
        load.merge(s.node, -1, Integer::sum);
        lastProgress.put(s.node, System.nanoTime());
        replay.tell(new ReplayActor.AttachLabel(s.entry.request().ref(), label));
        labelledByNode.merge(s.node.path().address().hostPort(), 1L, Long::sum);
        attachedRemote++;
        attached(s.entry.id());
        pump();
        return this;
    }

    private Behavior<Command> onExpertsChanged(ExpertsChanged m) {
        reachable = m.reachable().stream().sorted(Comparator.comparing(r -> r.path().toString())).toList();
        stalled.retainAll(reachable); // a stalled node that left the listing is just gone
        takenFromStalled.values().removeIf(n -> !stalled.contains(n));
        Set<ActorRef<org.p2pgrid.protocol.v1.LabelRequest>> gone = new HashSet<>(nodes);
        refreshNodes();
        gone.removeAll(nodes);
        remote.events().accept("EXPERT-NODES n=" + reachable.size() + " nodes=" + reachable.stream()
                .map(r -> r.path().address().hostPort()).toList() + (stalled.isEmpty() ? "" : " stalled=" + stalled.size()));
        if (!gone.isEmpty()) {
            int back = reroute(gone);
            remote.events().accept("LABELS-REROUTED from=" + gone.stream().map(r -> r.path().address().hostPort()).toList()
                    + " requests=" + back + " to=" + (nodes.isEmpty() ? "local" : "remote"));
        }
        pump();
        return this;
    }

    private void refreshNodes() {
        nodes = reachable.stream().filter(n -> !stalled.contains(n)).toList();
    }

    /**
     * The given nodes' outstanding requests go back to the front of the queue, in id order (= step order
     * within an episode), ahead of what was queued; their episodes are routed afresh.
     */
    private int reroute(Set<ActorRef<org.p2pgrid.protocol.v1.LabelRequest>> from) {
        List<Entry> back = new ArrayList<>();
        for (Iterator<Sent> it = outstanding.values().iterator(); it.hasNext(); ) {
            Sent s = it.next();
            if (from.contains(s.node)) {
                back.add(s.entry);
                if (stalled.contains(s.node)) {
                    takenFromStalled.put(s.entry.id(), s.node);
                }
                it.remove();
            }
        }
        back.sort(Comparator.comparingLong(Entry::id));
        for (int i = back.size() - 1; i >= 0; i--) {
            queue.addFirst(back.get(i));
        }
        episodeNode.values().removeIf(from::contains);
        from.forEach(load::remove);
        from.forEach(lastProgress::remove);
        rerouted += back.size();
        return back.size();
    }

    private Behavior<Command> onTick() {
        long now = System.nanoTime();
        if (!remote.stallAfter().isZero()) {
            long stallNanos = remote.stallAfter().toNanos();
            Set<ActorRef<org.p2pgrid.protocol.v1.LabelRequest>> stuck = new HashSet<>();
            for (ActorRef<org.p2pgrid.protocol.v1.LabelRequest> n : nodes) {
                Long since = lastProgress.get(n);
                if (load.getOrDefault(n, 0) > 0 && since != null && now - since >= stallNanos) {
                    stuck.add(n);
                }
            }
            if (!stuck.isEmpty()) {
                stalled.addAll(stuck);
                refreshNodes();
                int back = reroute(stuck);
                remote.events().accept("EXPERT-NODE-STALLED nodes=" + stuck.stream().map(r -> r.path().address().hostPort())
                        .toList() + " no label for " + remote.stallAfter() + ": requests=" + back + " re-routed to="
                        + (nodes.isEmpty() ? "local" : "remote"));
                pump();
            }
        }
        long after = remote.resendAfter().toNanos();
        for (Sent s : outstanding.values()) {
            if (now - s.sentAt >= after) {
                // lost in transit (Artery may drop), or still queued at the node: the node dedupes copies
                s.node.tell(s.wire);
                s.sentAt = now;
                s.sends++;
                resent++;
            }
        }
        report("LABELS");
        return this;
    }

    /** The request's label is in the replay: count it, finish its episode, wake idle waiters. */
    private boolean attached(long id) {
        Entry e = pending.remove(id);
        if (e == null) {
            return false;
        }
        labelled++;
        int[] c = episodes.get(e.episode());
        if (c != null) {
            c[1]++;
            finishIfLabelled(e.episode());
        }
        answerIdle();
        return true;
    }

    private void finishIfLabelled(long episode) {
        int[] c = episodes.get(episode);
        if (c != null && c[0] >= 0 && c[1] >= c[0]) {
            episodes.remove(episode);
            episodeNode.remove(episode);
            coordinator.tell(new EpisodeLabelled(episode, c[0]));
        }
    }

    private void answerIdle() {
        if (pending.isEmpty() && !idleWaiters.isEmpty()) {
            for (AwaitIdle w : idleWaiters) {
                w.replyTo().tell(new Idle(labelled));
            }
            idleWaiters.clear();
            if (remote != null) {
                report("LABELS-IDLE");
            }
        }
    }

    /** {@code KIND requests=.. attached=.. ...}, when it changed since the last report. */
    private void report(String kind) {
        String s = "requests=" + nextId + " attached=" + labelled + " attached-remote=" + attachedRemote
                + " attached-local=" + attachedLocal + " outstanding=" + outstanding.size() + " queued=" + queue.size()
                + " duplicate-replies=" + duplicateReplies + " resent=" + resent + " rerouted=" + rerouted
                + " by-node=" + labelledByNode;
        if (!kind.equals("LABELS") || !s.equals(lastStats)) {
            lastStats = s;
            remote.events().accept(kind + " " + s);
        }
    }

    /** One local expert worker: a teacher, labelling its queue in order on the blocking dispatcher. */
    static final class Worker extends AbstractBehavior<Worker.Command> {
        sealed interface Command permits Work {}

        record Work(long id, long episode, LabelRequest request) implements Command {}

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
            pool.tell(new Done(m.id()));
            return this;
        }
    }
}
