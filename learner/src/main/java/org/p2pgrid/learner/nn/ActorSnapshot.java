package org.p2pgrid.learner.nn;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.WeakHashMap;

/**
 * A plain-Java copy of one {@link GaussianActor}'s weights for decisions at batch 1 —
 * no DJL, no native call, no allocation besides the result: the decentralised execution path
 * (an actor process can hold this instead of an engine). Same arithmetic as
 * {@link GaussianActor#greedyAction}: a = mid + half·tanh(W_μ ReLU(W₂ ReLU(W₁ o + b₁) + b₂) + b_μ),
 * in float, so it agrees with the NDArray path to float rounding.
 *
 * <p>{@link #sample} adds the log σ head for exploration as {@link GaussianActor#sample} does:
 * u = μ + σ·ε with log σ clamped to the network config's bounds, a = mid + half·tanh(u).
 *
 * <p>The weights travel as {@link Weights} — plain float arrays, the parameter layout of
 * {@link Params} ({@code actor{i}.l1.W} etc., row-major [out, in]) — so a learner can publish them
 * to processes that hold no engine.
 */
public final class ActorSnapshot {
    private final Weights weights;
    private final int obsDim;
    private final int hidden;
    private final int k;
    /** W₁ transposed, one array per input: {@code w1[j][i] = W₁[i, j]} ([obsDim][hidden]). */
    private final float[][] w1;
    private final float[] b1;
    /** W₂ transposed likewise ([hidden][hidden]). */
    private final float[][] w2;
    private final float[] b2;
    /**
     * Both heads stacked row-major [2k, hidden]: rows 0..k−1 the mean head, rows k..2k−1 the log σ head
     * (dot products: k is small); {@code bHeads} [2k] likewise.
     */
    private final float[] wHeads;
    private final float[] bHeads;
    private final float[] mid;
    private final float[] half;
    private final float[] h1;
    private final float[] h2;
    /** μ then log σ, [2k] (scratch). */
    private final float[] muLs;
    /** Batch scratch ([batch][hidden]), grown on demand by {@link #decide}. */
    private float[][] h1s = new float[0][];
    private float[][] h2s = new float[0][];

    /**
     * One agent's actor as plain arrays. Treat as immutable: the arrays are never written after
     * construction (an {@link ActorSnapshot} copies what it needs), so one {@code Weights} may be shared
     * by every holder of the same agent's policy.
     *
     * @param agent     agent index (parameter prefix {@code actor{agent}})
     * @param obsDim    observation width
     * @param l1W       [hidden, obsDim] row-major ({@code actor{i}.l1.W}); {@code l1b} [hidden]
     * @param l2W       [hidden, hidden]; {@code l2b} [hidden]
     * @param muW       [k, hidden] (mean head); {@code muB} [k]
     * @param logStdW   [k, hidden] (log σ head); {@code logStdB} [k]
     * @param logStdMin lower clamp of log σ; {@code logStdMax} the upper one
     * @param lo        static action bounds over the agent's own dims ({@link ActionBounds}); {@code hi} likewise
     */
    public record Weights(int agent, int obsDim, float[] l1W, float[] l1b, float[] l2W, float[] l2b, float[] muW,
                          float[] muB, float[] logStdW, float[] logStdB, float logStdMin, float logStdMax, float[] lo,
                          float[] hi) {
        public Weights {
            int h = l1b.length;
            int k = muB.length;
            if (obsDim < 1 || h < 1 || k < 1 || l1W.length != h * obsDim || l2W.length != h * h || l2b.length != h
                    || muW.length != k * h || logStdW.length != k * h || logStdB.length != k || lo.length != k
                    || hi.length != k) {
                throw new IllegalArgumentException("actor" + agent + " weights: inconsistent shapes (obsDim " + obsDim
                        + ", hidden " + h + ", k " + k + ")");
            }
            if (!(logStdMin < logStdMax)) {
                throw new IllegalArgumentException("logStdMin must be < logStdMax");
            }
        }

        public int hidden() {
            return l1b.length;
        }

        public int actionCount() {
            return muB.length;
        }

        /** Number of floats (what a weight message carries, bounds excluded). */
        public int floatCount() {
            return l1W.length + l1b.length + l2W.length + l2b.length + muW.length + muB.length + logStdW.length
                    + logStdB.length;
        }

        /**
         * The current parameters of {@code actor} (copied out of the engine) with bounds [lo, hi]. The
         * actor's fixed input normalisation x = (o − c) ⊙ s is folded into the first layer
         * (W₁' = W₁ diag(s), b₁' = b₁ − W₁' c), so a snapshot takes the raw eq-23 observation and needs
         * nothing but these arrays.
         */
        public static Weights of(GaussianActor actor, float[] lo, float[] hi) {
            Params p = actor.params();
            String prefix = "actor" + actor.agent();
            float[] l1W = p.get(prefix + ".l1.W").toFloatArray();
            float[] l1b = p.get(prefix + ".l1.b").toFloatArray();
            ObservationScale scale = actor.observationScale();
            if (!scale.isIdentity()) {
                float[] c = scale.offset();
                float[] s = scale.scale();
                int d = actor.obsDim();
                for (int h = 0; h < l1b.length; h++) {
                    double shift = 0;
                    for (int j = 0; j < d; j++) {
                        l1W[h * d + j] *= s[j];
                        shift += (double) l1W[h * d + j] * c[j];
                    }
                    l1b[h] = (float) (l1b[h] - shift);
                }
            }
            return new Weights(actor.agent(), actor.obsDim(), l1W, l1b, p.get(prefix + ".l2.W").toFloatArray(),
                    p.get(prefix + ".l2.b").toFloatArray(), p.get(prefix + ".mu.W").toFloatArray(),
                    p.get(prefix + ".mu.b").toFloatArray(), p.get(prefix + ".logstd.W").toFloatArray(),
                    p.get(prefix + ".logstd.b").toFloatArray(), (float) actor.logStdMin(), (float) actor.logStdMax(),
                    lo.clone(), hi.clone());
        }

        public static Weights of(GaussianActor actor, ActionBounds bounds) {
            return of(actor, bounds.lo(), bounds.hi());
        }
    }

