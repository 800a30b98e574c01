package org.p2pgrid.benchmarks;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.p2pgrid.benchmarks.scenario.ActorRuntimeRun;
import org.p2pgrid.env.pomdp.ObservationLayout;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.learner.nn.ActionBounds;
import org.p2pgrid.learner.nn.ActorSnapshot;
import org.p2pgrid.learner.train.Trainer;

/**
 * The batch-1 plain-Java decision ({@link ActorSnapshot}) against its session-2 layout
 * ({@link FlatActorSnapshot}) in the same run, at the given hidden width, on the default scenario's
 * action bounds with random weights (uniform ±1/√fan-in):
 * <ul>
 *   <li>{@code agents = 1}: one snapshot, decided over and over (weights stay in L1/L2 — what
 *       {@code NetworkBenchmark.actorDecisionPlainJava} measures);
 *   <li>{@code agents = 20}: 20 snapshots with distinct weights, taken in turn — one environment step's
 *       decisions in one world, so at hidden 256 the 5.2 MB of weights come from L3, as in the rollout.
 * </ul>
 * {@code act}: greedy; {@code sample}: the exploring decision (μ and log σ heads, noise given).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true", "-Xmx1g"})
@Threads(1)
@State(Scope.Thread)
public class ActorSnapshotBenchmark {
    @Param({"32", "256"})
    public int hidden;

    @Param({"1", "20"})
    public int agents;

    ActorSnapshot[] current;
    FlatActorSnapshot[] flat;
    float[][] obs;
    float[][] eps;
    int next;

    @Setup(Level.Trial)
    public void setUp() {
        List<ActionBounds> bounds = Trainer.actionBounds(Scenarios.defaults(1));
        current = new ActorSnapshot[agents];
        flat = new FlatActorSnapshot[agents];
        obs = new float[agents][];
        eps = new float[agents][];
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < agents; i++) {
            ActorSnapshot.Weights w = ActorRuntimeRun.randomWeights(i, hidden, bounds.get(i), 100 + i);
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
    }

    private int turn() {
        int i = next;
        next = i + 1 == agents ? 0 : i + 1;
        return i;
    }

    @Benchmark
    public float[] act() {
        int i = turn();
        return current[i].act(obs[i]);
    }

    @Benchmark
    public float[] actFlat() {
        int i = turn();
        return flat[i].act(obs[i]);
    }

    @Benchmark
    public float[] sample() {
        int i = turn();
        return current[i].sample(obs[i], eps[i]);
    }

    @Benchmark
    public float[] sampleFlat() {
        int i = turn();
        return flat[i].sample(obs[i], eps[i]);
    }
}
