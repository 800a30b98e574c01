package org.p2pgrid.benchmarks;

import org.p2pgrid.learner.nn.ActorSnapshot.Weights;


/**
 * {@code ActorSnapshot} as of session 2 (commit a50b233), kept for A/B in {@link ActorSnapshotBenchmark} and {@code scenario.SnapshotCpuRun}: weights
 * transposed into one flat [in·out] array per layer, axpy inner loop {@code out[o] += wT[i·n + o]·x[i]}
 * — which C2 (JDK 17) does not vectorise. Greedy and exploring decisions only.
 */
public final class FlatActorSnapshot {
    private final Weights weights;
    private final int obsDim;
    private final int hidden;
    private final int k;
    private final float[] w1;
    private final float[] b1;
    private final float[] w2;
    private final float[] b2;
    private final float[] wMu;
    private final float[] bMu;
    private final float[] wLs;
    private final float[] bLs;
    private final float[] mid;
    private final float[] half;
    private final float[] h1;
    private final float[] h2;
    private final float[] ls;

    /** A snapshot of published weights (no engine needed). */
    public FlatActorSnapshot(Weights w) {
        this.weights = w;
        this.obsDim = w.obsDim();
        this.hidden = w.hidden();
        this.k = w.actionCount();
        this.b1 = w.l1b().clone();
        this.b2 = w.l2b().clone();
        this.bMu = w.muB().clone();
        this.bLs = w.logStdB().clone();
        this.w1 = transpose(w.l1W(), hidden, obsDim);
        this.w2 = transpose(w.l2W(), hidden, hidden);
        this.wMu = transpose(w.muW(), k, hidden);
        this.wLs = transpose(w.logStdW(), k, hidden);
        this.mid = new float[k];
        this.half = new float[k];
        for (int j = 0; j < k; j++) {
            mid[j] = (w.hi()[j] + w.lo()[j]) * 0.5f;
            half[j] = (w.hi()[j] - w.lo()[j]) * 0.5f;
        }
        this.h1 = new float[hidden];
        this.h2 = new float[hidden];
        this.ls = new float[k];
    }

    /** Greedy action over the agent's own dims (physical units). Not thread-safe (scratch buffers). */
    public float[] act(float[] obs) {
        float[] a = new float[k];
        trunk(obs);
        dense(wMu, bMu, h2, hidden, a, k, false);
        for (int j = 0; j < k; j++) {
            a[j] = mid[j] + half[j] * (float) Math.tanh(a[j]);
        }
        return a;
    }

    /** Exploration action with given standard-normal noise {@code eps} [k]. */
    public float[] sample(float[] obs, float[] eps) {
        if (eps.length != k) {
            throw new IllegalArgumentException("eps must have " + k + " entries");
        }
        float[] a = new float[k];
        trunk(obs);
        dense(wMu, bMu, h2, hidden, a, k, false);
        dense(wLs, bLs, h2, hidden, ls, k, false);
        float lsMin = weights.logStdMin();
        float lsMax = weights.logStdMax();
        for (int j = 0; j < k; j++) {
            float logStd = Math.min(Math.max(ls[j], lsMin), lsMax);
            float u = eps[j] * (float) Math.exp(logStd) + a[j];
            a[j] = (float) Math.tanh(u) * half[j] + mid[j];
        }
        return a;
    }

    private void trunk(float[] obs) {
        if (obs.length != obsDim) {
            throw new IllegalArgumentException("observation must have " + obsDim + " features, got " + obs.length);
        }
        dense(w1, b1, obs, obsDim, h1, hidden, true);
        dense(w2, b2, h1, hidden, h2, hidden, true);
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
