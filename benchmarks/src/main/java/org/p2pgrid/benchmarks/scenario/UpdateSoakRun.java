package org.p2pgrid.benchmarks.scenario;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.p2pgrid.benchmarks.LearnerFixture;
import org.p2pgrid.learner.algo.OpLearner;
import org.p2pgrid.learner.nn.ActionBounds;
import org.p2pgrid.learner.nn.CriticKind;
import org.p2pgrid.learner.nn.Djl;
import org.p2pgrid.learner.nn.NetworkConfig;
import org.p2pgrid.learner.replay.DualReplay;
import org.p2pgrid.learner.replay.ReplayBatch;

/**
 * Issue 4 "learner" Memory target: RSS flat over many updates. Runs {@link OpLearner#update} back to
 * back for MINUTES minutes (batch 128, 20 agents, hidden 256, one PyTorch thread) on batches drawn
 * from a pre-filled {@link DualReplay} (priorities updated from the TD errors, as in training) and
 * prints every 30 s: updates done, RSS (VmRSS of /proc/self/status), JVM heap used after a GC, and
 * the live NDArray count of the learner's model manager. At the end: least-squares slope of RSS
 * and heap over the samples after the first minute (warm-up), in MB per 1000 updates. Non-heap is the
 * JVM's committed code cache + metaspace etc. (RSS − heap − non-heap ≈ native: libtorch + allocator).
 *
 * <pre>benchmarks/scenario.sh UpdateSoakRun [minutes=10] [OP|OP-MH=OP-MH] [reportSeconds=30]</pre>
 */
public final class UpdateSoakRun {
    public static void main(String[] args) throws IOException {
        Djl.configure();
        double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        String algo = args.length > 1 ? args[1] : "OP-MH";
        double every = args.length > 2 ? Double.parseDouble(args[2]) : 30;
        CriticKind kind = switch (algo.toUpperCase(Locale.ROOT)) {
            case "OP", "MLP" -> CriticKind.MLP;
            case "OP-MH", "OPMH", "ATTENTION" -> CriticKind.ATTENTION;
            default -> throw new IllegalArgumentException("algo must be OP or OP-MH, got " + algo);
        };
        List<ActionBounds> bounds = LearnerFixture.defaultBounds();
        DualReplay replay = LearnerFixture.filledReplay(bounds, 20_000, 0.3, 11);
        SplittableRandom rng = new SplittableRandom(12);
        List<double[]> samples = new ArrayList<>(); // {seconds, updates, rssMb, heapMb}
        System.out.printf(Locale.ROOT, "UpdateSoakRun %s (%s critic), %.1f min, batch 128, %d agents, hidden %d; "
                        + "start RSS %.1f MB%n", algo, kind, minutes, bounds.size(), NetworkConfig.defaults().hidden(),
                rssMb());
        System.out.println("   t[s]  updates  upd/s    RSS[MB]  heap[MB]  non-heap[MB]  live NDArrays  critic loss");
        try (NDManager model = Djl.newManager()) {
            OpLearner learner = new OpLearner(model, bounds, LearnerFixture.OBS, NetworkConfig.defaults(),
                    OpLearner.Config.defaults(kind));
            long t0 = System.nanoTime();
            long end = t0 + (long) (minutes * 60e9);
            long nextReport = t0 + (long) (every * 1e9);
            long lastUpdates = 0;
            double lastT = 0;
            OpLearner.UpdateStats st = null;
            while (true) {
                ReplayBatch b = replay.sample(128, rng);
                st = learner.update(b);
                replay.updatePriorities(b.refs(), st.tdErrors());
                long now = System.nanoTime();
                if (now >= nextReport || now >= end) {
                    double t = (now - t0) * 1e-9;
                    long u = learner.updates();
                    System.gc();
                    Runtime rt = Runtime.getRuntime();
                    double heap = (rt.totalMemory() - rt.freeMemory()) / 1048576.0;
                    double rss = rssMb();
                    double nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getCommitted() / 1048576.0;
                    samples.add(new double[] {t, u, rss, heap});
                    System.out.printf(Locale.ROOT, "%7.1f %8d %6.2f %10.1f %9.1f %13.1f %14d  %.4f%n", t, u,
                            (u - lastUpdates) / (t - lastT), rss, heap, nonHeap, model.getManagedArrays().size(), st.criticLoss());
                    lastUpdates = u;
                    lastT = t;
                    nextReport += (long) (every * 1e9);
                    if (now >= end) {
                        break;
                    }
                }
            }
            List<double[]> steady = samples.stream().filter(s -> s[0] >= 60).toList();
            if (steady.size() >= 2) {
                System.out.printf(Locale.ROOT, "slope after the first minute (%d samples, updates %d..%d): RSS %+.3f MB "
                                + "per 1000 updates least squares, %+.3f Theil-Sen (robust to single spikes); heap %+.3f "
                                + "MB per 1000 updates; RSS %.1f -> %.1f MB%n",
                        steady.size(), (long) steady.get(0)[1], (long) steady.get(steady.size() - 1)[1],
                        1000 * slope(steady, 2), 1000 * theilSen(steady, 2), 1000 * slope(steady, 3),
                        steady.get(0)[2], steady.get(steady.size() - 1)[2]);
            }
            System.out.printf(Locale.ROOT, "total %d updates in %.1f s (%.2f updates/s)%n", learner.updates(),
                    (System.nanoTime() - t0) * 1e-9, learner.updates() / ((System.nanoTime() - t0) * 1e-9));
        }
    }

    /** Least-squares slope of column {@code y} against updates (column 1). */
    static double slope(List<double[]> s, int y) {
        double mx = 0;
        double my = 0;
        for (double[] r : s) {
            mx += r[1];
            my += r[y];
        }
        mx /= s.size();
        my /= s.size();
        double num = 0;
        double den = 0;
        for (double[] r : s) {
            num += (r[1] - mx) * (r[y] - my);
            den += (r[1] - mx) * (r[1] - mx);
        }
        return den == 0 ? 0 : num / den;
    }

    /** Median of the pairwise slopes of column {@code y} against updates (Theil–Sen). */
    static double theilSen(List<double[]> s, int y) {
        List<Double> slopes = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            for (int j = i + 1; j < s.size(); j++) {
                double dx = s.get(j)[1] - s.get(i)[1];
                if (dx != 0) {
                    slopes.add((s.get(j)[y] - s.get(i)[y]) / dx);
                }
            }
        }
        if (slopes.isEmpty()) {
            return 0;
        }
        slopes.sort(null);
        int m = slopes.size();
        return m % 2 == 1 ? slopes.get(m / 2) : 0.5 * (slopes.get(m / 2 - 1) + slopes.get(m / 2));
    }

    /** VmRSS of this process in MB (Linux), NaN elsewhere. */
    static double rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
