package org.p2pgrid.benchmarks.scenario;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.p2pgrid.actors.runtime.ActorTraining;
import org.p2pgrid.actors.runtime.ProsumerActor;
import org.p2pgrid.benchmarks.LearnerFixture;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.learner.algo.OpLearner;
import org.p2pgrid.learner.nn.ActionBounds;
import org.p2pgrid.learner.nn.ActorSnapshot;
import org.p2pgrid.learner.nn.CriticKind;
import org.p2pgrid.learner.nn.Djl;
import org.p2pgrid.learner.nn.NetworkConfig;
import org.p2pgrid.learner.replay.DualReplay;
import org.p2pgrid.learner.replay.ReplayBatch;
import org.p2pgrid.learner.train.Trainer;

/**
 * Stress test of issue 5 ("Scale and speed"): N prosumers on a seeded synthetic radial feeder of
 * {@code 2N} buses ({@code Scenarios.synthetic(2N, N, 1)}: a prosumer on every other non-slack bus on
 * average; the feeder grows with N so that the prosumers' share of the load stays the default's).
 *
 * <p>Action bounds are static (largest load 100 kW for every prosumer, as LearnerFixture) unless
 * {@code -Dstress.yearBounds=true}: {@code Trainer.actionBounds} generates a year of loads per prosumer,
 * which takes minutes at N = 1000 on a loaded box (the timing is printed).
 *
 * <p><b>Rollout mode</b> ({@code StressRun N [worlds=2] [hidden=64] [seconds=40] [broadcastMs=50]}):
 * <ol>
 *   <li>memory: in a first actor system, heap used after {@code System.gc()} (and VmRSS) before and after
 *       (a) the published weights of all N agents ({@link ActorSnapshot.Weights}), (b) one
 *       {@link ActorSnapshot} per agent (its transposed private layout, shared by every snapshot of the same
 *       weights, see ActorSnapshot), (c) spawning worlds × N {@link ProsumerActor}s with those weights
 *       (each builds its own snapshot object; all have acknowledged a weights message before the heap is
 *       read). (c)/(worlds·N) is the memory of the actor itself (cell, mailbox, behaviour, snapshot scratch);
 *       (a)/N and (b)/N are the policy weights per agent (≈ hidden² + 10·hidden + … floats each).</li>
 *   <li>steps/s and broadcast latency: {@link ActorRuntimeRun#run} on the synthetic scenario (same
 *       rollout, replay with credit flow control and broadcaster as ActorRuntimeRun).</li>
 *   <li>nothing falls over: failure, dead letters / dropped messages by class, and whether the actor
 *       system terminated are printed.</li>
 * </ol>
 *
 * <p><b>Update mode</b> ({@code StressRun update N OP|OP-MH batch [hidden=64] [updates=3]}): one
 * {@link OpLearner} (MLP critic for OP, attention critic for OP-MH) for the N agents of the same
 * scenario (static action bounds with a 100 kW largest load, as LearnerFixture), a {@link LearnerFixture} replay of max(2·batch, 256) random transitions; one warm-up update,
 * then {@code updates} timed updates (wall and process CPU time; median printed; with 0 the warm-up
 * update itself is the result). If an update takes more than 60 s wall ({@code -Dstress.maxUpdateSeconds})
 * it stops there and reports that. Run each configuration in its own JVM (an OOM of the
 * native engine must not take the rest down): {@code benchmarks/stress.sh} does the whole sweep.
 *
 * <pre>
 * benchmarks/scenario.sh StressRun 1000 2 64 40          # rollout mode
 * benchmarks/scenario.sh StressRun update 300 OP-MH 128  # one update configuration
 * JOPTS=-Dstress.chunkRows=8 ...  / -Dstress.memoryBudgetMb=512  # update chunking (default: auto, 1 GiB)
 * </pre>
 */
public final class StressRun {

