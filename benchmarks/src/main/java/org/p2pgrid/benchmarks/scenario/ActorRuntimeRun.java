package org.p2pgrid.benchmarks.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.DeadLetter;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.p2pgrid.actors.runtime.ActorTraining;
import org.p2pgrid.actors.runtime.PolicyPlacement;
import org.p2pgrid.actors.runtime.ProsumerActor;
import org.p2pgrid.actors.runtime.ReplayActor;
import org.p2pgrid.actors.runtime.RuntimeSettings;
import org.p2pgrid.actors.runtime.WorldActor;
import org.p2pgrid.env.data.DataSplit;
import org.p2pgrid.env.pomdp.ObservationLayout;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.learner.nn.ActionBounds;
import org.p2pgrid.learner.nn.ActorSnapshot;
import org.p2pgrid.learner.replay.DualReplay;
import org.p2pgrid.learner.replay.ReplayConfig;
import org.p2pgrid.learner.replay.ReplayShape;
import org.p2pgrid.learner.train.Trainer;

/**
 * Rollout throughput of the actor runtime on one node: W {@link WorldActor}s with one
 * {@link ProsumerActor} per prosumer each (exploring, plain-Java policy of the given hidden width),
 * the {@link ReplayActor} acknowledging every transition (credit flow control on), while a broadcaster
 * publishes a new weight version to every prosumer actor every P ms — the learner's broadcast
 * without the learner's DJL work (which would take a core of its own). Reports agent-steps/s
 * (environment steps × prosumers) over the measured window and the broadcast latency: from sending
 * version v to the last prosumer's acknowledgement that it swapped to v. On a shared machine the
 * wall-clock rate depends on what else runs; the process CPU time in the window gives agent-steps per
 * CPU-second as well (what one free core would do).
 *
 * <pre>benchmarks/scenario.sh ActorRuntimeRun [worlds=2] [hidden=256] [seconds=20] [broadcastMs=50] [scenario=default|synthetic] [policies=per-node|per-world]</pre>
 *
 * {@code policies} defaults to {@code p2pgrid.runtime.policy-actors} (-D overrides it as well): per-node
 * spawns one batching prosumer actor per prosumer serving all worlds; the mean batch size is printed.
 */
public final class ActorRuntimeRun {

    sealed interface Msg {}

    record WorldEvent(WorldActor.Event event) implements Msg {}

    record Applied(ProsumerActor.WeightsApplied applied) implements Msg {}

    record PolicyStats(ProsumerActor.Stats stats) implements Msg {}

    enum Tick implements Msg { BROADCAST, WARMED_UP, DEADLINE }

    /**
     * One measured run. {@code deadLetters}: dead letters and dropped messages seen on the event stream
     * from start to termination, by message class; {@code terminated}: the actor system terminated within
     * 60 s of the end.
     */
    public record Result(long steps, double seconds, double cpuSeconds, int agents, List<Double> broadcastMillis, long broadcasts,
                         String failure, Map<String, Long> deadLetters, boolean terminated, PolicyPlacement placement,
                         long decisions, long forwardPasses, int largestBatch) {
        Result(long steps, double seconds, double cpuSeconds, int agents, List<Double> broadcastMillis, long broadcasts,
               String failure) {
            this(steps, seconds, cpuSeconds, agents, broadcastMillis, broadcasts, failure, Map.of(), false,
                    PolicyPlacement.PER_WORLD, 0, 0, 0);
        }

        Result withEnd(Map<String, Long> dead, boolean done) {
            return new Result(steps, seconds, cpuSeconds, agents, broadcastMillis, broadcasts, failure, dead, done, placement,
                    decisions, forwardPasses, largestBatch);
        }

        Result withBatches(PolicyPlacement p, long d, long f, int largest) {
            return new Result(steps, seconds, cpuSeconds, agents, broadcastMillis, broadcasts, failure, deadLetters,
                    terminated, p, d, f, largest);
        }

        /** Broadcast latencies in ms, sorted. */
        public double[] sortedLatencies() {
            return broadcastMillis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        }
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        int worlds = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int hidden = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int broadcastMs = args.length > 3 ? Integer.parseInt(args[3]) : 50;
        String which = args.length > 4 ? args[4] : "default";
        PolicyPlacement placement = args.length > 5 ? PolicyPlacement.parse(args[5]) : RuntimeSettings.load().policyActors();
        Scenario scenario = which.equals("synthetic") ? Scenarios.synthetic(141, 20, 1) : Scenarios.defaults(1);
        Result r = run(scenario, Trainer.actionBounds(scenario), worlds, hidden, seconds, broadcastMs, placement);
        if (r.failure() != null) {
            System.out.println("FAILED: " + r.failure());
            System.exit(1);
        }
        print(r, which, hidden, worlds, seconds, broadcastMs);
    }

