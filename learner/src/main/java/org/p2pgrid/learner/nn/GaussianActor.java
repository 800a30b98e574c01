package org.p2pgrid.learner.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Activation;
import java.util.SplittableRandom;

/**
 * The actor π_φᵢ of one agent (paper §III-B, eq 27: aᵢ ~ N(μ_φᵢ, σ²_φᵢ)): an MLP
 * o (eq 23, 10 features) → hidden → hidden (ReLU) → two heads, μ and log σ, over the agent's OWN
 * action dims only (k = |{@link org.p2pgrid.env.device.ProsumerSpec#activeActionDims()}|, 3 to 5).
 *
 * <p>Sampling: u = μ + σ·ε with ε ~ N(0, I) given by the caller (reparameterisation, so ∂a/∂φ
 * exists); y = tanh(u); a = lo + (y + 1)(hi − lo)/2 with per-dim bounds [lo, hi] given per call
 * (normally the static device limits, {@link ActionBounds}). The environment's
 * {@code ActionProjection} then applies the state-dependent limits (ramp, SOC, availability, the
 * inverter disc) and reports the distance it moved the action.
 *
 * <p>log π(a|o) = Σ_d [ −ε_d²/2 − log σ_d − ½log 2π − log(1 − tanh² u_d) − log((hi_d − lo_d)/2) ], with
 * the tanh Jacobian in the stable form log(1 − tanh² u) = 2(log 2 − u − softplus(−2u)).
 *
 * <p>Note on eq 30: μ and σ are those of the PRE-squash Gaussian in u-space; the W₂ term of eq 30 is
 * therefore naturally evaluated in u-space against atanh(y_LLM) of the (normalised, clipped)
 * expert action, or in y-space with tanh(μ). The paper (untransformed Gaussian, no bounds) does not
 * say; the choice belongs to the actor loss (issue 4, "Networks and algorithms").
 *
 * <p>Batching of the 20 actors: each actor is its own small network and every layer is ONE fused
 * {@code torch::linear} call over the whole batch; {@link GaussianActors} runs the 20 in sequence.
 * Chosen over stacked weights + batched matmul because DEPENDENCY-NOTES measured both equally fast
 * at batch 128 / hidden 256 (the update is compute-bound), and separate networks give (a) no padding
 * or masks for the agents' different action counts, (b) batch-1 decisions without weight slicing
 * (the ≤ 50 µs decision-latency goal), (c) per-agent parameter snapshots for the decentralised actor
 * runtime (one {@link Params} per agent, as in the paper's "independently trained networks").
 */
public final class GaussianActor {
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    private final int agent;
    private final int obsDim;
    private final int[] actionDims;
    private final Params params;
    private final Consts c;
    private final Dense l1;
    private final Dense l2;
    private final Dense meanHead;
    private final Dense logStdHead;
    private final NDArray logStdMin;
    private final NDArray logStdMax;
    private final double logStdMinValue;
    private final double logStdMaxValue;
    private final ObservationScale obsScale;
    /** (o − offset) ⊙ scale as constants [obsDim], or null for the identity. */
    private final NDArray obsOffset;
    private final NDArray obsScaleArr;

    /** Without input normalisation (raw eq-23 features); see {@link ObservationScale}. */
    public GaussianActor(NDManager manager, int agent, int obsDim, int[] actionDims, NetworkConfig config) {
        this(manager, agent, obsDim, actionDims, config, ObservationScale.identity(obsDim));
    }

    /**
     * @param manager    long-lived manager owning the parameters
     * @param agent      agent index (seeds its initialisation stream together with {@code config.seed()})
     * @param obsDim     observation width (eq 23: {@code ObservationLayout.SIZE} = 10)
     * @param actionDims this agent's own eq-22 dims, ascending
     * @param obsScale   the fixed input normalisation applied before the first layer
     */
    public GaussianActor(NDManager manager, int agent, int obsDim, int[] actionDims, NetworkConfig config,
                         ObservationScale obsScale) {
        if (actionDims.length == 0) {
            throw new IllegalArgumentException("agent " + agent + " has no action dims");
        }
        if (obsScale.size() != obsDim) {
            throw new IllegalArgumentException("agent " + agent + ": observation scale has " + obsScale.size()
                    + " features, obsDim is " + obsDim);
        }
        this.obsScale = obsScale;
        if (obsScale.isIdentity()) {
            this.obsOffset = null;
            this.obsScaleArr = null;
        } else {
            this.obsOffset = manager.create(obsScale.offset());
            this.obsScaleArr = manager.create(obsScale.scale());
            NDScope.unregister(obsOffset, obsScaleArr);
        }
        this.agent = agent;
        this.obsDim = obsDim;
        this.actionDims = actionDims.clone();
        this.params = new Params(manager);
        this.c = new Consts(manager);
        SplittableRandom rng = new SplittableRandom(config.seed() * 1_000_003L + 17 * agent + 1);
        int h = config.hidden();
        int k = actionDims.length;
        this.l1 = new Dense(params, "actor" + agent + ".l1", rng, obsDim, h);
        this.l2 = new Dense(params, "actor" + agent + ".l2", rng, h, h);
        this.meanHead = new Dense(params, "actor" + agent + ".mu", rng, h, k);
        this.logStdHead = new Dense(params, "actor" + agent + ".logstd", rng, h, k);
        this.logStdMin = c.of(config.logStdMin());
        this.logStdMax = c.of(config.logStdMax());
        this.logStdMinValue = config.logStdMin();
        this.logStdMaxValue = config.logStdMax();
    }

