package org.p2pgrid.learner.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import java.util.SplittableRandom;

/**
 * OP-MH's critic (paper §III-B-2, Fig. 3/9): per-agent embedding MLP → multi-head DIFFERENTIAL
 * attention (eqs 31–34) → residual concat [X, E] → per-agent MLP → value per agent.
 *
 * <pre>
 *   eᵢ   = W₂ᵉ ReLU(W₁ᵉ [oᵢ, aᵢ] + b₁) + b₂        per-agent embedding MLP, d_model wide (own weights per agent)
 *   E    = [e₁; …; e_N]                          [N, d_model] per sample
 *   [Q₁ʰ, Q₂ʰ] = E W^Q, [K₁ʰ, K₂ʰ] = E W^K, Vʰ = E W^V                          (eq 31)
 *   headʰ = [softmax(Q₁ʰK₁ʰᵀ/√d_k) − ξʰ softmax(Q₂ʰK₂ʰᵀ/√d_k)] Vʰ                (eq 32)
 *   X    = Concat(head¹, …, headʰ) W^O                                           (eq 33)
 *   ξʰ   = exp(ξ_q1ʰ·ξ_k1ʰ) − exp(ξ_q2ʰ·ξ_k2ʰ) + ξ_init                            (eq 34)
 *   valueᵢ = w₂ᵢ ReLU(W₁ᵢ [Xᵢ, Eᵢ] + b₁ᵢ) + b₂ᵢ       residual concat, per-agent MLP head
 * </pre>
 *
 * <p>Readings of the paper where it is ambiguous:
 * <ul>
 *   <li>Eq 31 says Q₁ʰ … Vʰ ∈ ℝ^{d_model}; taken literally each head would be d_model wide. We use
 *       d_k = {@link NetworkConfig#headDim()} per map (default d_model / h) for each of Q₁ʰ, Q₂ʰ, K₁ʰ,
 *       K₂ʰ and Vʰ, so W^Q, W^K ∈ ℝ^{d_model × 2·h·d_k}, W^V ∈ ℝ^{d_model × h·d_k},
 *       W^O ∈ ℝ^{h·d_k × d_model}. Column layout of W^Q / W^K: index ((head·2) + j)·d_k + d for
 *       map j ∈ {0 (→Q₁/K₁), 1 (→Q₂/K₂)}; of W^V: head·d_k + d. No biases: eqs 31 and 33 are pure
 *       products. The √d_k in eq 32 is the width of one query map.
 *   <li>Softmax over keys (the last axis, the N agents), rows = querying agent, as in the
 *       Transformer; agents attend to all agents including themselves (no mask is mentioned).
 *   <li>ξ_init (eq 34) is a constant, not trained; default 0.2 = Diff-Transformer's
 *       0.8 − 0.6·exp(−0.3·(l−1)) at its first (here: only) layer l = 1. The four ξ vectors are
 *       d_k wide per head, initialised N(0, 0.1²) (Diff-Transformer's choice), so ξ starts ≈ ξ_init.
 *   <li>Diff-Transformer also normalises each head (GroupNorm) and scales by (1 − λ_init); the paper
 *       does not mention either, so neither is done here.
 *   <li>"Input embedding module … MLP" — one embedding MLP per agent (weights not shared), which
 *       also identifies agents to the otherwise permutation-equivariant attention; likewise the
 *       output MLP after the residual concat is per agent, giving Q_θᵢ / V_ψᵢ per agent i.
 *   <li>The V network (actionDim 0) uses the same architecture on observations only.
 * </ul>
 * Per-agent layers are stacked weights with one batched matmul each ({@link StackedDense}).
 * Internally everything runs agent-major ([N, B, ·], the layout the per-agent layers need), so the
 * attention's Q/K/V products and batched matmuls work on views instead of contiguous copies; eq 32's
 * difference is a weighted sum over the two softmax maps with coefficients [1, −ξʰ] (no slicing, whose
 * backward would materialise zero-filled tensors of the score size). This cut the floats copied per
 * OP-MH update from 43 M to 18 M with identical outputs and gradients (benchmarks/RESULTS.md).
 *
 * <p>Cost: unlike the MLP critic (B rows), every layer here runs on B·N agent tokens (2 560 at
 * batch 128, 20 agents), so widths matter ~N× more. Hence the MAAC-like sizes: embedding
 * in → d_model → d_model, attention at d_model = 128 with 4 heads of 32, and ONE hidden layer
 * (width {@link NetworkConfig#hidden()}) in the output head. A first version with 256-wide embedding
 * and a two-hidden-layer head (~5.7 M parameters) took ~230 ms per forward+backward at batch 128 on
 * one thread; see benchmarks/RESULTS.md "Networks".
 */
