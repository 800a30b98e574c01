package org.p2pgrid.learner.algo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.learner.nn.ActionBounds;
import org.p2pgrid.learner.nn.ActorSample;
import org.p2pgrid.learner.nn.Adam;
import org.p2pgrid.learner.nn.CriticKind;
import org.p2pgrid.learner.nn.CriticSet;
import org.p2pgrid.learner.nn.Djl;
import org.p2pgrid.learner.nn.GaussianActor;
import org.p2pgrid.learner.nn.GaussianActors;
import org.p2pgrid.learner.nn.NetworkConfig;
import org.p2pgrid.learner.nn.ObservationScale;
import org.p2pgrid.learner.nn.TensorIO;
import org.p2pgrid.learner.replay.ReplayBatch;
import org.p2pgrid.learner.replay.ReplayShape;

/**
 * OP / OP-MH, paper §III-B (eqs 27–40, Table II): the expert-constrained multi-agent actor-critic
 * update, in one file. {@link Config#criticKind()} MLP is OP, ATTENTION is OP-MH (eqs 31–34).
 *
 * <p>One {@link #update(ReplayBatch)} is, in order:
 * <ol>
 *   <li>critics — eq 36: ½(Q_θ,z(s,a) − y)² for z = 1, 2 with y = r + γ·(1 − done)·V_ψ̄(s'),
 *       importance-weighted (prioritised replay);</li>
 *   <li>V and actors, one backward pass, Q frozen — eq 35: (V_ψ(s) − min_z Q_θ,z(s, ã))² with
 *       ã ~ π freshly sampled (min Q is a constant for V); eq 39: (1/N) Σ_i E[−min_z Q_i,z(s, ã)]
 *       + Σ_i E[α·log π_i(ã_i|o_i) + λ_i(Ŵ2_i − ε)], the Ŵ2 expectation over LABELLED rows only;</li>
 *   <li>dual ascent on eq 40: λ_i ← max(0, λ_i + lr_λ·(mean Ŵ2_i − ε));</li>
 *   <li>Polyak target V, eq 37.</li>
 * </ol>
 *
 * <p><b>Ŵ2 (eq 30) space.</b> The actor is a Gaussian N(μ, diag σ²) over the PRE-tanh variable u;
 * the expert gives a point action a_E (a Dirac, σ_E = 0). a_E is mapped into the same u-space:
 * y_E = clip(2(a_E − lo)/(hi − lo) − 1, ±{@link Config#labelClip()}), u_E = atanh(y_E); then
 * Ŵ2 = sqrt(Σ_k (μ_k − u_E,k)² + σ_k²) (eq 30 summed over the agent's own action dims, the closed
 * form for a diagonal Gaussian against a Dirac). {@link Config#w2WithoutSigma()} drops σ² (Fig. 8).
 *
 * <p><b>Entropy.</b> Eq 39 as printed has no entropy / log-prob term; {@link Config#entropyCoef()}
 * (α, default 0) adds the SAC-style α·log π for experiments. <b>Q term.</b> Eq 39 gives actor i the
 * term −min Q_i(s, a) of its own critic head. The joint critic's heads all see every action, so the
 * loss is the MEAN over agents of the batch mean of min-Q: actor i then receives (1/N) Σ_j ∂Q_j/∂a_i,
 * which with the shared reward (every Q_j estimates the same return) is ∂Q_i/∂a_i as in eq 39. A sum
 * over agents would hand each actor N times that gradient and drown its imitation term λ_i(Ŵ2_i − ε)
 * (measured: Ŵ2 stalled at 3.6–4.1 over 3 500 updates with the sum; benchmarks/RESULTS.md).
 *
 * <p><b>Row chunks.</b> Passes (1) and (2) each run over the batch in row chunks ({@link Chunking}),
 * one forward + backward per chunk, the parameters' gradients accumulating until the pass's optimiser
 * steps: the same update as on the whole batch up to float summation order, with the memory of one
 * chunk. OP-MH needs it from N ≈ 100 on (its eq-32 score maps are 2h·N² floats per row); by default
 * the chunk size is derived from a memory budget and is the whole batch at the default 20 agents.
 *
 * <p>Everything an update allocates lives in a sub-manager closed at its end, and everything a chunk
 * allocates in a sub-manager of that closed after the chunk's backward (else every chunk's score
 * maps would stay alive to the end of the update); constants are long-lived NDArrays
 * (DEPENDENCY-NOTES, DJL scalar-operand bug); one GradientCollector at a time; every Adam step
 * zeroes its gradients, and Q's gradients are zeroed after the actor pass.
 */
public final class OpLearner {
    /** Per-agent action length of the replay and the critics (eq 22). */
    private static final int ACTION_DIMS = ProsumerAction.DIMS;

