package org.p2pgrid.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.p2pgrid.learner.algo.OpLearner;
import org.p2pgrid.learner.nn.ActionBounds;
import org.p2pgrid.learner.nn.ActorSnapshot;
import org.p2pgrid.learner.nn.CriticKind;
import org.p2pgrid.learner.nn.Djl;
import org.p2pgrid.learner.nn.GaussianActor;
import org.p2pgrid.learner.nn.NetworkConfig;
import org.p2pgrid.learner.replay.DualReplay;
import org.p2pgrid.learner.replay.ReplayBatch;

/**
 * Issue 4 "learner" Speed targets, one PyTorch thread (the PyTorch peer is benchmarks/pytorch/op_update.py):
 * <ul>
 *   <li>{@code update}: ONE full {@link OpLearner#update} — Q1/Q2 (eq 36), V + 20 actors through
 *       frozen min Q (eqs 35, 39, Ŵ2 of eq 30), the λ dual step (eq 40), Polyak (eq 37) — for OP
 *       (MLP critic) and OP-MH (attention critic); batch 128, the default scenario's 20 agents,
 *       {@link NetworkConfig#defaults()} (hidden 256; d_model 128, 4 heads). Batches are drawn in the
 *       set-up from a pre-filled {@link DualReplay} ({@link LearnerFixture}: 20 000 transitions, 30 %
 *       labelled, 10 % violations; k = 0.8 split, IS weights) and cycled, so the timing is the update
 *       alone. Goal: ≤ 1.2× the PyTorch peer. Mode: sample time (median, min, max per update).
 *   <li>{@code actorDecisionPlainJava} / {@code actorDecisionDjl}: one agent's greedy action at batch 1
 *       from an {@link ActorSnapshot} (float[] weights) and through DJL (NDArray in a per-call
 *       sub-manager, prepared bounds, result copied to Java). Goal ≤ 50 µs.
 * </ul>
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true",
        "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1", "-Xmx2g"})
@Threads(1)
public class LearnerUpdateBenchmark {
    static final int BATCH = 128;
    static final int BATCHES = 32;

    @State(Scope.Thread)
    public static class Learner {
        @Param({"MLP", "ATTENTION"})
        public String critic;

        NDManager manager;
        OpLearner learner;
        ReplayBatch[] batches;
        int next;
        OpLearner.UpdateStats last;

        @Setup(Level.Trial)
        public void setUp() {
            Djl.configure();
            manager = Djl.newManager();
            List<ActionBounds> bounds = LearnerFixture.defaultBounds();
            learner = new OpLearner(manager, bounds, LearnerFixture.OBS, NetworkConfig.defaults(),
                    OpLearner.Config.defaults(CriticKind.valueOf(critic)));
            DualReplay replay = LearnerFixture.filledReplay(bounds, 20_000, 0.3, 11);
            SplittableRandom rng = new SplittableRandom(12);
            batches = new ReplayBatch[BATCHES];
            for (int i = 0; i < BATCHES; i++) {
                batches[i] = replay.sample(BATCH, rng);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (last != null) {
                System.out.printf("%n[%s] after %d updates: critic loss %.4f, V loss %.4f, actor loss %.4f, mean W2 %.3f, "
                                + "mean sigma %.3f, labelled rows %d%n", critic, learner.updates(), last.criticLoss(),
                        last.vLoss(), last.actorLoss(), last.meanW2(), last.meanSigma(), last.labelledRows());
            }
            manager.close();
        }
    }

    @State(Scope.Thread)
    public static class Decision {
        NDManager manager;
        GaussianActor actor;
        GaussianActor.Squash squash;
        ActorSnapshot snapshot;
        float[] obs;

        @Setup(Level.Trial)
        public void setUp() {
            Djl.configure();
            manager = Djl.newManager();
            List<ActionBounds> bounds = LearnerFixture.defaultBounds();
            // agent 0 of a full learner's actors (its greedy path is what an actor process runs)
            OpLearner l = new OpLearner(manager, bounds, LearnerFixture.OBS, NetworkConfig.defaults(),
                    OpLearner.Config.defaults(CriticKind.MLP));
            actor = l.actors().actor(0);
            squash = l.squash(0);
            snapshot = new ActorSnapshot(actor, bounds.get(0));
            SplittableRandom rng = new SplittableRandom(3);
            obs = new float[LearnerFixture.OBS];
            for (int i = 0; i < obs.length; i++) {
                obs[i] = (float) (rng.nextDouble() * 2 - 1);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            manager.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public double update(Learner st) {
        ReplayBatch b = st.batches[st.next];
        st.next = (st.next + 1) % BATCHES;
        st.last = st.learner.update(b);
        return st.last.criticLoss();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public float[] actorDecisionPlainJava(Decision st) {
        return st.snapshot.act(st.obs);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public float[] actorDecisionDjl(Decision st) {
        try (NDManager s = st.manager.newSubManager()) {
            NDArray o = s.create(st.obs, new Shape(1, LearnerFixture.OBS));
            return st.actor.greedyAction(o, st.squash).toFloatArray();
        }
    }
}