    /** Lower clamp of log σ (the network config's). */
    public double logStdMin() {
        return logStdMinValue;
    }

    /** Upper clamp of log σ. */
    public double logStdMax() {
        return logStdMaxValue;
    }

    public int agent() {
        return agent;
    }

    public int obsDim() {
        return obsDim;
    }

    /** Own eq-22 dims, ascending (a copy). */
    public int[] actionDims() {
        return actionDims.clone();
    }

    public int actionCount() {
        return actionDims.length;
    }

    public Params params() {
        return params;
    }

    /** The fixed input normalisation (identity if none). */
    public ObservationScale observationScale() {
        return obsScale;
    }

    /** Trunk output [B, hidden]; raw observations are normalised first (batch tensor first: see Consts). */
    private NDArray trunk(NDArray obs) {
        NDArray x = obsOffset == null ? obs : obs.sub(obsOffset).mul(obsScaleArr);
        NDArray h = Activation.relu(l1.apply(x));
        return Activation.relu(l2.apply(h));
    }

    /**
     * Stochastic (or, with {@code eps == null}, greedy u = μ) action for observations {@code obs}
     * [B, obsDim]. {@code lo}, {@code hi}: [k] or [B, k]; {@code eps}: [B, k] standard normal.
     */
    public ActorSample sample(NDArray obs, NDArray lo, NDArray hi, NDArray eps) {
        return sample(obs, squash(obs.getManager(), lo, hi), eps);
    }

    /** {@link #sample(NDArray, NDArray, NDArray, NDArray)} with the bounds prepared once ({@link #squash}). */
    public ActorSample sample(NDArray obs, Squash bounds, NDArray eps) {
        NDArray h = trunk(obs);
        NDArray mean = meanHead.apply(h);
        NDArray logStd = logStdHead.apply(h).maximum(logStdMin).minimum(logStdMax); // clamped log σ
        NDArray std = logStd.exp();
        NDArray u = eps == null ? mean : eps.mul(std).add(mean);                     // u = μ + σ·ε (reparameterised)
        NDArray y = u.tanh();                                                       // squash into (−1, 1)
        NDArray action = y.mul(bounds.half()).add(bounds.mid());                    // affine into (lo, hi)

        NDArray gaussLogPdf = (eps == null ? mean.zerosLike() : eps.square().mul(c.of(-0.5)))
                .sub(logStd).sub(c.of(HALF_LOG_2PI));                               // log N(u; μ, σ)
        NDArray softplus = Activation.softPlus(u.mul(c.of(-2)));
        NDArray logOneMinusTanhSq = u.add(softplus).neg().add(c.of(Math.log(2))).mul(c.of(2)); // log(1 − tanh² u)
        NDArray logProb = gaussLogPdf.sub(logOneMinusTanhSq).sub(bounds.logHalf()).sum(new int[] {-1});
        return new ActorSample(mean, logStd, std, u, y, action, logProb);
    }

    /**
     * Greedy decision a = mid + half·tanh(μ) for observations [B, obsDim] (B = 1 at execution): only
     * the trunk and the mean head, run without autograd recording.
     */
    public NDArray greedyAction(NDArray obs, NDArray lo, NDArray hi) {
        return Djl.noGrad(() -> greedyAction(obs, squash(obs.getManager(), lo, hi)));
    }

    /** {@link #greedyAction(NDArray, NDArray, NDArray)} with prepared bounds — the low-latency path. */
    public NDArray greedyAction(NDArray obs, Squash bounds) {
        return Djl.noGrad(() -> meanHead.apply(trunk(obs)).tanh().mul(bounds.half()).add(bounds.mid()));
    }

    /**
     * The affine part of the squash for bounds [lo, hi], computed once without autograd into
     * {@code manager} (a per-step manager, or a long-lived one for static bounds).
     */
    public static Squash squash(NDManager manager, NDArray lo, NDArray hi) {
        return Djl.noGrad(() -> {
            NDArray half = local(manager, hi.sub(lo)).mul(0.5f);
            NDArray mid = local(manager, hi.add(lo)).mul(0.5f);
            return new Squash(mid, half, half.log());
        });
    }

    /**
     * Prepared bounds: a = mid + half·y.
     *
     * @param mid     (hi + lo)/2, [k] or [B, k]
     * @param half    (hi − lo)/2
     * @param logHalf log half, the affine Jacobian term of log π
     */
    public record Squash(NDArray mid, NDArray half, NDArray logHalf) {
    }

    /** Moves a fresh temporary into the per-step manager (bounds may be long-lived arrays). */
    static NDArray local(NDManager step, NDArray fresh) {
        if (fresh.getManager() != step) {
            fresh.attach(step);
        }
        return fresh;
    }
}