    /**
     * @param criticKind        MLP (OP) or ATTENTION (OP-MH)
     * @param learningRate      Adam learning rate of actors, Q and V (Table II: 1e-4)
     * @param gamma             discount γ (Table II: 0.99)
     * @param batchSize         mini-batch size the caller samples (Table II: 128); {@code update} accepts any size
     * @param initialLambda     λ_i at start (Table II: 0.02)
     * @param epsilonStart      policy deviation ε early in training (Table II: 0.1)
     * @param epsilonEnd        ε later in training (§III-B-4: "a larger policy deviation" later)
     * @param epsilonRampStart  update index at which ε starts to rise linearly
     * @param epsilonRampUpdates number of updates over which ε goes from start to end (0: jump)
     * @param lambdaLearningRate lr_λ of the dual step (eq 40; not in Table II)
     * @param tau               Polyak τ of eq 37
     * @param entropyCoef       α of an optional α·log π term (0 = eq 39 as printed)
     * @param actorQWeight      weight of the −min Q term in eq 39 (1 = paper; 0 = imitation only, for tests)
     * @param w2WithoutSigma    Fig. 8 ablation: Ŵ2 = ‖μ − u_E‖ without σ
     * @param labelClip         |y_E| clip before atanh (keeps u_E finite)
     * @param seed              seed of the actors' sampling noise
     * @param chunking          how an update splits its batch into row chunks (memory only: same gradients)
     */
    public record Config(
            CriticKind criticKind, double learningRate, double gamma, int batchSize, double initialLambda,
            double epsilonStart, double epsilonEnd, long epsilonRampStart, long epsilonRampUpdates,
            double lambdaLearningRate, double tau, double entropyCoef, double actorQWeight,
            boolean w2WithoutSigma, double labelClip, long seed, Chunking chunking) {

        public Config {
            if (chunking == null) {
                throw new IllegalArgumentException("invalid OpLearner config: chunking is null");
            }
            if (!(learningRate > 0) || !(gamma >= 0 && gamma <= 1) || batchSize < 1 || !(initialLambda >= 0)
                    || !(epsilonStart >= 0) || !(epsilonEnd >= 0) || epsilonRampStart < 0 || epsilonRampUpdates < 0
                    || !(lambdaLearningRate >= 0) || !(tau > 0 && tau <= 1) || !(entropyCoef >= 0)
                    || !(actorQWeight >= 0) || !(labelClip > 0 && labelClip < 1)) {
                throw new IllegalArgumentException("invalid OpLearner config " + this);
            }
        }

        /** Table II: lr 1e-4, γ 0.99, batch 128, λ₀ 0.02, ε 0.1 (constant until a schedule is set); ours: lr_λ 1e-2, τ 0.005. */
        public static Config defaults(CriticKind kind) {
            return new Config(kind, 1e-4, 0.99, 128, 0.02, 0.1, 0.1, 0, 0, 1e-2, 0.005, 0.0, 1.0, false, 0.999, 1,
                    Chunking.auto());
        }

        /** ε(update): {@code epsilonStart} until {@code epsilonRampStart}, then linear to {@code epsilonEnd}. */
        public double epsilon(long update) {
            if (update < epsilonRampStart) {
                return epsilonStart;
            }
            if (epsilonRampUpdates == 0) {
                return epsilonEnd;
            }
            double f = Math.min(1.0, (double) (update - epsilonRampStart) / epsilonRampUpdates);
            return epsilonStart + f * (epsilonEnd - epsilonStart);
        }

        public Config withLearningRate(double lr) {
            return new Config(criticKind, lr, gamma, batchSize, initialLambda, epsilonStart, epsilonEnd,
                    epsilonRampStart, epsilonRampUpdates, lambdaLearningRate, tau, entropyCoef, actorQWeight,
                    w2WithoutSigma, labelClip, seed, chunking);
        }

        public Config withLambda(double initial, double lr) {
            return new Config(criticKind, learningRate, gamma, batchSize, initial, epsilonStart, epsilonEnd,
                    epsilonRampStart, epsilonRampUpdates, lr, tau, entropyCoef, actorQWeight, w2WithoutSigma,
                    labelClip, seed, chunking);
        }

        public Config withEpsilonSchedule(double start, double end, long rampStart, long rampUpdates) {
            return new Config(criticKind, learningRate, gamma, batchSize, initialLambda, start, end, rampStart,
                    rampUpdates, lambdaLearningRate, tau, entropyCoef, actorQWeight, w2WithoutSigma, labelClip, seed,
                    chunking);
        }

        public Config withGamma(double g) {
            return new Config(criticKind, learningRate, g, batchSize, initialLambda, epsilonStart, epsilonEnd,
                    epsilonRampStart, epsilonRampUpdates, lambdaLearningRate, tau, entropyCoef, actorQWeight,
                    w2WithoutSigma, labelClip, seed, chunking);
        }

        public Config withActorQWeight(double w) {
            return new Config(criticKind, learningRate, gamma, batchSize, initialLambda, epsilonStart, epsilonEnd,
                    epsilonRampStart, epsilonRampUpdates, lambdaLearningRate, tau, entropyCoef, w, w2WithoutSigma,
                    labelClip, seed, chunking);
        }

        public Config withEntropyCoef(double alpha) {
            return new Config(criticKind, learningRate, gamma, batchSize, initialLambda, epsilonStart, epsilonEnd,
                    epsilonRampStart, epsilonRampUpdates, lambdaLearningRate, tau, alpha, actorQWeight,
                    w2WithoutSigma, labelClip, seed, chunking);
        }

        public Config withW2WithoutSigma(boolean without) {
            return new Config(criticKind, learningRate, gamma, batchSize, initialLambda, epsilonStart, epsilonEnd,
                    epsilonRampStart, epsilonRampUpdates, lambdaLearningRate, tau, entropyCoef, actorQWeight, without,
                    labelClip, seed, chunking);
        }

        public Config withChunking(Chunking c) {
            return new Config(criticKind, learningRate, gamma, batchSize, initialLambda, epsilonStart, epsilonEnd,
                    epsilonRampStart, epsilonRampUpdates, lambdaLearningRate, tau, entropyCoef, actorQWeight,
                    w2WithoutSigma, labelClip, seed, c);
        }

        public Config withTau(double t) {
            return new Config(criticKind, learningRate, gamma, batchSize, initialLambda, epsilonStart, epsilonEnd,
                    epsilonRampStart, epsilonRampUpdates, lambdaLearningRate, t, entropyCoef, actorQWeight,
                    w2WithoutSigma, labelClip, seed, chunking);
        }
    }

