package org.p2pgrid.learner.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Eqs 31–34 against hand computations; gradients reach ξ and every projection. */
class DifferentialAttentionTest {
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = Djl.newManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    private static double[] softmax(double... s) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : s) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] out = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = Math.exp(s[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < s.length; i++) {
            out[i] /= sum;
        }
        return out;
    }

    /** N = 2 agents, d_model = 1, one head, d_k = 1: every number written out. */
    @Test
    void eq32And34ByHandOnScalars() {
        NetworkConfig cfg = NetworkConfig.defaults().withHidden(4).withAttention(1, 1, 1).withXiInit(0.2);
        AttentionCritic critic = new AttentionCritic(manager, "t", 2, 1, 0, cfg, 1);
        Params p = critic.params();
        p.get("t.WQ").set(new float[] {1f, 0.5f});     // Q₁ = E·1, Q₂ = E·0.5
        p.get("t.WK").set(new float[] {1f, -1f});      // K₁ = E, K₂ = −E
        p.get("t.WV").set(new float[] {1f});           // V = E
        p.get("t.WO").set(new float[] {2f});           // X = 2·head
        p.get("t.xi_q1").set(new float[] {(float) Math.log(2)});
        p.get("t.xi_k1").set(new float[] {1f});        // exp(ln2·1) = 2
        p.get("t.xi_q2").set(new float[] {0.5f});
        p.get("t.xi_k2").set(new float[] {0f});        // exp(0) = 1
        // eq 34: ξ = 2 − 1 + 0.2 = 1.2
        double xi = 2 - 1 + 0.2;
        try (NDManager step = manager.newSubManager()) {
            assertEquals(xi, critic.xi(step).getFloat(0), 1e-6);
            NDArray e = step.create(new float[] {1f, 2f}, new Shape(1, 2, 1)); // E = [1; 2]
            float[] x = critic.differentialAttention(e).toFloatArray();
            // eq 32, row i = agent 1 (E=1), agent 2 (E=2); d_k = 1 so no scaling.
            double[] s1r1 = softmax(1 * 1, 1 * 2);          // Q₁K₁ᵀ row 1: [1, 2]
            double[] s1r2 = softmax(2 * 1, 2 * 2);          //            row 2: [2, 4]
            double[] s2r1 = softmax(0.5 * -1, 0.5 * -2);    // Q₂K₂ᵀ row 1: [−0.5, −1]
            double[] s2r2 = softmax(1.0 * -1, 1.0 * -2);    //            row 2: [−1, −2]
            double head1 = (s1r1[0] - xi * s2r1[0]) * 1 + (s1r1[1] - xi * s2r1[1]) * 2;
            double head2 = (s1r2[0] - xi * s2r2[0]) * 1 + (s1r2[1] - xi * s2r2[1]) * 2;
            // eq 33 with W^O = 2; ≈ [0.156020, 0.716136]
            assertEquals(2 * head1, x[0], 1e-5);
            assertEquals(2 * head2, x[1], 1e-5);
            assertEquals(0.156020, x[0], 1e-5);
            assertEquals(0.716136, x[1], 1e-5);
        }
    }

    /** N = 3, d_model = 4, h = 2, d_k = 2, batch 2, random fixed weights, against plain-Java loops. */
    @Test
    void eqs31To34AgainstLoopsTwoHeads() {
        int n = 3;
        int dm = 4;
        int h = 2;
        int dk = 2;
        int b = 2;
        double xiInit = 0.35;
        NetworkConfig cfg = NetworkConfig.defaults().withHidden(4).withAttention(dm, h, dk).withXiInit(xiInit);
        AttentionCritic critic = new AttentionCritic(manager, "t", n, 2, 0, cfg, 1);
        Random r = new Random(42);
        double[][] wq = fill(critic.params().get("t.WQ"), r, dm, 2 * h * dk);
        double[][] wk = fill(critic.params().get("t.WK"), r, dm, 2 * h * dk);
        double[][] wv = fill(critic.params().get("t.WV"), r, dm, h * dk);
        double[][] wo = fill(critic.params().get("t.WO"), r, h * dk, dm);
        double[][] q1 = fill(critic.params().get("t.xi_q1"), r, h, dk);
        double[][] k1 = fill(critic.params().get("t.xi_k1"), r, h, dk);
        double[][] q2 = fill(critic.params().get("t.xi_q2"), r, h, dk);
        double[][] k2 = fill(critic.params().get("t.xi_k2"), r, h, dk);
        double[][][] e = new double[b][n][dm];
        float[] ef = new float[b * n * dm];
        for (int i = 0; i < ef.length; i++) {
            ef[i] = (float) r.nextGaussian();
            e[i / (n * dm)][(i / dm) % n][i % dm] = ef[i];
        }
        double[] xi = new double[h];
        for (int hh = 0; hh < h; hh++) {
            double d1 = 0;
            double d2 = 0;
            for (int d = 0; d < dk; d++) {
                d1 += q1[hh][d] * k1[hh][d];
                d2 += q2[hh][d] * k2[hh][d];
            }
            xi[hh] = Math.exp(d1) - Math.exp(d2) + xiInit; // eq 34
        }
        try (NDManager step = manager.newSubManager()) {
            float[] xiGot = critic.xi(step).toFloatArray();
            for (int hh = 0; hh < h; hh++) {
                assertEquals(xi[hh], xiGot[hh], 1e-5);
            }
            float[] got = critic.differentialAttention(step.create(ef, new Shape(b, n, dm))).toFloatArray();
            for (int bb = 0; bb < b; bb++) {
                double[][] concat = new double[n][h * dk];
                for (int hh = 0; hh < h; hh++) {
                    double[][][] qs = new double[2][n][dk];
                    double[][][] ks = new double[2][n][dk];
                    double[][] vs = new double[n][dk];
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < 2; j++) {
                            for (int d = 0; d < dk; d++) {
                                int col = (hh * 2 + j) * dk + d; // documented column layout (eq 31)
                                for (int m = 0; m < dm; m++) {
                                    qs[j][i][d] += e[bb][i][m] * wq[m][col];
                                    ks[j][i][d] += e[bb][i][m] * wk[m][col];
                                }
                            }
                        }
                        for (int d = 0; d < dk; d++) {
                            for (int m = 0; m < dm; m++) {
                                vs[i][d] += e[bb][i][m] * wv[m][hh * dk + d];
                            }
                        }
                    }
                    for (int i = 0; i < n; i++) {
                        double[][] sm = new double[2][];
                        for (int j = 0; j < 2; j++) {
                            double[] s = new double[n];
                            for (int t = 0; t < n; t++) {
                                for (int d = 0; d < dk; d++) {
                                    s[t] += qs[j][i][d] * ks[j][t][d];
                                }
                                s[t] /= Math.sqrt(dk);
                            }
                            sm[j] = softmax(s);
                        }
                        for (int d = 0; d < dk; d++) {
                            double acc = 0;
                            for (int t = 0; t < n; t++) {
                                acc += (sm[0][t] - xi[hh] * sm[1][t]) * vs[t][d]; // eq 32
                            }
                            concat[i][hh * dk + d] = acc;
                        }
                    }
                }
                for (int i = 0; i < n; i++) {
                    for (int m = 0; m < dm; m++) {
                        double x = 0;
                        for (int c = 0; c < h * dk; c++) {
                            x += concat[i][c] * wo[c][m]; // eq 33
                        }
                        assertEquals(x, got[(bb * n + i) * dm + m], 1e-5, "b=" + bb + " agent " + i + " dim " + m);
                    }
                }
            }
        }
    }

    private static double[][] fill(NDArray param, Random r, int rows, int cols) {
        double[][] w = new double[rows][cols];
        float[] f = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float v = (float) (r.nextGaussian() * 0.7);
                w[i][j] = v;
                f[i * cols + j] = v;
            }
        }
        param.set(f);
        return w;
    }

    @Test
    void xiAndEveryProjectionGetGradients() {
        NetworkConfig cfg = NetworkConfig.defaults().withHidden(16).withAttention(8, 2, 4);
        for (int actionDim : new int[] {5, 0}) {
            AttentionCritic critic = new AttentionCritic(manager, "g", 4, 10, actionDim, cfg, 1);
            try (NDManager step = manager.newSubManager()) {
                NDArray obs = step.randomNormal(new Shape(8, 4, 10));
                NDArray act = actionDim == 0 ? null : step.randomUniform(-1, 1, new Shape(8, 4, actionDim));
                try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                    NDArray out = critic.forward(obs, act);
                    assertEquals(new Shape(8, 4), out.getShape());
                    gc.backward(out.square().mean());
                }
                for (Map.Entry<String, NDArray> e : critic.params().asMap().entrySet()) {
                    try (NDArray g = e.getValue().getGradient()) {
                        double norm = g.abs().sum().getFloat();
                        assertTrue(norm > 0 && Double.isFinite(norm), e.getKey() + " gradient norm " + norm);
                    }
                }
                critic.params().zeroGradients();
            }
        }
    }
}