    private StressRun() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            UNCAUGHT.incrementAndGet();
            System.out.println("UNCAUGHT in " + t.getName() + ": " + e);
        });
        if (args.length > 0 && args[0].equals("update")) {
            update(Integer.parseInt(args[1]), args[2], Integer.parseInt(args[3]),
                    args.length > 4 ? Integer.parseInt(args[4]) : 64, args.length > 5 ? Integer.parseInt(args[5]) : 3);
            return;
        }
        int n = Integer.parseInt(args[0]);
        int worlds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int hidden = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 40;
        int broadcastMs = args.length > 4 ? Integer.parseInt(args[4]) : 50;
        long t0 = System.nanoTime();
        Scenario scenario = scenario(n);
        System.out.printf(Locale.ROOT, "synthetic feeder: %d buses, %d prosumers (built in %.1f s)%n",
                scenario.network().busCount(), n, (System.nanoTime() - t0) / 1e9);
        List<ActionBounds> bounds;
        if (Boolean.getBoolean("stress.yearBounds")) {
            long c0 = ActorRuntimeRun.processCpuNanos();
            t0 = System.nanoTime();
            bounds = Trainer.actionBounds(scenario);
            System.out.printf(Locale.ROOT, "Trainer.actionBounds (a year of loads per prosumer): %.1f s wall, %.1f s CPU%n",
                    (System.nanoTime() - t0) / 1e9, (ActorRuntimeRun.processCpuNanos() - c0) / 1e9);
        } else {
            bounds = staticBounds(scenario);
            System.out.println("static action bounds (largest load 100 kW; -Dstress.yearBounds=true for Trainer.actionBounds)");
        }
        memory(bounds, worlds, hidden);
        ActorRuntimeRun.Result r = ActorRuntimeRun.run(scenario, bounds, worlds, hidden, seconds, broadcastMs);
        if (r.failure() != null) {
            System.out.println("FAILED: " + r.failure());
        } else {
            ActorRuntimeRun.print(r, "synthetic " + 2 * n + "-bus", hidden, worlds, seconds, broadcastMs);
            System.out.printf(Locale.ROOT, "env steps per CPU-second %.1f; RSS at end %.0f MB%n", r.steps() / r.cpuSeconds(),
                    rssKb() / 1024.0);
        }
        System.out.println("uncaught exceptions: " + UNCAUGHT.get());
    }

    /** Action bounds with a largest load of 100 kW for every prosumer (as LearnerFixture). */
    static List<ActionBounds> staticBounds(Scenario scenario) {
        List<ActionBounds> bounds = new ArrayList<>();
        for (var spec : scenario.prosumers()) {
            bounds.add(ActionBounds.of(spec, LearnerFixture.MAX_LOAD_KW));
        }
        return bounds;
    }

    private static final AtomicLong UNCAUGHT = new AtomicLong();

    static Scenario scenario(int n) {
        return Scenarios.synthetic(2 * n, n, 1);
    }

    private static void memory(List<ActionBounds> bounds, int worlds, int hidden) throws Exception {
        int n = bounds.size();
        long h0 = heapAfterGc();
        long r0 = rssKb();
        List<ActorSnapshot.Weights> weights = ActorRuntimeRun.weightVersions(bounds, hidden).get(0);
        long h1 = heapAfterGc();
        long r1 = rssKb();
        List<ActorSnapshot> snapshots = new ArrayList<>();
        for (ActorSnapshot.Weights w : weights) {
            snapshots.add(new ActorSnapshot(w));
        }
        long h2 = heapAfterGc();
        long r2 = rssKb();
        // The actor system first (its own threads, config, guardian), then the prosumer actors on request.
        CompletableFuture<Integer> up = new CompletableFuture<>();
        CompletableFuture<Integer> started = new CompletableFuture<>();
        Behavior<Object> guardian = Behaviors.setup(ctx -> {
            up.complete(0);
            int[] acks = {0};
            return Behaviors.receiveMessage(m -> {
                if (m instanceof String) { // "spawn"
                    ActorRef<ProsumerActor.WeightsApplied> self = ctx.getSelf().narrow();
                    for (int k = 0; k < worlds; k++) {
                        for (int i = 0; i < n; i++) {
                            ActorRef<ProsumerActor.Command> p = ctx.spawn(ProsumerActor.create(i, 0, weights.get(i)),
                                    "w" + k + "-p" + i);
                            // version 0 is not newer: no swap, but the ack proves the actor has started (snapshot built)
                            p.tell(new ProsumerActor.PolicyWeights(0, weights.get(i), self));
                        }
                    }
                } else if (++acks[0] == worlds * n) {
                    started.complete(acks[0]);
                }
                return Behaviors.same();
            });
        });
        ActorSystem<Object> system = ActorSystem.create(guardian, "stress-memory", ActorTraining.systemConfig());
        long hs;
        long rs;
        long h3;
        long r3;
        try {
            up.get(60, TimeUnit.SECONDS);
            Thread.sleep(500);
            hs = heapAfterGc();
            rs = rssKb();
            system.tell("spawn");
            started.get(120, TimeUnit.SECONDS);
            h3 = heapAfterGc();
            r3 = rssKb();
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        java.lang.ref.Reference.reachabilityFence(snapshots);
        long floats = weights.stream().mapToLong(ActorSnapshot.Weights::floatCount).sum();
        int actors = worlds * n;
        System.out.printf(Locale.ROOT, "memory (heap after GC): published weights %d floats = %.2f MB (%.0f B/agent measured, "
                        + "%.0f B/agent as floats); snapshot layouts %.0f B/agent; actor system %.2f MB; %d prosumer actors "
                        + "%.0f B/actor; heap %.1f → %.1f MB%n",
                floats, floats * 4 / 1e6, (h1 - h0) / (double) n, floats * 4.0 / n, (h2 - h1) / (double) n,
                (hs - h2) / 1e6, actors, (h3 - hs) / (double) actors, h0 / 1e6, h3 / 1e6);
        System.out.printf(Locale.ROOT, "memory per prosumer actor incl. its agent's weights and layout (1 world): %.0f B; "
                        + "RSS %.0f (weights) → %.0f (layouts) → %.0f (actor system) → %.0f MB (actors): %.0f B/actor%n",
                (h3 - hs) / (double) actors + (h2 - h0) / (double) n,
                r1 / 1024.0, r2 / 1024.0, rs / 1024.0, r3 / 1024.0, (r3 - rs) * 1024.0 / actors);
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** VmRSS of this process in kB (0 where /proc is missing). */
    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return 0;
    }

    private static void update(int n, String algo, int batch, int hidden, int updates) {
        Djl.configure();
        CriticKind kind = algo.equalsIgnoreCase("OP") ? CriticKind.MLP : CriticKind.ATTENTION;
        long t0 = System.nanoTime();
        // static bounds (largest load 100 kW, as LearnerFixture): only the shapes matter for the timing, and
        // Trainer.actionBounds would generate a year of loads per prosumer (minutes at N = 1000)
        List<ActionBounds> bounds = staticBounds(scenario(n));
        int transitions = Math.max(2 * batch, 256);
        DualReplay replay = LearnerFixture.filledReplay(bounds, transitions, 0.3, 11);
        SplittableRandom rng = new SplittableRandom(12);
        System.out.printf(Locale.ROOT, "update %s N=%d batch %d hidden %d: replay of %d transitions in %.1f s, RSS %.0f MB%n",
                algo, n, batch, hidden, transitions, (System.nanoTime() - t0) / 1e9, rssKb() / 1024.0);
        try (NDManager model = Djl.newManager()) {
            long c0 = ActorRuntimeRun.processCpuNanos();
            t0 = System.nanoTime();
            OpLearner learner = new OpLearner(model, bounds, LearnerFixture.OBS, NetworkConfig.defaults().withHidden(hidden),
                    OpLearner.Config.defaults(kind).withChunking(chunking()));
            System.out.printf(Locale.ROOT, "  learner built in %.1f s wall, %.1f s CPU; RSS %.0f MB; %s: %d rows per chunk "
                            + "(estimate %.1f MB per row)%n",
                    (System.nanoTime() - t0) / 1e9, (ActorRuntimeRun.processCpuNanos() - c0) / 1e9, rssKb() / 1024.0,
                    learner.config().chunking(), learner.chunkRows(batch), learner.bytesPerRow() / 1e6);
            // OP-MH at N = 1000 takes minutes per update on a shared box: -Dstress.maxUpdateSeconds raises the cap
            double maxWall = Double.parseDouble(System.getProperty("stress.maxUpdateSeconds", "60"));
            double[] wall = new double[updates + 1];
            double[] cpu = new double[updates + 1];
            for (int u = 0; u <= updates; u++) {
                ReplayBatch b = replay.sample(batch, rng);
                c0 = ActorRuntimeRun.processCpuNanos();
                t0 = System.nanoTime();
                learner.update(b);
                wall[u] = (System.nanoTime() - t0) / 1e9;
                cpu[u] = (ActorRuntimeRun.processCpuNanos() - c0) / 1e9;
                System.out.printf(Locale.ROOT, "  update %d: %.3f s wall, %.3f s CPU, RSS %.0f MB%n", u, wall[u], cpu[u],
                        rssKb() / 1024.0);
                if (wall[u] > maxWall) {
                    System.out.printf(Locale.ROOT, "RESULT %s N=%d batch %d: TOO SLOW (%.1f s wall, %.1f s CPU for update %d "
                                    + "> %.0f s); peak RSS %.0f MB%n", algo, n, batch, wall[u], cpu[u], u, maxWall,
                            peakRssKb() / 1024.0);
                    return;
                }
            }
            // updates = 0: only the first update, reported as the result
            double[] w = updates == 0 ? wall.clone() : Arrays.copyOfRange(wall, 1, wall.length);
            double[] c = updates == 0 ? cpu.clone() : Arrays.copyOfRange(cpu, 1, cpu.length);
            Arrays.sort(w);
            Arrays.sort(c);
            System.out.printf(Locale.ROOT, "RESULT %s N=%d batch %d hidden %d: median %.3f s wall, %.3f s CPU per update "
                            + "(%d timed, first %.1f s); peak RSS %.0f MB%n", algo, n, batch, hidden, w[w.length / 2],
                    c[c.length / 2], updates, wall[0], peakRssKb() / 1024.0);
        } catch (OutOfMemoryError | RuntimeException e) {
            System.out.printf(Locale.ROOT, "RESULT %s N=%d batch %d: FAILED %s (RSS %.0f MB, peak %.0f MB)%n", algo, n, batch,
                    e, rssKb() / 1024.0, peakRssKb() / 1024.0);
        }
    }

    /** {@code -Dstress.chunkRows=R} (fixed) or {@code -Dstress.memoryBudgetMb=M} (auto); default: the learner's auto default. */
    private static OpLearner.Chunking chunking() {
        int rows = Integer.getInteger("stress.chunkRows", 0);
        if (rows > 0) {
            return OpLearner.Chunking.fixedRows(rows);
        }
        long mb = Long.getLong("stress.memoryBudgetMb", OpLearner.Chunking.DEFAULT_BUDGET_BYTES >> 20);
        return OpLearner.Chunking.auto(mb << 20);
    }

    static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return 0;
    }
}