    /**
     * How one update splits its batch into row chunks, each run forward and backward on its own with
     * the gradients accumulating in the parameters (PyTorch never zeroes them between backward calls),
     * so the optimiser steps on the full batch's gradient, up to float summation order. Exists for the
     * attention critic, whose eq-32 score maps cost 2h·N² floats per row and per intermediate: at
     * N = 300, batch 128 the unchunked update did not fit in a 16 GB address space (benchmarks/RESULTS.md "Stress").
     *
     * @param rows              rows per chunk; 0 = auto: the most rows whose estimated working set
     *                          ({@link org.p2pgrid.learner.nn.Critic#bytesPerRow()} of Q₁ + Q₂ + V) fits
     *                          {@code memoryBudgetBytes}, at least 1 — one chunk at the default scenario's size
     * @param memoryBudgetBytes the auto budget; ignored when {@code rows} > 0
     */
    public record Chunking(int rows, long memoryBudgetBytes) {
        /**
         * 1 GiB: batch 128 stays one chunk at the default 20 agents (≈ 1.5 MB per row estimated), and a
         * learner at N = 1000 peaks at ≈ 3.6 GB RSS, which leaves room for other JVMs on a 24 GB box.
         */
        public static final long DEFAULT_BUDGET_BYTES = 1L << 30;

        public Chunking {
            if (rows < 0 || memoryBudgetBytes < 1) {
                throw new IllegalArgumentException("chunking needs rows >= 0 (0 = auto) and a positive memory budget, got "
                        + rows + " rows, " + memoryBudgetBytes + " bytes");
            }
        }

        public static Chunking auto() {
            return new Chunking(0, DEFAULT_BUDGET_BYTES);
        }

        public static Chunking auto(long memoryBudgetBytes) {
            return new Chunking(0, memoryBudgetBytes);
        }

        public static Chunking fixedRows(int rows) {
            if (rows < 1) {
                throw new IllegalArgumentException("fixed chunk rows must be >= 1, got " + rows);
            }
            return new Chunking(rows, DEFAULT_BUDGET_BYTES);
        }

        /** Rows per chunk for a batch of {@code batch} rows when one row costs {@code bytesPerRow}. */
        public int rowsFor(int batch, long bytesPerRow) {
            long r = rows > 0 ? rows : memoryBudgetBytes / Math.max(1, bytesPerRow);
            return (int) Math.max(1, Math.min(batch, r));
        }
    }