    /** Copies the current weights of {@code actor}; bounds as for {@link ActionBounds}. */
    public ActorSnapshot(GaussianActor actor, float[] lo, float[] hi) {
        this(Weights.of(actor, lo, hi));
    }

    public ActorSnapshot(GaussianActor actor, ActionBounds bounds) {
        this(actor, bounds.lo(), bounds.hi());
    }

    /**
     * A snapshot of published weights (no engine needed). Its transposed copy of the weights is shared
     * with every other snapshot of the same {@code Weights} (e.g. the prosumer actors of one agent in
     * all worlds, which receive one instance per broadcast): built once, read-only, so W worlds touch
     * one copy per agent instead of W — the forward pass at hidden 256 is bound by reading those weights.
     * Only the scratch buffers are per snapshot.
     */
    public ActorSnapshot(Weights w) {
        this.weights = w;
        this.obsDim = w.obsDim();
        this.hidden = w.hidden();
        this.k = w.actionCount();
        Layout l = Layout.of(w);
        this.w1 = l.w1();
        this.b1 = l.b1();
        this.w2 = l.w2();
        this.b2 = l.b2();
        this.wHeads = l.wHeads();
        this.bHeads = l.bHeads();
        this.mid = l.mid();
        this.half = l.half();
        this.h1 = new float[hidden];
        this.h2 = new float[hidden];
        this.muLs = new float[2 * k];
    }

