package org.p2pgrid.learner.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ActorSnapshot}'s blocked, vectorisable forward pass against a straightforward loop over the
 * published row-major weights, with random weights (no engine). Widths include Table II's hidden 256 and
 * sizes that are not multiples of the 4-input / 4-output blocks.
 */
class ActorSnapshotTest {

    @ParameterizedTest(name = "obsDim {0}, hidden {1}, k {2}")
    @CsvSource({"10, 256, 5", "10, 32, 5", "11, 7, 3", "3, 1, 1", "10, 256, 4", "13, 64, 9"})
    void actAndSampleMatchAReferenceLoop(int obsDim, int hidden, int k) {
        SplittableRandom rng = new SplittableRandom(obsDim * 1000L + hidden * 10L + k);
        float[] lo = new float[k];
        float[] hi = new float[k];
        for (int j = 0; j < k; j++) {
            lo[j] = (float) (rng.nextDouble() * 40 - 30);
            hi[j] = lo[j] + 1 + (float) (rng.nextDouble() * 60);
        }
        ActorSnapshot.Weights w = new ActorSnapshot.Weights(3, obsDim, uniform(rng, hidden * obsDim, obsDim),
                uniform(rng, hidden, obsDim), uniform(rng, hidden * hidden, hidden), uniform(rng, hidden, hidden),
                uniform(rng, k * hidden, hidden), uniform(rng, k, hidden), uniform(rng, k * hidden, hidden),
                uniform(rng, k, hidden), -5f, 1f, lo, hi);
        ActorSnapshot snap = new ActorSnapshot(w);
        assertEquals(obsDim, snap.obsDim());
        assertEquals(k, snap.actionCount());
        for (int r = 0; r < 500; r++) { // enough calls that C2 compiles (and vectorises) the loops within the test
            float[] o = new float[obsDim];
            for (int i = 0; i < obsDim; i++) {
                o[i] = (float) (rng.nextDouble() * 6 - 3);
            }
            long seed = rng.nextLong();
            float[] eps = new float[k];
            SplittableRandom noise = new SplittableRandom(seed);
            for (int j = 0; j < k; j++) {
                eps[j] = (float) GaussianActors.gaussian(noise);
            }
            assertClose(reference(w, o, null), snap.act(o), "act, row " + r);
            float[] expected = reference(w, o, eps);
            assertClose(expected, snap.sample(o, eps), "sample, row " + r);
            assertClose(expected, snap.sample(o, new SplittableRandom(seed)), "sample from the generator, row " + r);
            // scratch buffers are reused: deciding again gives the same action
            assertArrayEquals(snap.act(o), snap.act(o), 0f);
        }
    }