    /**
     * What one update measured (losses are the values BEFORE the optimiser steps).
     *
     * @param q1Loss, q2Loss     eq 36 per Q network (importance-weighted)
     * @param vLoss              eq 35
     * @param actorQTerm         (1/N) Σ_i E[−min_z Q_i,z(s, ã)] (eq 39, before {@code actorQWeight}; see class doc)
     * @param actorEntropyTerm   Σ_i E[α·log π_i] (0 with α = 0)
     * @param actorImitationTerm Σ_i λ_i(mean Ŵ2_i − ε) (eq 39)
     * @param actorLoss          the total minimised for the actors
     * @param lambdas            λ_i after the eq-40 step
     * @param w2PerAgent         mean Ŵ2_i over labelled rows (eq 30), NaN-free: 0 when no row is labelled
     * @param meanSigma          mean σ over agents, rows and action dims
     * @param meanQ              mean min_z Q(s, ã) over rows and agents
     * @param epsilon            ε used in this update
     * @param labelledRows       rows that entered the imitation term
     * @param tdErrors           per row: mean over agents of ½(|Q₁ − y| + |Q₂ − y|) — for {@code updatePriorities}
     */
    public record UpdateStats(double q1Loss, double q2Loss, double vLoss, double actorQTerm, double actorEntropyTerm,
                              double actorImitationTerm, double actorLoss, double[] lambdas, double[] w2PerAgent,
                              double meanSigma, double meanQ, double epsilon, int labelledRows, double[] tdErrors) {
        public double meanLambda() {
            return Arrays.stream(lambdas).average().orElse(0);
        }

        public double meanW2() {
            return Arrays.stream(w2PerAgent).average().orElse(0);
        }

        public double criticLoss() {
            return q1Loss + q2Loss;
        }
    }

    private final NDManager model;
    private final Config config;
    private final List<ActionBounds> bounds;
    private final int agents;
    private final int obsDim;
    private final GaussianActors actors;
    private final CriticSet critics;
    private final List<GaussianActor.Squash> squash = new ArrayList<>();
    private final Adam q1Adam;
    private final Adam q2Adam;
    private final Adam vAdam;
    private final List<Adam> actorAdams = new ArrayList<>();
    private final double[] lambda;
    private long updates;
    private final long bytesPerRow;
    private int strayArrays;
    /** Test switch for {@link #strayArraysLastUpdate()} (walking the manager tree per chunk is not free). */
    boolean countStrays;
    /** Test probe: sees the accumulated gradients before the optimiser steps ("critics", then "actors"). */
    java.util.function.Consumer<String> beforeStep = pass -> { };
    // long-lived constants (never multiply a differentiated tensor by a Java number)
    private final NDArray half;
    private final NDArray alpha;
    private final NDArray qWeight;
    private final NDArray sqrtFloor;

    /**
     * @param model  long-lived manager owning networks, optimiser state and constants
     * @param bounds one {@link ActionBounds} per agent (its own eq-22 dims and static limits)
     * @param obsDim per-agent observation length (eq 23)
     */
    public OpLearner(NDManager model, List<ActionBounds> bounds, int obsDim, NetworkConfig network, Config config) {
        this(model, bounds, null, obsDim, network, config);
    }

    /**
     * @param obsScales one fixed input normalisation per agent for every network ({@link ObservationScale};
     *                  the training loop passes the scenario's), or null to feed the raw eq-23 features
     */
    public OpLearner(NDManager model, List<ActionBounds> bounds, List<ObservationScale> obsScales, int obsDim,
                     NetworkConfig network, Config config) {
        this.model = model;
        this.config = config;
        this.bounds = List.copyOf(bounds);
        this.agents = bounds.size();
        this.obsDim = obsDim;
        NetworkConfig net = network.withTau(config.tau());
        List<int[]> dims = new ArrayList<>();
        for (ActionBounds b : bounds) {
            dims.add(b.dims());
        }
        this.actors = new GaussianActors(model, obsDim, dims, net, obsScales);
        this.critics = new CriticSet(model, config.criticKind(), agents, obsDim, ACTION_DIMS, net, obsScales);
        for (ActionBounds b : bounds) {
            squash.add(GaussianActor.squash(model, b.loArray(model), b.hiArray(model)));
        }
        this.q1Adam = new Adam(critics.q1().params(), config.learningRate());
        this.q2Adam = new Adam(critics.q2().params(), config.learningRate());
        this.vAdam = new Adam(critics.v().params(), config.learningRate());
        for (GaussianActor a : actors.actors()) {
            actorAdams.add(new Adam(a.params(), config.learningRate()));
        }
        this.lambda = new double[agents];
        Arrays.fill(lambda, config.initialLambda());
        this.half = constant(0.5);
        this.alpha = constant(config.entropyCoef());
        this.qWeight = constant(config.actorQWeight());
        this.sqrtFloor = constant(1e-10);
        this.bytesPerRow = critics.q1().bytesPerRow() + critics.q2().bytesPerRow() + critics.v().bytesPerRow();
    }

    private NDArray constant(double v) {
        NDArray c = model.full(new Shape(), (float) v);
        NDScope.unregister(c);
        return c;
    }