public final class AttentionCritic implements Critic {
    private final int agents;
    private final int obsDim;
    private final int actionDim;
    private final int heads;
    private final int dK;
    private final int dModel;
    private final int hidden;
    private final Params params;
    private final Consts c;
    private final StackedDense embed1;
    private final StackedDense embed2;
    private final NDArray wQ;
    private final NDArray wK;
    private final NDArray wV;
    private final NDArray wO;
    private final NDArray xiQ1;
    private final NDArray xiK1;
    private final NDArray xiQ2;
    private final NDArray xiK2;
    private final NDArray xiInit;
    private final NDArray invSqrtDk;
    private final StackedDense head1;
    private final StackedDense headOut;

    public AttentionCritic(NDManager manager, String name, int agents, int obsDim, int actionDim,
                           NetworkConfig config, long salt) {
        this.agents = agents;
        this.obsDim = obsDim;
        this.actionDim = actionDim;
        this.heads = config.heads();
        this.dK = config.headDim();
        this.dModel = config.embedDim();
        this.params = new Params(manager);
        this.c = new Consts(manager);
        SplittableRandom rng = new SplittableRandom(config.seed() * 1_000_003L + 7919 * salt + 5);
        int in = obsDim + actionDim;
        int h = config.hidden();
        this.hidden = h;
        this.embed1 = new StackedDense(params, name + ".embed1", rng, agents, in, dModel);
        this.embed2 = new StackedDense(params, name + ".embed2", rng, agents, dModel, dModel);
        this.wQ = params.uniform(name + ".WQ", rng, dModel, dModel, 2L * heads * dK);   // eq 31
        this.wK = params.uniform(name + ".WK", rng, dModel, dModel, 2L * heads * dK);   // eq 31
        this.wV = params.uniform(name + ".WV", rng, dModel, dModel, (long) heads * dK); // eq 31
        this.wO = params.uniform(name + ".WO", rng, (long) heads * dK, (long) heads * dK, dModel); // eq 33
        this.xiQ1 = params.normal(name + ".xi_q1", rng, config.xiVectorStd(), heads, dK); // eq 34
        this.xiK1 = params.normal(name + ".xi_k1", rng, config.xiVectorStd(), heads, dK);
        this.xiQ2 = params.normal(name + ".xi_q2", rng, config.xiVectorStd(), heads, dK);
        this.xiK2 = params.normal(name + ".xi_k2", rng, config.xiVectorStd(), heads, dK);
        this.xiInit = c.of(config.xiInit());
        this.invSqrtDk = c.of(1.0 / Math.sqrt(dK));
        this.head1 = new StackedDense(params, name + ".head1", rng, agents, 2 * dModel, h);
        this.headOut = new StackedDense(params, name + ".out", rng, agents, h, 1);
    }

    @Override
    public NDArray forward(NDArray obs, NDArray actions) {
        long b = obs.getShape().get(0);
        NDArray xt = actionDim > 0
                ? obs.transpose(1, 0, 2).concat(actions.transpose(1, 0, 2), 2)     // [N, B, in], contiguous
                : obs.transpose(1, 0, 2);
        NDArray e = embedAgentMajor(xt);                                         // E [N, B, d_model]
        NDArray z = attentionAgentMajor(e).concat(e, 2);                         // residual concat [X, E] [N, B, 2d]
        NDArray h = Activation.relu(head1.apply(z));
        return headOut.apply(h).reshape(agents, b).transpose(1, 0);              // [B, N]
    }

    /** Per-agent embedding MLP: x [B, N, in] → E [B, N, d_model]. */
    public NDArray embed(NDArray x) {
        return embedAgentMajor(x.transpose(1, 0, 2)).transpose(1, 0, 2);
    }

    /** x [N, B, in] → E [N, B, d_model] (contiguous). */
    private NDArray embedAgentMajor(NDArray xt) {
        return embed2.apply(Activation.relu(embed1.apply(xt)));
    }

    /** Eqs 31–33 on embeddings E [B, N, d_model] → X [B, N, d_model]. Results in E's manager. */
    public NDArray differentialAttention(NDArray e) {
        return attentionAgentMajor(e.transpose(1, 0, 2)).transpose(1, 0, 2);
    }