    /** The snapshot's private copy of one {@link Weights}, laid out for {@link #denseRelu}/{@link #head}; never written. */
    private record Layout(float[][] w1, float[] b1, float[][] w2, float[] b2, float[] wHeads, float[] bHeads,
                          float[] mid, float[] half) {
        /**
         * Layouts of live {@link Weights}, weakly keyed: an entry goes when no snapshot (or message) holds
         * its weights any more. Keys compare as records do — arrays by reference — which is the identity of
         * the published weights, since their arrays are never written after construction.
         */
        private static final Map<Weights, Layout> SHARED = Collections.synchronizedMap(new WeakHashMap<>());

        static Layout of(Weights w) {
            Layout l = SHARED.get(w);
            if (l == null) {
                l = build(w); // outside the lock: two first users may both build; one copy is kept
                Layout earlier = SHARED.putIfAbsent(w, l);
                if (earlier != null) {
                    l = earlier;
                }
            }
            return l;
        }

        private static Layout build(Weights w) {
            int hidden = w.hidden();
            int k = w.actionCount();
            float[] mid = new float[k];
            float[] half = new float[k];
            for (int j = 0; j < k; j++) {
                mid[j] = (w.hi()[j] + w.lo()[j]) * 0.5f;
                half[j] = (w.hi()[j] - w.lo()[j]) * 0.5f;
            }
            return new Layout(transposedRows(w.l1W(), hidden, w.obsDim()), w.l1b().clone(),
                    transposedRows(w.l2W(), hidden, hidden), w.l2b().clone(), concat(w.muW(), w.logStdW()),
                    concat(w.muB(), w.logStdB()), mid, half);
        }

        private static float[] concat(float[] a, float[] b) {
            float[] c = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, c, a.length, b.length);
            return c;
        }
    }

    /** The weights this snapshot was built from. */
    public Weights weights() {
        return weights;
    }

    public int obsDim() {
        return obsDim;
    }

    public int actionCount() {
        return k;
    }

    /** Greedy action over the agent's own dims (physical units). Not thread-safe (scratch buffers). */
    public float[] act(float[] obs) {
        trunk(obs);
        return greedyHead(h2);
    }

    /**
     * Exploration action a = mid + half·tanh(μ + σ·ε), ε ~ N(0, I) drawn from {@code rng} (k draws,
     * the same generator as {@link GaussianActors#noise}). Not thread-safe (scratch buffers).
     */
    public float[] sample(float[] obs, SplittableRandom rng) {
        return sample(obs, noise(rng));
    }

    /** The k standard-normal draws {@link #sample(float[], SplittableRandom)} takes from {@code rng} (for {@link #decide}). */
    public float[] noise(SplittableRandom rng) {
        float[] eps = new float[k];
        for (int j = 0; j < k; j++) {
            eps[j] = (float) GaussianActors.gaussian(rng);
        }
        return eps;
    }

    /** Exploration action with given standard-normal noise {@code eps} [k]. */
    public float[] sample(float[] obs, float[] eps) {
        if (eps.length != k) {
            throw new IllegalArgumentException("eps must have " + k + " entries");
        }
        trunk(obs);
        return sampleHead(h2, eps);
    }

    /**
     * Decisions on {@code n} observations at once (e.g. this agent's row in each of several worlds):
     * {@code eps[b] == null} → greedy ({@link #act}), otherwise the exploration action with that noise
     * ({@link #sample(float[], float[])}). The same floats as n single calls — each output is summed in
     * the same order — but the hidden layers run over pairs of observations, so each weight row is read
     * once per pair instead of once per decision: at hidden 256 the single decision is bound by streaming
     * its 260 KB of weights from L2/L3, not by the multiply-adds. Not thread-safe (scratch buffers).
     */
    public float[][] decide(float[][] obs, float[][] eps, int n) {
        if (n < 0 || n > obs.length || n > eps.length) {
            throw new IllegalArgumentException("batch of " + n + " with " + obs.length + " observations, " + eps.length
                    + " noise rows");
        }
        for (int b = 0; b < n; b++) {
            if (obs[b].length != obsDim) {
                throw new IllegalArgumentException("observation must have " + obsDim + " features, got " + obs[b].length);
            }
            if (eps[b] != null && eps[b].length != k) {
                throw new IllegalArgumentException("eps must have " + k + " entries");
            }
        }
        if (h1s.length < n) {
            int cap = Math.max(n, 2 * h1s.length);
            h1s = new float[cap][hidden];
            h2s = new float[cap][hidden];
        }
        int b = 0;
        for (; b + 1 < n; b += 2) {
            denseReluPair(w1, b1, obs[b], obs[b + 1], obsDim, h1s[b], h1s[b + 1], hidden);
            denseReluPair(w2, b2, h1s[b], h1s[b + 1], hidden, h2s[b], h2s[b + 1], hidden);
        }
        if (b < n) {
            denseRelu(w1, b1, obs[b], obsDim, h1s[b], hidden);
            denseRelu(w2, b2, h1s[b], hidden, h2s[b], hidden);
        }
        float[][] out = new float[n][];
        for (b = 0; b < n; b++) {
            out[b] = eps[b] == null ? greedyHead(h2s[b]) : sampleHead(h2s[b], eps[b]);
        }
        return out;
    }

    private float[] greedyHead(float[] h) {
        float[] a = new float[k];
        head(wHeads, bHeads, h, hidden, a, k); // the first k rows: the mean head
        for (int j = 0; j < k; j++) {
            a[j] = mid[j] + half[j] * (float) Math.tanh(a[j]);
        }
        return a;
    }

    private float[] sampleHead(float[] h, float[] eps) {
        float[] a = new float[k];
        head(wHeads, bHeads, h, hidden, muLs, 2 * k); // both heads in one pass over h₂
        float lsMin = weights.logStdMin();
        float lsMax = weights.logStdMax();
        for (int j = 0; j < k; j++) {
            float logStd = Math.min(Math.max(muLs[k + j], lsMin), lsMax);
            float u = eps[j] * (float) Math.exp(logStd) + muLs[j];
            a[j] = (float) Math.tanh(u) * half[j] + mid[j];
        }
        return a;
    }

    private void trunk(float[] obs) {
        if (obs.length != obsDim) {
            throw new IllegalArgumentException("observation must have " + obsDim + " features, got " + obs.length);
        }
        denseRelu(w1, b1, obs, obsDim, h1, hidden);
        denseRelu(w2, b2, h1, hidden, h2, hidden);
    }

    /** [rows, cols] row-major → cols arrays of rows: {@code t[c][r] = w[r·cols + c]}. */
    private static float[][] transposedRows(float[] w, int rows, int cols) {
        float[][] t = new float[cols][rows];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c][r] = w[r * cols + c];
            }
        }
        return t;
    }

    /**
     * out = ReLU(Wx + b) with W given as one array per input ({@code wT[i][o] = W[o, i]}): the inner
     * loops are element-wise axpys over the outputs, four inputs per pass. Each row is its own array so
     * that every access in the inner loop has the same index {@code o}: C2's superword pass (JDK 17)
     * vectorises that loop, but not the same loop over one flat [in·n] array, where the weight index
     * {@code i·n + o} and the output index {@code o} differ by a loop invariant (measured: ~15× slower
     * at n = 256, i.e. scalar). The sum for each output is still taken in input order
     * (b + w₀x₀ + w₁x₁ + …, left to right, no fused multiply-add), so the result is the same float
     * as the plain loop, lane by lane.
     */
    private static void denseRelu(float[][] wT, float[] b, float[] x, int in, float[] out, int n) {
        System.arraycopy(b, 0, out, 0, n);
        int i = 0;
        for (; i + 3 < in; i += 4) {
            float x0 = x[i];
            float x1 = x[i + 1];
            float x2 = x[i + 2];
            float x3 = x[i + 3];
            float[] r0 = wT[i];
            float[] r1 = wT[i + 1];
            float[] r2 = wT[i + 2];
            float[] r3 = wT[i + 3];
            for (int o = 0; o < n; o++) {
                out[o] = out[o] + r0[o] * x0 + r1[o] * x1 + r2[o] * x2 + r3[o] * x3;
            }
        }
        for (; i < in; i++) {
            float xi = x[i];
            float[] r = wT[i];
            for (int o = 0; o < n; o++) {
                out[o] += r[o] * xi;
            }
        }
        for (int o = 0; o < n; o++) {
            float v = out[o];
            out[o] = v < 0 ? 0f : v; // as before (not Math.max, which would turn −0 into +0)
        }
    }

    /**
     * {@link #denseRelu} for two inputs x and y at once: each weight vector loaded for the pair is used
     * twice, halving the weight traffic. Both sums per output keep denseRelu's order (b, then inputs
     * 0, 1, 2, … left to right, no FMA), so each result is bit for bit the single one. Still one array per
     * input and every access indexed by {@code o} alone, so C2's superword pass vectorises the loop (see
     * denseRelu).
     */
    private static void denseReluPair(float[][] wT, float[] b, float[] x, float[] y, int in, float[] outX,
                                      float[] outY, int n) {
        System.arraycopy(b, 0, outX, 0, n);
        System.arraycopy(b, 0, outY, 0, n);
        int i = 0;
        for (; i + 3 < in; i += 4) {
            float x0 = x[i];
            float x1 = x[i + 1];
            float x2 = x[i + 2];
            float x3 = x[i + 3];
            float y0 = y[i];
            float y1 = y[i + 1];
            float y2 = y[i + 2];
            float y3 = y[i + 3];
            float[] r0 = wT[i];
            float[] r1 = wT[i + 1];
            float[] r2 = wT[i + 2];
            float[] r3 = wT[i + 3];
            for (int o = 0; o < n; o++) {
                float w0 = r0[o];
                float w1 = r1[o];
                float w2 = r2[o];
                float w3 = r3[o];
                outX[o] = outX[o] + w0 * x0 + w1 * x1 + w2 * x2 + w3 * x3;
                outY[o] = outY[o] + w0 * y0 + w1 * y1 + w2 * y2 + w3 * y3;
            }
        }
        for (; i < in; i++) {
            float xi = x[i];
            float yi = y[i];
            float[] r = wT[i];
            for (int o = 0; o < n; o++) {
                outX[o] += r[o] * xi;
                outY[o] += r[o] * yi;
            }
        }
        for (int o = 0; o < n; o++) {
            float v = outX[o];
            outX[o] = v < 0 ? 0f : v;
            float u = outY[o];
            outY[o] = u < 0 ? 0f : u;
        }
    }

    /**
     * out = Wx + b for the first n rows of a small row-major [·, in] matrix (the heads): dot products in
     * input order, several outputs per pass in independent accumulators — each sum is a chain of
     * dependent adds, so the outputs of one pass run in parallel (k, even 2k, is too few for a vector
     * axpy). Passes of 8, 6, 4, 2 and 1 rows, largest first: 2k = 6 (k = 3) is one pass over h₂ instead
     * of 4 + 2 (measured 0.74 → 0.57 µs at hidden 256, thread CPU time); a 10-row pass measured no faster
     * than 8 + 2, so there is none. The order of each sum is unchanged (b, then inputs left to right, no
     * FMA), so the floats are too.
     */
    private static void head(float[] w, float[] b, float[] x, int in, float[] out, int n) {
        int o = 0;
        for (; o + 7 < n; o += 8) {
            int r = o * in;
            float s0 = b[o];
            float s1 = b[o + 1];
            float s2 = b[o + 2];
            float s3 = b[o + 3];
            float s4 = b[o + 4];
            float s5 = b[o + 5];
            float s6 = b[o + 6];
            float s7 = b[o + 7];
            for (int i = 0; i < in; i++) {
                float xi = x[i];
                s0 += w[r + i] * xi;
                s1 += w[r + in + i] * xi;
                s2 += w[r + 2 * in + i] * xi;
                s3 += w[r + 3 * in + i] * xi;
                s4 += w[r + 4 * in + i] * xi;
                s5 += w[r + 5 * in + i] * xi;
                s6 += w[r + 6 * in + i] * xi;
                s7 += w[r + 7 * in + i] * xi;
            }
            out[o] = s0;
            out[o + 1] = s1;
            out[o + 2] = s2;
            out[o + 3] = s3;
            out[o + 4] = s4;
            out[o + 5] = s5;
            out[o + 6] = s6;
            out[o + 7] = s7;
        }
        for (; o + 5 < n; o += 6) {
            int r = o * in;
            float s0 = b[o];
            float s1 = b[o + 1];
            float s2 = b[o + 2];
            float s3 = b[o + 3];
            float s4 = b[o + 4];
            float s5 = b[o + 5];
            for (int i = 0; i < in; i++) {
                float xi = x[i];
                s0 += w[r + i] * xi;
                s1 += w[r + in + i] * xi;
                s2 += w[r + 2 * in + i] * xi;
                s3 += w[r + 3 * in + i] * xi;
                s4 += w[r + 4 * in + i] * xi;
                s5 += w[r + 5 * in + i] * xi;
            }
            out[o] = s0;
            out[o + 1] = s1;
            out[o + 2] = s2;
            out[o + 3] = s3;
            out[o + 4] = s4;
            out[o + 5] = s5;
        }
        for (; o + 3 < n; o += 4) {
            int r = o * in;
            float s0 = b[o];
            float s1 = b[o + 1];
            float s2 = b[o + 2];
            float s3 = b[o + 3];
            for (int i = 0; i < in; i++) {
                float xi = x[i];
                s0 += w[r + i] * xi;
                s1 += w[r + in + i] * xi;
                s2 += w[r + 2 * in + i] * xi;
                s3 += w[r + 3 * in + i] * xi;
            }
            out[o] = s0;
            out[o + 1] = s1;
            out[o + 2] = s2;
            out[o + 3] = s3;
        }
        for (; o + 1 < n; o += 2) {
            int r = o * in;
            float s0 = b[o];
            float s1 = b[o + 1];
            for (int i = 0; i < in; i++) {
                float xi = x[i];
                s0 += w[r + i] * xi;
                s1 += w[r + in + i] * xi;
            }
            out[o] = s0;
            out[o + 1] = s1;
        }
        if (o < n) {
            int r = o * in;
            float s = b[o];
            for (int i = 0; i < in; i++) {
                s += w[r + i] * x[i];
            }
            out[o] = s;
        }
    }
}