    /** One OP / OP-MH update on {@code batch} (see class doc). */
    public UpdateStats update(ReplayBatch batch) {
        ReplayShape shape = batch.shape();
        if (shape.agents() != agents || shape.obsDim() != obsDim || shape.actionDim() != ACTION_DIMS) {
            throw new IllegalArgumentException("batch shape " + shape + " does not match " + agents + " agents x "
                    + obsDim + " obs x " + ACTION_DIMS + " actions");
        }
        int b = batch.size();
        int rows = chunkRows(b);
        double epsilon = config.epsilon(updates);
        // a fresh stream per update index: a resumed run draws exactly the noise the original would have
        SplittableRandom rng = new SplittableRandom(mix(config.seed(), updates));
        strayArrays = 0;
        try (NDManager s = model.newSubManager()) {
            HostBatch host = host(batch);
            // Every chunk's loss is its rows' share of the batch loss (chunk mean × rows/B), so the
            // gradients that accumulate over the chunks are the batch gradient; with one chunk the
            // factor is exactly 1 and the update is the unchunked one bit for bit.

            // ---- (1) critics, eq 36: L_Q(θ_z) = E_w[½(Q_θ,z(s, a) − y)²], y = r + γ·V_ψ̄(s') ----
            double q1LossValue = 0;
            double q2LossValue = 0;
            double[] tdErrors = new double[b];
            int held = countStrays ? s.getManagedArrays().size() : 0;
            try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                for (int from = 0; from < b; from += rows) {
                    int to = Math.min(b, from + rows);
                    try (NDManager c = s.newSubManager()) {
                        CriticInputs in = criticInputs(host, c, from, to);
                        NDArray share = c.create((float) (to - from) / b);
                        NDArray q1 = critics.q1().forward(in.obs, in.act);
                        NDArray q2 = critics.q2().forward(in.obs, in.act);
                        NDArray lossQ1 = weightedMean(q1.sub(in.y).square().mul(half), in.weights).mul(share); // eq 36, z = 1
                        NDArray lossQ2 = weightedMean(q2.sub(in.y).square().mul(half), in.weights).mul(share); // eq 36, z = 2
                        gc.backward(lossQ1.add(lossQ2));
                        q1LossValue += lossQ1.getFloat();
                        q2LossValue += lossQ2.getFloat();
                        double[] td = Djl.noGrad(() -> toDoubles(q1.stopGradient().sub(in.y).abs()
                                .add(q2.stopGradient().sub(in.y).abs()).mul(half).mean(new int[] {1})));
                        System.arraycopy(td, 0, tdErrors, from, to - from);
                    }
                    if (countStrays) {
                        strayArrays = Math.max(strayArrays, s.getManagedArrays().size() - held);
                    }
                }
            }
            beforeStep.accept("critics");
            q1Adam.step();
            q2Adam.step();

            // ---- (2) V (eq 35) and actors (eq 39), Q frozen ----
            // λ_i, constants of this update; no labelled row → no imitation term at all (not even −λε)
            NDArray lambdaArr = host.labelledRows > 0 ? s.create(toFloats(lambda)) : s.zeros(new Shape(agents));
            NDArray epsArr = s.create((float) epsilon);
            NDArray invLabelled = s.create(host.labelledRows == 0 ? 0f : 1f / host.labelledRows);
            List<float[]> noise = actors.noiseHost(rng, b);
            double vLossValue = 0;
            double qTermValue = 0;
            double entropyTermValue = 0;
            double imitationTermValue = 0;
            double actorLossValue = 0;
            double meanSigma = 0;
            double meanQ = 0;
            double[] w2PerAgent = new double[agents];
            held = countStrays ? s.getManagedArrays().size() : 0;
            critics.q1().params().setTrainable(false);
            critics.q2().params().setTrainable(false);
            try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                for (int from = 0; from < b; from += rows) {
                    int to = Math.min(b, from + rows);
                    try (NDManager c = s.newSubManager()) {
                        ActorInputs in = actorInputs(host, c, from, to);
                        NDArray share = c.create((float) (to - from) / b);
                        GaussianActors.JointSample js = actors.sample(in.obs, squash, noiseRows(c, noise, from, to));
                        NDArray minQ = critics.minQ(in.obs, js.squashed());       // min_z Q_θ,z(s, ã) [rows, N]
                        NDArray lossV = critics.vLoss(in.obs, minQ, in.weights).mul(share); // eq 35

                        NDArray qTerm = minQ.mean().mul(share).neg();             // (1/N) Σ_i E[−min_z Q_i,z] (eq 39)
                        NDArray entropyTerm = js.logProb().mean(new int[] {0}).sum().mul(share)
                                .mul(alpha);                                      // Σ_i E[α log π_i] (0 in eq 39)
                        NDList w2 = new NDList(agents);
                        NDList sigma = new NDList(agents);
                        for (int i = 0; i < agents; i++) {
                            ActorSample a = js.perAgent().get(i);
                            NDArray w2Rows = w2(a.mean(), a.std(), in.expertPreTanh.get(i), sqrtFloor,
                                    config.w2WithoutSigma());                      // Ŵ2 per row (eq 30)
                            w2.add(w2Rows.mul(in.labelled).sum().mul(invLabelled)); // E over labelled rows
                            sigma.add(a.std().mean());
                        }
                        NDArray w2Mean = NDArrays.stack(w2);                      // this chunk's share of E Ŵ2_i [N]
                        NDArray imitationTerm = w2Mean.sub(share.mul(epsArr)).mul(lambdaArr).sum(); // Σ_i λ_i(Ŵ2_i − ε) (eq 39)
                        NDArray actorLoss = qTerm.mul(qWeight).add(entropyTerm).add(imitationTerm); // L_π (eq 39)
                        gc.backward(lossV.add(actorLoss));

                        double shareValue = (double) (to - from) / b;
                        vLossValue += lossV.getFloat();
                        qTermValue += qTerm.getFloat();
                        entropyTermValue += entropyTerm.getFloat();
                        imitationTermValue += imitationTerm.getFloat();
                        actorLossValue += actorLoss.getFloat();
                        double[] w2Chunk = toDoubles(w2Mean.stopGradient());
                        for (int i = 0; i < agents; i++) {
                            w2PerAgent[i] += w2Chunk[i];
                        }
                        meanSigma += NDArrays.stack(sigma).stopGradient().mean().getFloat() * shareValue;
                        meanQ += minQ.stopGradient().mean().getFloat() * shareValue;
                    }
                    if (countStrays) {
                        strayArrays = Math.max(strayArrays, s.getManagedArrays().size() - held);
                    }
                }
            } finally {
                critics.q1().params().setTrainable(true);
                critics.q2().params().setTrainable(true);
            }
            beforeStep.accept("actors");
            vAdam.step();
            actorAdams.forEach(Adam::step);
            critics.q1().params().zeroGradients();
            critics.q2().params().zeroGradients();

