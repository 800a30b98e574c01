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
        this.w1 = p.get(prefix + ".l1.W").toFloatArray();
        this.b1 = p.get(prefix + ".l1.b").toFloatArray();
        this.w2 = p.get(prefix + ".l2.W").toFloatArray();
        this.b2 = p.get(prefix + ".l2.b").toFloatArray();
        this.wMu = p.get(prefix + ".mu.W").toFloatArray();
        this.bMu = p.get(prefix + ".mu.b").toFloatArray();
        this.obsDim = actor.obsDim();
        this.hidden = b1.length;
        this.k = bMu.length;
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

    private static void dense(float[] w, float[] b, float[] x, int in, float[] out, int n, boolean relu) {
        for (int o = 0; o < n; o++) {
            float s = b[o];
            int row = o * in;
            for (int i = 0; i < in; i++) {
                s += w[row + i] * x[i];
            }
            out[o] = relu && s < 0 ? 0f : s;
        }
    }
}