    /**
     * Eqs 31–33 in the agent-major layout the per-agent layers produce: E [N, B, d_model] → X [N, B, d_model].
     * Layout matters for cost only: with E agent-major and contiguous, E·W is a plain 2-D GEMM and
     * the [B, h, 2, N, d_k] views of Q, K, V can be batched by {@code matmul} WITHOUT copying (the
     * (B, h, map) batch axes merge into one stride), where the sample-major [B, N, ·] layout forced a
     * contiguous copy of E for each of W^Q, W^K, W^V and of Q, K, V before every batched product.
     */
    private NDArray attentionAgentMajor(NDArray e) {
        long n = e.getShape().get(0);
        long b = e.getShape().get(1);
        // eq 31: [Q₁ʰ, Q₂ʰ] = E W^Q, [K₁ʰ, K₂ʰ] = E W^K  → [N, B, h, 2, d_k] → views [B, h, 2, N, d_k]
        NDArray q = e.matMul(wQ).reshape(n, b, heads, 2, dK).transpose(1, 2, 3, 0, 4);
        NDArray k = e.matMul(wK).reshape(n, b, heads, 2, dK).transpose(1, 2, 3, 0, 4);
        // eq 31: Vʰ = E W^V → [B, h, N, d_k]
        NDArray v = e.matMul(wV).reshape(n, b, heads, dK).transpose(1, 2, 0, 3);
        // eq 32: softmax(Q_jʰ K_jʰᵀ / √d_k) for j = 1, 2, over the key axis → [B, h, 2, N, N]
        NDArray p = q.matMul(k.transpose(0, 1, 2, 4, 3)).mul(invSqrtDk).softmax(-1);
        // eq 34 (ξʰ per head) as map coefficients [1, −ξʰ] per head, broadcast over [B, h, 2, N, N]
        NDArray xi = xi(e.getManager()).reshape(heads, 1);
        NDArray coef = xi.onesLike().concat(xi.neg(), 1).reshape(1, heads, 2, 1, 1);
        // eq 32: [softmax₁ − ξʰ softmax₂] Vʰ, the difference as a weighted sum over the map axis
        // (no slicing of p: slice backward would allocate and fill two zero tensors of p's size)
        NDArray head = p.mul(coef).sum(new int[] {2}).matMul(v);           // [B, h, N, d_k]
        // eq 33: Concat(head¹ … headʰ) W^O, agent-major [N, B, h·d_k] · W^O
        return head.transpose(2, 0, 1, 3).reshape(n, b, (long) heads * dK).matMul(wO);
    }

    /** Eq 34: ξʰ = exp(ξ_q1ʰ·ξ_k1ʰ) − exp(ξ_q2ʰ·ξ_k2ʰ) + ξ_init, shape [h], in {@code step}. */
    public NDArray xi(NDManager step) {
        NDArray dot1 = GaussianActor.local(step, xiQ1.mul(xiK1)).sum(new int[] {1}); // ξ_q1·ξ_k1
        NDArray dot2 = GaussianActor.local(step, xiQ2.mul(xiK2)).sum(new int[] {1}); // ξ_q2·ξ_k2
        return dot1.exp().sub(dot2.exp()).add(xiInit);
    }

    /**
     * Per row, the 2h score maps of eq 32 (each N × N) dominate from N ≈ 100 on: every DJL handle
     * along scores → scaled → softmax → ·[1, −ξ] (4 maps' worth) and the map-summed [h, N, N] stay
     * alive until the step's manager closes, and backward adds about two more map-sized gradients
     * at its peak. The per-token activations (embedding, Q/K/V, head MLP; about twice for their
     * gradients) are the rest.
     */
    @Override
    public long bytesPerRow() {
        long maps = 2L * heads * agents * agents;
        long perToken = 3L * (obsDim + actionDim) + 8L * dModel + 6L * heads * dK + 3L * hidden;
        return Float.BYTES * (MAP_COPIES_PER_ROW_X2 * maps / 2 + 2L * agents * perToken);
    }

    /** 2 × the map-sized tensors per row (forward 4.5, backward peak about 2), see {@link #bytesPerRow()}. */
    private static final long MAP_COPIES_PER_ROW_X2 = 13;

    @Override
    public Params params() {
        return params;
    }

    @Override
    public int agents() {
        return agents;
    }

    @Override
    public int obsDim() {
        return obsDim;
    }

    @Override
    public int actionDim() {
        return actionDim;
    }

    public int heads() {
        return heads;
    }

    public int headDim() {
        return dK;
    }

    public int modelDim() {
        return dModel;
    }
}