            // ---- (3) eq 40: λ_i ← max(0, λ_i + lr_λ·(E Ŵ2_i − ε)) (gradient ascent on the dual) ----
            if (host.labelledRows > 0) {
                dualStep(lambda, w2PerAgent, epsilon, config.lambdaLearningRate());
            }

            // ---- (4) eq 37: ψ̄ ← τψ + (1 − τ)ψ̄ ----
            critics.updateTarget();
            updates++;
            return new UpdateStats(q1LossValue, q2LossValue, vLossValue, qTermValue, entropyTermValue,
                    imitationTermValue, actorLossValue, lambda.clone(), w2PerAgent, meanSigma, meanQ, epsilon,
                    host.labelledRows, tdErrors);
        }
    }

    /**
     * Rows per chunk for a batch of {@code batch} rows ({@link Chunking}): with auto chunking, one row
     * costs the working set of Q₁ + Q₂ + V, the three critics alive at once in the actor pass.
     */
    public int chunkRows(int batch) {
        return config.chunking().rowsFor(batch, bytesPerRow);
    }

    /** Estimated native bytes per batch row of an update's larger pass (for {@link Chunking}). */
    public long bytesPerRow() {
        return bytesPerRow;
    }

    /**
     * Arrays a chunk of the last update left in the update's manager after the chunk's own manager
     * closed (max over chunks): 0 unless a temporary lands in the wrong manager — which would hold
     * it, and the score maps it references, until the update ends. Counted only in tests (package-private
     * {@code countStrays}); 0 otherwise.
     */
    public int strayArraysLastUpdate() {
        return strayArrays;
    }

    /**
     * Eq 30 for a diagonal Gaussian N(μ, σ²) over k dims against a Dirac at u_E, per row [B]:
     * sqrt(Σ_k (μ_k − u_E,k)² + σ_k²) — or sqrt(Σ_k (μ_k − u_E,k)²) with {@code withoutSigma} (Fig. 8).
     * {@code floor} (a tiny constant) keeps the gradient of sqrt finite at 0.
     */
    public static NDArray w2(NDArray mean, NDArray std, NDArray expertPreTanh, NDArray floor, boolean withoutSigma) {
        NDArray squared = mean.sub(expertPreTanh).square();                  // (μ − a_E)²          (eq 29/30)
        if (!withoutSigma) {
            squared = squared.add(std.square());                             // + σ²                (eq 29/30)
        }
        return squared.sum(new int[] {-1}).add(floor).sqrt();
    }

    /** Eq 40 in place: λ_i ← max(0, λ_i + lr·(w2_i − ε)). */
    public static void dualStep(double[] lambda, double[] w2, double epsilon, double lr) {
        for (int i = 0; i < lambda.length; i++) {
            lambda[i] = Math.max(0.0, lambda[i] + lr * (w2[i] - epsilon));
        }
    }

    /** Expert action (physical, own dims) → the actor's pre-tanh space: atanh(clip(normalise(a_E), ±clip)). */
    public static float[] expertPreTanh(ActionBounds bounds, float[] physicalOwnDims, double clip) {
        float[] y = bounds.normalise(physicalOwnDims);
        float[] u = new float[y.length];
        for (int j = 0; j < y.length; j++) {
            double c = Math.max(-clip, Math.min(clip, y[j]));
            u[j] = (float) (0.5 * Math.log((1 + c) / (1 - c)));
        }
        return u;
    }

    // ---------------------------------------------------------------------------------------------

    private record CriticInputs(NDArray obs, NDArray act, NDArray weights, NDArray y) {
    }

    private record ActorInputs(NDArray obs, NDArray weights, NDArray labelled, List<NDArray> expertPreTanh) {
    }

    /**
     * The batch on the host, in the tensors' layout (row-major, batch first), so any row range becomes
     * tensors of the chunk's own manager — a slice of a whole-batch tensor would land in, and be held
     * by, the whole batch's manager.
     */
    private record HostBatch(float[] obs, float[] nextObs, float[] act, float[] reward, float[] notDone,
                             float[] weights, float[] lab, int labelledRows, List<float[]> expert) {
    }

    private CriticInputs criticInputs(HostBatch h, NDManager m, int from, int to) {
        NDArray y;
        // the target V's forward intermediates (score maps for OP-MH) are freed before Q's forward
        try (NDManager t = m.newSubManager()) {
            y = critics.target(rows(t, h.reward, from, to, 1), rows(t, h.notDone, from, to, 1),
                    rows(t, h.nextObs, from, to, agents, obsDim), config.gamma());
            y.attach(m);
        }
        return new CriticInputs(rows(m, h.obs, from, to, agents, obsDim), rows(m, h.act, from, to, agents, ACTION_DIMS),
                rows(m, h.weights, from, to), y);
    }

    private ActorInputs actorInputs(HostBatch h, NDManager m, int from, int to) {
        List<NDArray> e = new ArrayList<>(agents);
        for (int i = 0; i < agents; i++) {
            e.add(rows(m, h.expert.get(i), from, to, bounds.get(i).size()));
        }
        return new ActorInputs(rows(m, h.obs, from, to, agents, obsDim), rows(m, h.weights, from, to),
                rows(m, h.lab, from, to), e);
    }

    /** Rows [from, to) of a row-major host array whose rows have shape {@code rowShape}, as a tensor of {@code m}. */
    private static NDArray rows(NDManager m, float[] data, int from, int to, long... rowShape) {
        int perRow = 1;
        for (long d : rowShape) {
            perRow *= (int) d;
        }
        long[] shape = new long[rowShape.length + 1];
        shape[0] = to - from;
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        float[] slice = from == 0 && to * perRow == data.length ? data
                : Arrays.copyOfRange(data, from * perRow, to * perRow);
        return m.create(slice, new Shape(shape));
    }

    private List<NDArray> noiseRows(NDManager m, List<float[]> noise, int from, int to) {
        List<NDArray> out = new ArrayList<>(agents);
        for (int i = 0; i < agents; i++) {
            out.add(rows(m, noise.get(i), from, to, actors.actor(i).actionCount()));
        }
        return out;
    }

    /** The batch on the host: replay actions and labels are physical; the critics take normalised y, the imitation term u_E. */
    private HostBatch host(ReplayBatch batch) {
        int b = batch.size();
        int ad = ACTION_DIMS;
        float[] physical = batch.actionsFlat();
        float[] labels = batch.expertLabelsFlat();
        boolean[] labelledMask = batch.labelledMask();
        float[] act = new float[b * agents * ad];
        List<float[]> expert = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            expert.add(new float[b * bounds.get(i).size()]);
        }
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < agents; i++) {
                ActionBounds bd = bounds.get(i);
                int[] dims = bd.dims();
                int base = (r * agents + i) * ad;
                float[] own = new float[dims.length];
                for (int j = 0; j < dims.length; j++) {
                    own[j] = physical[base + dims[j]];
                }
                float[] y = bd.normalise(own);
                for (int j = 0; j < dims.length; j++) {
                    act[base + dims[j]] = y[j];
                }
                if (labelledMask[r]) {
                    float[] ownLabel = new float[dims.length];
                    for (int j = 0; j < dims.length; j++) {
                        ownLabel[j] = labels[base + dims[j]];
                    }
                    System.arraycopy(expertPreTanh(bd, ownLabel, config.labelClip()), 0, expert.get(i),
                            r * dims.length, dims.length);
                }
            }
        }
        double[] rewards = batch.rewards();
        boolean[] dones = batch.dones();
        double[] w = batch.weights();
        float[] reward = new float[b];
        float[] notDone = new float[b];
        float[] weights = new float[b];
        float[] lab = new float[b];
        int labelledRows = 0;
        for (int r = 0; r < b; r++) {
            reward[r] = (float) rewards[r];
            notDone[r] = dones[r] ? 0f : 1f;
            weights[r] = (float) w[r];
            lab[r] = labelledMask[r] ? 1f : 0f;
            labelledRows += labelledMask[r] ? 1 : 0;
        }
        return new HostBatch(batch.observationsFlat(), batch.nextObservationsFlat(), act, reward, notDone, weights, lab,
                labelledRows, expert);
    }

    /** Per-sample [B, N] → mean over agents, times IS weight w [B], mean over the batch. */
    private static NDArray weightedMean(NDArray perSample, NDArray weights) {
        return perSample.mean(new int[] {1}).mul(weights).mean();
    }

    private static double[] toDoubles(NDArray a) {
        float[] f = a.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** SplitMix64 finaliser of (seed, index): independent, reproducible streams without stored RNG state. */
    public static long mix(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    // ---- checkpoint ----

    private static final int STATE_MAGIC = 0x4F504C31; // "OPL1"

    /**
     * Everything an update depends on: the update counter (it also seeds the update's noise), λ,
     * all networks (actors, Q1, Q2, V, target V) and every Adam moment. Writing then reading it into
     * a learner built with the same configuration continues bit-for-bit.
     */
    public void writeState(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(STATE_MAGIC);
        out.writeUTF(config.criticKind().name());
        out.writeInt(agents);
        out.writeLong(updates);
        for (double l : lambda) {
            out.writeDouble(l);
        }
        for (GaussianActor a : actors.actors()) {
            TensorIO.writeParams(out, a.params());
        }
        TensorIO.writeParams(out, critics.q1().params());
        TensorIO.writeParams(out, critics.q2().params());
        TensorIO.writeParams(out, critics.v().params());
        TensorIO.writeParams(out, critics.vTarget().params());
        TensorIO.writeAdam(out, "q1", q1Adam);
        TensorIO.writeAdam(out, "q2", q2Adam);
        TensorIO.writeAdam(out, "v", vAdam);
        for (int i = 0; i < agents; i++) {
            TensorIO.writeAdam(out, "actor" + i, actorAdams.get(i));
        }
    }

    /** Restores {@link #writeState}; fails naming the mismatch if the checkpoint is of another setup. */
    public void readState(java.io.DataInputStream in) throws java.io.IOException {
        if (in.readInt() != STATE_MAGIC) {
            throw new java.io.IOException("not an OpLearner state (bad magic)");
        }
        String kind = in.readUTF();
        if (!kind.equals(config.criticKind().name())) {
            throw new java.io.IOException("checkpoint critic is " + kind + ", this learner's is " + config.criticKind());
        }
        int n = in.readInt();
        if (n != agents) {
            throw new java.io.IOException("checkpoint has " + n + " agents, this learner " + agents);
        }
        long u = in.readLong();
        double[] l = new double[agents];
        for (int i = 0; i < agents; i++) {
            l[i] = in.readDouble();
        }
        for (GaussianActor a : actors.actors()) {
            TensorIO.readParams(in, a.params());
        }
        TensorIO.readParams(in, critics.q1().params());
        TensorIO.readParams(in, critics.q2().params());
        TensorIO.readParams(in, critics.v().params());
        TensorIO.readParams(in, critics.vTarget().params());
        TensorIO.readAdam(in, "q1", q1Adam);
        TensorIO.readAdam(in, "q2", q2Adam);
        TensorIO.readAdam(in, "v", vAdam);
        for (int i = 0; i < agents; i++) {
            TensorIO.readAdam(in, "actor" + i, actorAdams.get(i));
        }
        updates = u;
        System.arraycopy(l, 0, lambda, 0, agents);
    }

    // ---- accessors ----

    public Config config() {
        return config;
    }

    public GaussianActors actors() {
        return actors;
    }

    public CriticSet critics() {
        return critics;
    }

    /** The prepared squash of agent i's static bounds (for greedy actions). */
    public GaussianActor.Squash squash(int agent) {
        return squash.get(agent);
    }

    public ActionBounds bounds(int agent) {
        return bounds.get(agent);
    }

    /** λ_i (a copy). */
    public double[] lambdas() {
        return lambda.clone();
    }

    public long updates() {
        return updates;
    }

}
