package org.p2pgrid.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
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
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.pomdp.ObservationLayout;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.learner.nn.ActionBounds;
import org.p2pgrid.learner.nn.ActorSnapshot;
import org.p2pgrid.learner.nn.Critic;
import org.p2pgrid.learner.nn.CriticKind;
import org.p2pgrid.learner.nn.Djl;
import org.p2pgrid.learner.nn.GaussianActor;
import org.p2pgrid.learner.nn.GaussianActors;
import org.p2pgrid.learner.nn.NetworkConfig;

/**
 * The learner's networks (org.p2pgrid.learner.nn) on the default scenario's 20 agents with
 * {@link NetworkConfig#defaults()} (hidden 256; attention d_model 128, 4 heads), one PyTorch thread:
 * <ul>
 *   <li>{@code actorDecision}: one agent's greedy action at batch 1 — input NDArray created from a
 *       float[], 2 hidden layers + mean head + squash into prepared static bounds, result copied
 *       back to Java, in a per-call sub-manager (goal ≤ 50 µs);
 *   <li>{@code actorDecisionPlainJava}: the same decision from an {@link ActorSnapshot} (float[] weights, no DJL);
 *   <li>{@code criticForwardBackward}: one Q network (MLP = OP, ATTENTION = OP-MH) forward +
 *       backward at batch 128, gradients zeroed after;
 *   <li>{@code actorsForwardBackward}: all 20 actors' reparameterised sample + log-prob + backward
 *       at batch 128.
 * </ul>
 * Every invocation's temporaries live in a per-invocation sub-manager, as in training.
 */
@BenchmarkMode(Mode.AverageTime)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true",
        "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1", "-Xmx2g"})
@Threads(1)
public class NetworkBenchmark {
    static final int BATCH = 128;

    /** Actors of the default scenario, and the data. */
    @State(Scope.Thread)
    public static class Actors {
        NDManager manager;
        GaussianActors actors;
        GaussianActor actor;
        GaussianActor.Squash actorBounds;
        ActorSnapshot snapshot;
        List<GaussianActor.Squash> bounds;
        float[] obsOne;
        float[] obsBatch;
        int agents;
        SplittableRandom rng;

        @Setup(Level.Trial)
        public void setUp() {
            Djl.configure();
            manager = Djl.newManager();
            List<ProsumerSpec> specs = Scenarios.defaults(1).prosumers();
            agents = specs.size();
            actors = GaussianActors.forProsumers(manager, ObservationLayout.SIZE, specs, NetworkConfig.defaults());
            actor = actors.actor(0);
            bounds = new ArrayList<>();
            for (ProsumerSpec s : specs) {
                ActionBounds b = ActionBounds.of(s, 100); // static limits, prepared once (as at execution)
                bounds.add(GaussianActor.squash(manager, b.loArray(manager), b.hiArray(manager)));
            }
            actorBounds = bounds.get(0);
            snapshot = new ActorSnapshot(actor, ActionBounds.of(specs.get(0), 100));
            rng = new SplittableRandom(1);
            obsOne = random(rng, ObservationLayout.SIZE);
            obsBatch = random(rng, BATCH * agents * ObservationLayout.SIZE);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            manager.close();
        }
    }

    /** One Q critic of the given kind, and a batch. */
    @State(Scope.Thread)
    public static class Critics {
        @Param({"MLP", "ATTENTION"})
        public String critic;

        NDManager manager;
        Critic q;
        float[] obsBatch;
        float[] actBatch;
        int agents;

        @Setup(Level.Trial)
        public void setUp() {
            Djl.configure();
            manager = Djl.newManager();
            agents = Scenarios.defaults(1).prosumers().size();
            q = CriticKind.valueOf(critic).create(manager, "q", agents, ObservationLayout.SIZE, 5, NetworkConfig.defaults(), 1);
            SplittableRandom rng = new SplittableRandom(2);
            obsBatch = random(rng, BATCH * agents * ObservationLayout.SIZE);
            actBatch = random(rng, BATCH * agents * 5);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            manager.close();
        }
    }

    static float[] random(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return v;
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public float[] actorDecision(Actors st) {
        try (NDManager s = st.manager.newSubManager()) {
            NDArray obs = s.create(st.obsOne, new Shape(1, ObservationLayout.SIZE));
            return st.actor.greedyAction(obs, st.actorBounds).toFloatArray();
        }
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public float[] actorDecisionPlainJava(Actors st) {
        return st.snapshot.act(st.obsOne);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public float criticForwardBackward(Critics st) {
        try (NDManager s = st.manager.newSubManager()) {
            NDArray obs = s.create(st.obsBatch, new Shape(BATCH, st.agents, ObservationLayout.SIZE));
            NDArray act = s.create(st.actBatch, new Shape(BATCH, st.agents, 5));
            float loss;
            try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                NDArray l = st.q.forward(obs, act).square().mean();
                gc.backward(l);
                loss = l.getFloat();
            }
            st.q.params().zeroGradients();
            return loss;
        }
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public float actorsForwardBackward(Actors st) {
        try (NDManager s = st.manager.newSubManager()) {
            NDArray obs = s.create(st.obsBatch, new Shape(BATCH, st.agents, ObservationLayout.SIZE));
            float loss;
            try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                GaussianActors.JointSample js = st.actors.sample(obs, st.bounds, st.actors.noise(s, st.rng, BATCH));
                NDArray l = js.squashed().square().mean().add(js.logProb().mean());
                gc.backward(l);
                loss = l.getFloat();
            }
            for (GaussianActor a : st.actors.actors()) {
                a.params().zeroGradients();
            }
            return loss;
        }
    }
}