    /** Weight versions 0 and 1 for every agent of {@code bounds} (the broadcaster alternates them). */
    public static List<List<ActorSnapshot.Weights>> weightVersions(List<ActionBounds> bounds, int hidden) {
        List<List<ActorSnapshot.Weights>> versions = new ArrayList<>();
        for (int v = 0; v < 2; v++) {
            List<ActorSnapshot.Weights> set = new ArrayList<>();
            for (int i = 0; i < bounds.size(); i++) {
                set.add(randomWeights(i, hidden, bounds.get(i), 1000L * v + i));
            }
            versions.add(set);
        }
        return versions;
    }

    /**
     * Runs the measurement (warm-up max(3, seconds/4) s, then {@code seconds} s) and terminates the actor
     * system. The replay's two shards hold min(20 000, 1 000 000 / prosumers) transitions each (so a
     * 1 000-prosumer feeder does not ask for gigabytes of replay).
     */
    public static Result run(Scenario scenario, int worlds, int hidden, int seconds, int broadcastMs) throws Exception {
        return run(scenario, Trainer.actionBounds(scenario), worlds, hidden, seconds, broadcastMs);
    }

    /** With the configured {@code policy-actors} placement. */
    public static Result run(Scenario scenario, List<ActionBounds> bounds, int worlds, int hidden, int seconds, int broadcastMs)
            throws Exception {
        return run(scenario, bounds, worlds, hidden, seconds, broadcastMs, RuntimeSettings.load().policyActors());
    }