    /**
     * The batched forward keeps every output's summation order, so it must give exactly the single
     * decisions' floats (not merely close ones) — for odd and even batch sizes, greedy and exploring rows
     * mixed, after enough calls that C2 has compiled (and vectorised) both kernels.
     */
    @ParameterizedTest(name = "obsDim {0}, hidden {1}, k {2}")
    @CsvSource({"10, 256, 5", "10, 32, 5", "11, 7, 3", "3, 1, 1", "13, 64, 9"})
    void batchedDecisionsAreBitIdenticalToSingleOnes(int obsDim, int hidden, int k) {
        SplittableRandom rng = new SplittableRandom(77 + obsDim * 1000L + hidden * 10L + k);
        float[] lo = new float[k];
        float[] hi = new float[k];
        for (int j = 0; j < k; j++) {
            lo[j] = (float) (rng.nextDouble() * 40 - 30);
            hi[j] = lo[j] + 1 + (float) (rng.nextDouble() * 60);
        }
        ActorSnapshot.Weights w = new ActorSnapshot.Weights(1, obsDim, uniform(rng, hidden * obsDim, obsDim),
                uniform(rng, hidden, obsDim), uniform(rng, hidden * hidden, hidden), uniform(rng, hidden, hidden),
                uniform(rng, k * hidden, hidden), uniform(rng, k, hidden), uniform(rng, k * hidden, hidden),
                uniform(rng, k, hidden), -5f, 1f, lo, hi);
        ActorSnapshot batched = new ActorSnapshot(w);
        ActorSnapshot single = new ActorSnapshot(w);
        for (int r = 0; r < 400; r++) {
            int n = 1 + r % 7;
            float[][] obs = new float[n + 1][obsDim]; // one spare row: decide must only look at the first n
            float[][] eps = new float[n + 1][];
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < obsDim; i++) {
                    obs[b][i] = (float) (rng.nextDouble() * 6 - 3);
                }
                if ((b + r) % 3 != 0) {
                    eps[b] = new float[k];
                    for (int j = 0; j < k; j++) {
                        eps[b][j] = (float) GaussianActors.gaussian(rng);
                    }
                }
            }
            float[][] got = batched.decide(obs, eps, n);
            assertEquals(n, got.length);
            for (int b = 0; b < n; b++) {
                float[] expected = eps[b] == null ? single.act(obs[b]) : single.sample(obs[b], eps[b]);
                assertArrayEquals(expected, got[b], 0f, "batch of " + n + ", row " + b + ", round " + r);
            }
        }
        float[] one = new float[obsDim];
        assertClose(reference(w, one, null), batched.decide(new float[][] {one}, new float[1][], 1)[0], "batch of 1");
    }

    /**
     * Every kernel (the vectorised trunk, the multi-row head passes of 8/6/4/2/1 rows) keeps each
     * output's sum in input order without FMA, so act and sample must give the very floats of a plain
     * in-order loop — not merely close ones. k from 1 to 6 makes 2k (both heads) and k (the mean head)
     * take every pass size; ReLU as the snapshot does it (−0 stays −0).
     */
    @ParameterizedTest(name = "obsDim {0}, hidden {1}")
    @CsvSource({"10, 1", "10, 7", "10, 32", "11, 64", "10, 256", "3, 256"})
    void kernelsGiveThePlainLoopsFloatsExactly(int obsDim, int hidden) {
        for (int k = 1; k <= 6; k++) {
            SplittableRandom rng = new SplittableRandom(5 + obsDim * 1000L + hidden * 10L + k);
            float[] lo = new float[k];
            float[] hi = new float[k];
            for (int j = 0; j < k; j++) {
                lo[j] = (float) (rng.nextDouble() * 40 - 30);
                hi[j] = lo[j] + 1 + (float) (rng.nextDouble() * 60);
            }
            ActorSnapshot.Weights w = new ActorSnapshot.Weights(2, obsDim, uniform(rng, hidden * obsDim, obsDim),
                    uniform(rng, hidden, obsDim), uniform(rng, hidden * hidden, hidden), uniform(rng, hidden, hidden),
                    uniform(rng, k * hidden, hidden), uniform(rng, k, hidden), uniform(rng, k * hidden, hidden),
                    uniform(rng, k, hidden), -5f, 1f, lo, hi);
            ActorSnapshot snap = new ActorSnapshot(w);
            for (int r = 0; r < 300; r++) { // enough calls that C2 compiles (and vectorises) the loops within the test
                float[] o = new float[obsDim];
                for (int i = 0; i < obsDim; i++) {
                    o[i] = (float) (rng.nextDouble() * 6 - 3);
                }
                float[] eps = new float[k];
                for (int j = 0; j < k; j++) {
                    eps[j] = (float) GaussianActors.gaussian(rng);
                }
                assertArrayEquals(plainLoop(w, o, null), snap.act(o), 0f, "act, k " + k + ", row " + r);
                assertArrayEquals(plainLoop(w, o, eps), snap.sample(o, eps), 0f, "sample, k " + k + ", row " + r);
            }
        }
    }

    /** {@link #reference} with ReLU exactly as the snapshot's (v &lt; 0 ? 0 : v) and its float expressions. */
    private static float[] plainLoop(ActorSnapshot.Weights w, float[] o, float[] eps) {
        int h = w.hidden();
        int k = w.actionCount();
        float[] h1 = snapshotRelu(matVec(w.l1W(), w.l1b(), o, h, w.obsDim()));
        float[] h2 = snapshotRelu(matVec(w.l2W(), w.l2b(), h1, h, h));
        float[] mu = matVec(w.muW(), w.muB(), h2, k, h);
        float[] ls = matVec(w.logStdW(), w.logStdB(), h2, k, h);
        float[] a = new float[k];
        for (int j = 0; j < k; j++) {
            float mid = (w.hi()[j] + w.lo()[j]) * 0.5f;
            float half = (w.hi()[j] - w.lo()[j]) * 0.5f;
            if (eps == null) {
                a[j] = mid + half * (float) Math.tanh(mu[j]);
            } else {
                float logStd = Math.min(Math.max(ls[j], w.logStdMin()), w.logStdMax());
                float u = eps[j] * (float) Math.exp(logStd) + mu[j];
                a[j] = (float) Math.tanh(u) * half + mid;
            }
        }
        return a;
    }

    private static float[] snapshotRelu(float[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = v[i] < 0 ? 0f : v[i];
        }
        return v;
    }

    /** Snapshots of one Weights share its layout but not their scratch buffers. */
    @org.junit.jupiter.api.Test
    void snapshotsOfTheSameWeightsDecideIndependently() {
        SplittableRandom rng = new SplittableRandom(9);
        int obsDim = 10;
        int hidden = 64;
        int k = 5;
        float[] lo = {0f, 0f, 0f, 0f, 0f};
        float[] hi = {1f, 2f, 3f, 4f, 5f};
        ActorSnapshot.Weights w = new ActorSnapshot.Weights(0, obsDim, uniform(rng, hidden * obsDim, obsDim),
                uniform(rng, hidden, obsDim), uniform(rng, hidden * hidden, hidden), uniform(rng, hidden, hidden),
                uniform(rng, k * hidden, hidden), uniform(rng, k, hidden), uniform(rng, k * hidden, hidden),
                uniform(rng, k, hidden), -5f, 1f, lo, hi);
        ActorSnapshot a = new ActorSnapshot(w);
        ActorSnapshot b = new ActorSnapshot(w);
        float[] o1 = new float[obsDim];
        float[] o2 = new float[obsDim];
        for (int i = 0; i < obsDim; i++) {
            o1[i] = (float) (rng.nextDouble() * 6 - 3);
            o2[i] = (float) (rng.nextDouble() * 6 - 3);
        }
        float[] first = a.act(o1);
        float[] other = b.act(o2);
        assertArrayEquals(first, a.act(o1), 0f);
        assertArrayEquals(other, b.act(o2), 0f);
        assertClose(reference(w, o1, null), first, "a");
        assertClose(reference(w, o2, null), other, "b");
    }

    /** a = mid + half·tanh(W_μ h₂ + b_μ [+ σ·ε]), h = ReLU layers: one output at a time, from the row-major weights. */
    private static float[] reference(ActorSnapshot.Weights w, float[] o, float[] eps) {
        int h = w.hidden();
        int k = w.actionCount();
        float[] h1 = relu(matVec(w.l1W(), w.l1b(), o, h, w.obsDim()));
        float[] h2 = relu(matVec(w.l2W(), w.l2b(), h1, h, h));
        float[] mu = matVec(w.muW(), w.muB(), h2, k, h);
        float[] ls = matVec(w.logStdW(), w.logStdB(), h2, k, h);
        float[] a = new float[k];
        for (int j = 0; j < k; j++) {
            float u = mu[j];
            if (eps != null) {
                float logStd = Math.min(Math.max(ls[j], w.logStdMin()), w.logStdMax());
                u = eps[j] * (float) Math.exp(logStd) + mu[j];
            }
            float mid = (w.hi()[j] + w.lo()[j]) * 0.5f;
            float half = (w.hi()[j] - w.lo()[j]) * 0.5f;
            a[j] = mid + half * (float) Math.tanh(u);
        }
        return a;
    }

    private static float[] matVec(float[] wRowMajor, float[] b, float[] x, int rows, int cols) {
        float[] y = new float[rows];
        for (int r = 0; r < rows; r++) {
            float s = b[r];
            for (int c = 0; c < cols; c++) {
                s += wRowMajor[r * cols + c] * x[c];
            }
            y[r] = s;
        }
        return y;
    }

    private static float[] relu(float[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(v[i], 0f);
        }
        return v;
    }

    /** Relative 1e-5 (against max(|expected|, 1): the outputs are physical units around mid). */
    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int j = 0; j < expected.length; j++) {
            double tol = 1e-5 * Math.max(Math.abs(expected[j]), 1);
            assertTrue(Math.abs(expected[j] - actual[j]) <= tol,
                    what + ", dim " + j + ": expected " + expected[j] + ", got " + actual[j]);
        }
    }

    private static float[] uniform(SplittableRandom r, int n, int fanIn) {
        float[] a = new float[n];
        double s = 1 / Math.sqrt(fanIn);
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((r.nextDouble() * 2 - 1) * s);
        }
        return a;
    }
}
