package org.p2pgrid.learner.nn;

/**
 * A plain-Java copy of one {@link GaussianActor}'s weights for the greedy decision at batch 1 —
 * no DJL, no native call, no allocation besides the result: the decentralised execution path
 * (an actor process can hold this instead of an engine). Same arithmetic as
 * {@link GaussianActor#greedyAction}: a = mid + half·tanh(W_μ ReLU(W₂ ReLU(W₁ o + b₁) + b₂) + b_μ),
 * in float, so it agrees with the NDArray path to float rounding.
 */
public final class ActorSnapshot {
    private final int obsDim;
    private final int hidden;
    private final int k;
    private final float[] w1;
    private final float[] b1;
    private final float[] w2;
    private final float[] b2;
    private final float[] wMu;
    private final float[] bMu;
    private final float[] mid;
    private final float[] half;
    private final float[] h1;
    private final float[] h2;

    /** Copies the current weights of {@code actor}; bounds as for {@link ActionBounds}. */
    public ActorSnapshot(GaussianActor actor, float[] lo, float[] hi) {
        Params p = actor.params();
        String prefix = "actor" + actor.agent();
        this.b1 = p.get(prefix + ".l1.b").toFloatArray();
        this.b2 = p.get(prefix + ".l2.b").toFloatArray();
        this.bMu = p.get(prefix + ".mu.b").toFloatArray();
        this.obsDim = actor.obsDim();
        this.hidden = b1.length;
        this.k = bMu.length;
        this.w1 = transpose(p.get(prefix + ".l1.W").toFloatArray(), hidden, obsDim);
        this.w2 = transpose(p.get(prefix + ".l2.W").toFloatArray(), hidden, hidden);
        this.wMu = transpose(p.get(prefix + ".mu.W").toFloatArray(), k, hidden);
        if (lo.length != k || hi.length != k) {
            throw new IllegalArgumentException("bounds must have " + k + " entries");
        }
        this.mid = new float[k];
        this.half = new float[k];
        for (int j = 0; j < k; j++) {
            mid[j] = (hi[j] + lo[j]) * 0.5f;
            half[j] = (hi[j] - lo[j]) * 0.5f;
        }
        this.h1 = new float[hidden];
        this.h2 = new float[hidden];
    }

    public ActorSnapshot(GaussianActor actor, ActionBounds bounds) {
        this(actor, bounds.lo(), bounds.hi());
    }

    /** Greedy action over the agent's own dims (physical units). Not thread-safe (scratch buffers). */
    public float[] act(float[] obs) {
        dense(w1, b1, obs, obsDim, h1, hidden, true);
        dense(w2, b2, h1, hidden, h2, hidden, true);
        float[] a = new float[k];
        dense(wMu, bMu, h2, hidden, a, k, false);
        for (int j = 0; j < k; j++) {
            a[j] = mid[j] + half[j] * (float) Math.tanh(a[j]);
        }
        return a;
    }

    /** [rows, cols] row-major → [cols, rows] row-major. */
    private static float[] transpose(float[] w, int rows, int cols) {
        float[] t = new float[w.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = w[r * cols + c];
            }
        }
        return t;
    }

    /**
     * out = act(Wx + b) with W stored transposed [in, n]: the inner loop is an axpy over outputs,
     * which C2 vectorises (a dot-product reduction in float is not, because of FP ordering).
     */
    private static void dense(float[] wT, float[] b, float[] x, int in, float[] out, int n, boolean relu) {
        System.arraycopy(b, 0, out, 0, n);
        for (int i = 0; i < in; i++) {
            float xi = x[i];
            int row = i * n;
            for (int o = 0; o < n; o++) {
                out[o] += wT[row + o] * xi;
            }
        }
        if (relu) {
            for (int o = 0; o < n; o++) {
                if (out[o] < 0) {
                    out[o] = 0f;
                }
            }
        }
    }
}