    /** {@link #run(Scenario, int, int, int, int)} with the agents' bounds given (Trainer.actionBounds takes minutes at 1 000 prosumers). */
    public static Result run(Scenario scenario, List<ActionBounds> bounds, int worlds, int hidden, int seconds, int broadcastMs,
                             PolicyPlacement placement) throws Exception {
        RuntimeSettings rs = RuntimeSettings.load().withWorlds(worlds);
        int warmup = Math.max(3, seconds / 4);
        int agents = bounds.size();
        int capacity = Math.max(256, Math.min(20_000, 1_000_000 / agents));
        List<List<ActorSnapshot.Weights>> versions = weightVersions(bounds, hidden);
        CompletableFuture<Result> result = new CompletableFuture<>();
        Behavior<Msg> guardian = Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            ActorRef<ReplayActor.Command> replay = ctx.spawn(ReplayActor.create(new DualReplay(ReplayShape.forEnv(agents),
                    ReplayConfig.defaults().withCapacities(capacity, capacity)), 0), "replay",
                    DispatcherSelector.fromConfig(RuntimeSettings.PATH + ".replay-dispatcher"));
            ActorRef<WorldActor.Event> events = ctx.messageAdapter(WorldActor.Event.class, WorldEvent::new);
            ActorRef<ProsumerActor.WeightsApplied> acks = ctx.messageAdapter(ProsumerActor.WeightsApplied.class, Applied::new);
            ActorRef<ProsumerActor.Stats> statsTo = ctx.messageAdapter(ProsumerActor.Stats.class, PolicyStats::new);
            List<ActorRef<ProsumerActor.Command>> all = new ArrayList<>();
            List<ActorRef<WorldActor.Command>> ws = new ArrayList<>();
            List<ActorRef<ProsumerActor.Command>> shared = new ArrayList<>();
            if (placement == PolicyPlacement.PER_NODE) {
                for (int i = 0; i < agents; i++) {
                    shared.add(ctx.spawn(ProsumerActor.createBatching(i, 0, versions.get(0).get(i)), "p" + i,
                            RuntimeSettings.rolloutDispatcher()));
                }
                all.addAll(shared);
            }
            for (int k = 0; k < worlds; k++) {
                List<ActorRef<ProsumerActor.Command>> ps = new ArrayList<>();
                if (placement == PolicyPlacement.PER_NODE) {
                    ps.addAll(shared);
                } else {
                    for (int i = 0; i < agents; i++) {
                        ps.add(ctx.spawn(ProsumerActor.create(i, 0, versions.get(0).get(i)), "w" + k + "-p" + i,
                                RuntimeSettings.rolloutDispatcher()));
                    }
                    all.addAll(ps);
                }
                // no labelling: the expert pool is not part of this measurement
                ws.add(ctx.spawn(WorldActor.create(new WorldActor.Setup(k, scenario, List.copyOf(ps), replay, null,
                        events, 1, 0, rs.maxUnackedTransitions(), rs.askTimeout())), "world-" + k,
                        RuntimeSettings.rolloutDispatcher()));
            }
            List<Integer> days = DataSplit.days(DataSplit.Split.TRAINING);
            timers.startTimerWithFixedDelay(Tick.BROADCAST, Duration.ofMillis(broadcastMs));
            timers.startSingleTimer(Tick.WARMED_UP, Duration.ofSeconds(warmup));
            timers.startSingleTimer(Tick.DEADLINE, Duration.ofSeconds(warmup + seconds));
            long[] episodeCounter = {0};
            for (ActorRef<WorldActor.Command> w : ws) {
                w.tell(new WorldActor.RunEpisode(episodeCounter[0], days.get((int) (episodeCounter[0]++ % days.size()))));
            }
            // state of the run, owned by this guardian
            var st = new Object() {
                boolean measuring;
                boolean over;
                long measureStart;
                long cpuStart;
                long cpuAtLastDone;
                long lastDone;
                long steps;
                int running = worlds;
                final long[] startedAt = new long[worlds];
                long version;
                long sentAt;
                int acked;
                boolean inFlight;
                long broadcasts;
                final List<Double> latencies = new ArrayList<>();
                Result done;
                int statsIn;
                long decisions;
                long passes;
                int largest;
            };
            Arrays.fill(st.startedAt, System.nanoTime());
            return Behaviors.receive(Msg.class)
                    .onMessage(WorldEvent.class, m -> {
                        if (m.event() instanceof WorldActor.Failed f) {
                            result.complete(new Result(0, 0, 0, agents, st.latencies, st.broadcasts, f.reason()));
                            timers.cancelAll();
                            return Behaviors.stopped();
                        }
                        WorldActor.EpisodeDone d = (WorldActor.EpisodeDone) m.event();
                        long now = System.nanoTime();
                        if (st.measuring && st.startedAt[d.world()] >= st.measureStart) {
                            st.steps += d.steps();
                            st.lastDone = now;
                            st.cpuAtLastDone = processCpuNanos();
                        }
                        if (st.over) {
                            if (--st.running == 0) {
                                double s = (st.lastDone - st.measureStart) / 1e9;
                                double cpu = (st.cpuAtLastDone - st.cpuStart) / 1e9;
                                st.done = new Result(st.steps, s, cpu, agents, st.latencies, st.broadcasts, null);
                                timers.cancelAll();
                                for (ActorRef<ProsumerActor.Command> p : all) {
                                    p.tell(new ProsumerActor.GetStats(statsTo));
                                }
                            }
                            return Behaviors.same();
                        }
                        st.startedAt[d.world()] = now;
                        ws.get(d.world()).tell(new WorldActor.RunEpisode(episodeCounter[0],
                                days.get((int) (episodeCounter[0]++ % days.size()))));
                        return Behaviors.same();
                    })
                    .onMessage(PolicyStats.class, m -> {
                        // whole-run counts (warm-up included): the batch sizes, not a rate
                        st.decisions += m.stats().decisions();
                        st.passes += m.stats().batches();
                        st.largest = Math.max(st.largest, m.stats().largestBatch());
                        if (++st.statsIn == all.size()) {
                            result.complete(st.done.withBatches(placement, st.decisions, st.passes, st.largest));
                            return Behaviors.stopped();
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Applied.class, m -> {
                        if (m.applied().version() == st.version && m.applied().swapped()) {
                            if (++st.acked == all.size()) {
                                if (st.measuring) {
                                    st.latencies.add((System.nanoTime() - st.sentAt) / 1e6);
                                }
                                st.inFlight = false;
                            }
                        }
                        return Behaviors.same();
                    })
                    .onMessageEquals(Tick.BROADCAST, () -> {
                        if (!st.inFlight && !st.over) {
                            st.version++;
                            st.acked = 0;
                            st.inFlight = true;
                            st.broadcasts++;
                            List<ActorSnapshot.Weights> set = versions.get((int) (st.version % 2));
                            st.sentAt = System.nanoTime();
                            for (int k = 0; k < all.size(); k++) {
                                all.get(k).tell(new ProsumerActor.PolicyWeights(st.version, set.get(k % agents), acks));
                            }
                        }
                        return Behaviors.same();
                    })
                    .onMessageEquals(Tick.WARMED_UP, () -> {
                        st.measuring = true;
                        st.measureStart = System.nanoTime();
                        st.cpuStart = processCpuNanos();
                        st.broadcasts = 0;
                        return Behaviors.same();
                    })
                    .onMessageEquals(Tick.DEADLINE, () -> {
                        st.over = true;
                        return Behaviors.same();
                    })
                    .build();
        }));
        ActorSystem<Msg> system = ActorSystem.create(guardian, "actor-runtime-run", ActorTraining.systemConfig());
        Map<String, Long> dead = new ConcurrentHashMap<>();
        countDeadLetters(system, dead);
        Result r;
        try {
            r = result.get(warmup + seconds + 300L, TimeUnit.SECONDS);
        } finally {
            system.terminate();
        }
        boolean terminated;
        try {
            system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
            terminated = true;
        } catch (java.util.concurrent.TimeoutException e) {
            terminated = false;
        }
        return r.withEnd(new TreeMap<>(dead), terminated);
    }

    /** Counts {@link DeadLetter}s and {@link Dropped} messages of {@code system} by message class into {@code into}. */
    public static void countDeadLetters(ActorSystem<?> system, Map<String, Long> into) {
        Behavior<Object> counter = Behaviors.setup(ctx -> {
            system.eventStream().tell(new EventStream.Subscribe<>(DeadLetter.class, ctx.getSelf().narrow()));
            system.eventStream().tell(new EventStream.Subscribe<>(Dropped.class, ctx.getSelf().narrow()));
            return Behaviors.receiveMessage(m -> {
                Object msg = m instanceof DeadLetter d ? d.message() : m instanceof Dropped d ? d.message() : m;
                into.merge((m instanceof Dropped ? "dropped " : "") + msg.getClass().getSimpleName(), 1L, Long::sum);
                return Behaviors.same();
            });
        });
        system.systemActorOf(counter, "dead-letter-counter", org.apache.pekko.actor.typed.Props.empty());
    }

    /** Prints a {@link #run} result as ActorRuntimeRun always has. */
    public static void print(Result r, String which, int hidden, int worlds, int seconds, int broadcastMs) {
        RuntimeSettings rs = RuntimeSettings.load().withWorlds(worlds);
        int warmup = Math.max(3, seconds / 4);
        int agents = r.agents();
        double[] lat = r.sortedLatencies();
        long floats = floatsPerAgent(hidden) * agents;
        System.out.printf(Locale.ROOT, "scenario %s (%d prosumers), hidden %d, %d worlds, %d s measured after %d s warm-up, "
                        + "max-unacked %d%n", which, agents, hidden, worlds, seconds, warmup, rs.maxUnackedTransitions());
        System.out.printf(Locale.ROOT, "rollout: %d env steps in %.2f s = %.0f steps/s = %.0f agent-steps/s%n", r.steps(),
                r.seconds(), r.steps() / r.seconds(), r.steps() * agents / r.seconds());
        System.out.printf(Locale.ROOT, "CPU: %.1f s of process CPU time in the window (%.2f cores busy) = %.0f agent-steps per "
                        + "CPU-second (all threads: worlds, prosumers, replay, broadcaster, GC, JIT)%n", r.cpuSeconds(),
                r.cpuSeconds() / r.seconds(), r.steps() * agents / r.cpuSeconds());
        System.out.printf(Locale.ROOT, "weights: ~%d floats per version (%.1f MB), broadcast every %d ms to %d prosumer actors; "
                        + "%d measured broadcasts: latency to the last ack p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                floats, floats * 4 / 1e6, broadcastMs, r.placement() == PolicyPlacement.PER_NODE ? agents : agents * worlds,
                lat.length, pct(lat, 0.5), pct(lat, 0.9), pct(lat, 0.99), lat.length == 0 ? Double.NaN : lat[lat.length - 1]);
        System.out.printf(Locale.ROOT, "policies %s: %d decisions in %d forward passes (mean batch %.2f, largest %d; whole run)%n",
                r.placement().configName(), r.decisions(), r.forwardPasses(),
                r.forwardPasses() == 0 ? Double.NaN : (double) r.decisions() / r.forwardPasses(), r.largestBatch());
        System.out.println("end: dead letters/dropped " + r.deadLetters() + ", actor system terminated: " + r.terminated());
    }

    /** Floats of one agent's weights at {@code hidden} (trunk + both heads; k ≤ action dims, so approximate for the heads). */
    static long floatsPerAgent(int hidden) {
        int obs = ObservationLayout.SIZE;
        return (long) hidden * obs + hidden + (long) hidden * hidden + hidden;
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static double pct(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }
    /** Random weights of the given width for agent {@code agent} (also used by ActorSnapshotBenchmark). */
    public static ActorSnapshot.Weights randomWeights(int agent, int hidden, ActionBounds bounds, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int obs = ObservationLayout.SIZE;
        int k = bounds.size();
        return new ActorSnapshot.Weights(agent, obs, rnd(r, hidden * obs, obs), rnd(r, hidden, obs),
                rnd(r, hidden * hidden, hidden), rnd(r, hidden, hidden), rnd(r, k * hidden, hidden), rnd(r, k, hidden),
                rnd(r, k * hidden, hidden), rnd(r, k, hidden), -20f, 2f, bounds.lo(), bounds.hi());
    }

    /** Uniform ±1/√fanIn, as the networks are initialised. */
    private static float[] rnd(SplittableRandom r, int n, int fanIn) {
        float[] a = new float[n];
        double s = 1 / Math.sqrt(fanIn);
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((r.nextDouble() * 2 - 1) * s);
        }
        return a;
    }
}
