package org.p2pgrid.benchmarks.scenario;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.p2pgrid.benchmarks.FlatActorSnapshot;
import org.p2pgrid.env.pomdp.ObservationLayout;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.learner.nn.ActionBounds;
import org.p2pgrid.learner.nn.ActorSnapshot;
import org.p2pgrid.learner.train.Trainer;

/**
 * The batch-1 plain-Java decision on a shared box: {@link ActorSnapshot} against the session-2 flat
 * layout ({@link FlatActorSnapshot}) as thread CPU time per decision, the variants interleaved round by
 * round in one JVM, so both see the same load. Wall-clock JMH figures ({@code ActorSnapshotBenchmark})
 * swing by 2–3× when other jobs hold the cores; CPU time only counts the time this thread ran (it still
 * pays for caches shared with other jobs). Random weights (uniform ±1/√fan-in) on the default
 * scenario's action bounds; {@code agents} snapshots with distinct weights taken in turn (20 = one
 * world's step, weights from L3 at hidden 256; 1 = weights stay in L1/L2).
 *
 * <pre>benchmarks/scenario.sh SnapshotCpuRun [hidden=256] [agents=20] [rounds=30] [batch=1]</pre>
 *
 * With {@code batch} B &gt; 1 two more variants run: {@code sampleSeqB}, B single {@code sample} calls on
 * the same agent back to back (as B worlds' decisions of one agent in a row), and {@code decideB}, one
 * {@link ActorSnapshot#decide} of B observations (the batched forward); all per decision.
 *
 * Prints, per variant, the median and the minimum over the rounds after the first third (warm-up) of
 * the CPU microseconds per decision, and the median wall-clock microseconds.
 */
public final class SnapshotCpuRun {

    public static void main(String[] args) {
        int hidden = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int agents = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        List<ActionBounds> bounds = Trainer.actionBounds(Scenarios.defaults(1));
        ActorSnapshot[] current = new ActorSnapshot[agents];
        FlatActorSnapshot[] flat = new FlatActorSnapshot[agents];
        float[][] obs = new float[agents][];
        float[][] eps = new float[agents][];
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < agents; i++) {
            ActorSnapshot.Weights w = ActorRuntimeRun.randomWeights(i, hidden, bounds.get(i % bounds.size()), 100 + i);
            current[i] = new ActorSnapshot(w);
            flat[i] = new FlatActorSnapshot(w);
            obs[i] = new float[ObservationLayout.SIZE];
            for (int j = 0; j < obs[i].length; j++) {
                obs[i][j] = (float) (rng.nextDouble() * 2 - 1);
            }
            eps[i] = new float[current[i].actionCount()];
            for (int j = 0; j < eps[i].length; j++) {
                eps[i][j] = (float) (rng.nextDouble() * 2 - 1);
            }
        }
        String[] names = batch > 1 ? new String[] {"act", "actFlat", "sample", "sampleFlat", "sampleSeq" + batch,
                "decide" + batch} : new String[] {"act", "actFlat", "sample", "sampleFlat"};
        int reps = Math.max(2_000, (int) (40_000_000L / ((long) hidden * hidden + 20L * hidden)));
        reps = (reps + batch - 1) / batch * batch;
        float[][][] batchObs = new float[agents][batch][];
        float[][][] batchEps = new float[agents][batch][];
        for (int i = 0; i < agents; i++) {
            for (int b = 0; b < batch; b++) {
                batchObs[i][b] = obs[(i + b) % agents];
                batchEps[i][b] = eps[i];
            }
        }
        double[][] cpu = new double[names.length][rounds];
        double[][] wall = new double[names.length][rounds];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        float sink = 0;
        for (int r = 0; r < rounds; r++) {
            for (int v = 0; v < names.length; v++) {
                long c0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                if (v >= 4) {
                    for (int n = 0; n < reps / batch; n++) {
                        int i = n % agents;
                        if (v == 4) {
                            for (int b = 0; b < batch; b++) {
                                sink += current[i].sample(batchObs[i][b], batchEps[i][b])[0];
                            }
                        } else {
                            sink += current[i].decide(batchObs[i], batchEps[i], batch)[0][0];
                        }
                    }
                }
                for (int n = 0; n < (v >= 4 ? 0 : reps); n++) {
                    int i = n % agents;
                    float[] a = switch (v) {
                        case 0 -> current[i].act(obs[i]);
                        case 1 -> flat[i].act(obs[i]);
                        case 2 -> current[i].sample(obs[i], eps[i]);
                        default -> flat[i].sample(obs[i], eps[i]);
                    };
                    sink += a[0];
                }
                wall[v][r] = (System.nanoTime() - t0) / 1e3 / reps;
                cpu[v][r] = (threads.getCurrentThreadCpuTime() - c0) / 1e3 / reps;
            }
        }
        System.out.printf(Locale.ROOT, "hidden %d, %d agents in turn, %d rounds of %d decisions per variant (first %d = warm-up)%n",
                hidden, agents, rounds, reps, rounds / 3);
        for (int v = 0; v < names.length; v++) {
            double[] c = Arrays.copyOfRange(cpu[v], rounds / 3, rounds);
            double[] w = Arrays.copyOfRange(wall[v], rounds / 3, rounds);
            Arrays.sort(c);
            Arrays.sort(w);
            System.out.printf(Locale.ROOT, "%-10s CPU µs/decision: median %.2f, min %.2f, p90 %.2f | wall median %.2f%n", names[v],
                    c[c.length / 2], c[0], c[(int) (c.length * 0.9)], w[w.length / 2]);
        }
        if (sink == 42) {
            System.out.println();
        }
    }
}
