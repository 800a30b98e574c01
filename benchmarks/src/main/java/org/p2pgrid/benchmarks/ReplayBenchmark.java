package org.p2pgrid.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.p2pgrid.learner.replay.DualReplay;
import org.p2pgrid.learner.replay.ReplayBatch;
import org.p2pgrid.learner.replay.ReplayConfig;
import org.p2pgrid.learner.replay.ReplayShape;
import org.p2pgrid.learner.replay.Transition;

/**
 * The dual prioritised replay at the paper's size (Table II: N_B = 1e5, B = 128, k = 0.8) and the
 * default scenario's shape (20 agents × 10 observation features × 5 action dims): adding a
 * transition to a full buffer (overwrites the oldest), sampling a batch of 128 (102 normal + 26
 * violation) gathered into the flat float arrays the networks take, the same plus materialising the
 * rows as Transition objects, and updating 128 priorities. The normal shard is full (1e5), the violation shard
 * holds 20 000.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true", "-Xmx3g"})
@Threads(1)
@State(Scope.Thread)
public class ReplayBenchmark {
    private static final int POOL = 1024;
    private static final int BATCH = 128;

    private DualReplay replay;
    private Transition[] pool;
    private int next;
    private SplittableRandom rng;
    private long[] refs;
    private double[] losses;

    @Setup(Level.Trial)
    public void setUp() {
        ReplayShape shape = ReplayShape.forEnv(20);
        replay = new DualReplay(shape, ReplayConfig.defaults());
        SplittableRandom init = new SplittableRandom(1);
        pool = new Transition[POOL];
        for (int i = 0; i < POOL; i++) {
            pool[i] = transition(shape, init, i, i % 5 == 0);
        }
        // Normal shard: 1e5 (full); violation shard: 2e4.
        for (int i = 0; i < 100_000; i++) {
            replay.add(pool[(i * 5 + 1) % POOL].violation() ? pool[(i * 5 + 2) % POOL] : pool[(i * 5 + 1) % POOL]);
        }
        for (int i = 0; i < 20_000; i++) {
            replay.add(pool[(i * 5) % POOL]);
        }
        rng = new SplittableRandom(2);
        ReplayBatch b = replay.sample(BATCH, rng);
        refs = b.refs();
        losses = new double[BATCH];
        for (int i = 0; i < BATCH; i++) {
            losses[i] = rng.nextDouble(0, 10);
        }
    }

    private static Transition transition(ReplayShape shape, SplittableRandom r, int id, boolean violation) {
        float[][] obs = new float[shape.agents()][shape.obsDim()];
        float[][] next = new float[shape.agents()][shape.obsDim()];
        float[][] act = new float[shape.agents()][shape.actionDim()];
        for (int i = 0; i < shape.agents(); i++) {
            for (int d = 0; d < shape.obsDim(); d++) {
                obs[i][d] = (float) r.nextDouble();
                next[i][d] = (float) r.nextDouble();
            }
            for (int d = 0; d < shape.actionDim(); d++) {
                act[i][d] = (float) r.nextDouble(-100, 100);
            }
        }
        return Transition.of(id, id / 96, id % 96, obs, act, -r.nextDouble(0, 50), next, id % 96 == 95,
                violation, null);
    }

    @Benchmark
    public long addTransition() {
        Transition t = pool[next];
        next = (next + 1) & (POOL - 1);
        return replay.add(t);
    }

    @Benchmark
    public ReplayBatch sampleBatch128() {
        return replay.sample(BATCH, rng);
    }

    /** Sampling plus materialising every row as a {@link Transition} object (what a non-tensor consumer would do). */
    @Benchmark
    public void sampleBatch128AsTransitions(Blackhole bh) {
        bh.consume(replay.sample(BATCH, rng).transitions());
    }

    @Benchmark
    public int updatePriorities128() {
        for (int i = 0; i < BATCH; i++) {
            losses[i] = losses[i] * 0.999 + 0.01;
        }
        return replay.updatePriorities(refs, losses);
    }
}
