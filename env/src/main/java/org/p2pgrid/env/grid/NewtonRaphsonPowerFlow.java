package org.p2pgrid.env.grid;

/**
 * Full AC Newton–Raphson power flow in polar coordinates, implementing the paper's bus power balance
 * eqs (11)–(12) directly:
 * <pre>
 *   P_i = V_i Σ_j V_j (G_ij cos θ_ij + B_ij sin θ_ij)      (11)
 *   Q_i = V_i Σ_j V_j (G_ij sin θ_ij − B_ij cos θ_ij)      (12)
 * </pre>
 * with the specified injection at every non-slack (PQ) bus equal to minus its net load. Unknowns are
 * θ and V of the PQ buses; the Jacobian is assembled densely (from sparse admittance rows) and solved
 * by LU with partial pivoting, so cost grows as (2n)³: meant as an independent cross-check of
 * {@link RadialPowerFlow} and for small cases (up to a few hundred buses), not for the training loop.
 *
 * <p>Stops when the largest power mismatch is at most the tolerance (p.u.). Note: a near-zero
 * impedance branch (case141's 86–87, admittance ≈ 1.6e6 p.u.) puts a round-off floor of ≈ 1e-10 on
 * the mismatch, so tolerances below ~1e-10 stall and report {@code converged == false}.
 *
 * <p>Not thread-safe (work arrays); no static mutable state.
 */
public final class NewtonRaphsonPowerFlow {
    public static final double DEFAULT_TOLERANCE = 1e-9;
    public static final int DEFAULT_MAX_ITERATIONS = 30;

    private final Network network;
    private final double tolerance;
    private final int maxIterations;
    private final int n;
    private final int slack;
    // Admittance matrix rows in compressed form (diagonal included).
    private final int[] rowStart;
    private final int[] col;
    private final double[] g;
    private final double[] b;
    // Unknown numbering: PQ bus i -> position pos[i] (θ at pos, V at npq + pos); -1 for the slack.
    private final int[] pos;
    private final int npq;
    private final double[][] jacobian;
    private final double[] mismatch;
    private final int[] pivot;

    public NewtonRaphsonPowerFlow(Network network) {
        this(network, DEFAULT_TOLERANCE, DEFAULT_MAX_ITERATIONS);
    }

    public NewtonRaphsonPowerFlow(Network network, double tolerance, int maxIterations) {
        if (!(tolerance > 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("tolerance must be positive and finite, got " + tolerance);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
        }
        this.network = network;
        this.tolerance = tolerance;
        this.maxIterations = maxIterations;
        this.n = network.busCount();
        this.slack = network.slackIndex();
        int m = network.branchCount();
        // Series admittance y = 1/(r + jx) = (r − jx)/(r² + x²); Y_ff = Y_tt += y, Y_ft = Y_tf −= y.
        int[] count = new int[n + 1];
        for (int i = 0; i < n; i++) {
            count[i + 1] = 1;
        }
        for (int k = 0; k < m; k++) {
            count[network.branchFrom(k) + 1]++;
            count[network.branchTo(k) + 1]++;
        }
        for (int i = 0; i < n; i++) {
            count[i + 1] += count[i];
        }
        rowStart = count;
        col = new int[count[n]];
        g = new double[count[n]];
        b = new double[count[n]];
        int[] fill = new int[n];
        for (int i = 0; i < n; i++) {
            col[rowStart[i]] = i; // diagonal first
            fill[i] = rowStart[i] + 1;
        }
        for (int k = 0; k < m; k++) {
            double r = network.branchR(k);
            double x = network.branchX(k);
            double z2 = r * r + x * x;
            double gy = r / z2;
            double by = -x / z2;
            int f = network.branchFrom(k);
            int t = network.branchTo(k);
            g[rowStart[f]] += gy;
            b[rowStart[f]] += by;
            g[rowStart[t]] += gy;
            b[rowStart[t]] += by;
            col[fill[f]] = t;
            g[fill[f]] = -gy;
            b[fill[f]] = -by;
            fill[f]++;
            col[fill[t]] = f;
            g[fill[t]] = -gy;
            b[fill[t]] = -by;
            fill[t]++;
        }
        pos = new int[n];
        int next = 0;
        for (int i = 0; i < n; i++) {
            pos[i] = i == slack ? -1 : next++;
        }
        npq = next;
        jacobian = new double[2 * npq][2 * npq];
        mismatch = new double[2 * npq];
        pivot = new int[2 * npq];
    }

    public Network network() { return network; }

    public PowerFlowResult solve() {
        return solve(network.basePdPu(), network.baseQdPu());
    }

    /** Same contract as {@link RadialPowerFlow#solve(double[], double[])}. */
    public PowerFlowResult solve(double[] pLoadPu, double[] qLoadPu) {
        check("pLoadPu", pLoadPu);
        check("qLoadPu", qLoadPu);
        double[] vm = new double[n];
        double[] va = new double[n]; // radians while iterating
        java.util.Arrays.fill(vm, network.slackVmPu());
        double[] pCalc = new double[n];
        double[] qCalc = new double[n];
        int iterations = 0;
        boolean converged = false;
        while (true) {
            injections(vm, va, pCalc, qCalc);
            double worst = 0;
            for (int i = 0; i < n; i++) {
                if (i == slack) {
                    continue;
                }
                double dp = -pLoadPu[i] - pCalc[i];
                double dq = -qLoadPu[i] - qCalc[i];
                mismatch[pos[i]] = dp;
                mismatch[npq + pos[i]] = dq;
                worst = Math.max(worst, Math.max(Math.abs(dp), Math.abs(dq)));
            }
            if (worst <= tolerance) {
                converged = true;
                break;
            }
            if (iterations >= maxIterations || !(worst < 1e6)) {
                break;
            }
            iterations++;
            assembleJacobian(vm, va, pCalc, qCalc);
            if (!luSolve(jacobian, mismatch, pivot)) {
                break; // singular Jacobian: no solution found
            }
            for (int i = 0; i < n; i++) {
                if (i != slack) {
                    va[i] += mismatch[pos[i]];
                    vm[i] += mismatch[npq + pos[i]];
                }
            }
        }
        double[] vaDeg = new double[n];
        for (int i = 0; i < n; i++) {
            vaDeg[i] = Math.toDegrees(va[i]);
        }
        int m = network.branchCount();
        double[] pFrom = new double[m];
        double[] qFrom = new double[m];
        double lossP = 0;
        double lossQ = 0;
        for (int k = 0; k < m; k++) {
            int f = network.branchFrom(k);
            int t = network.branchTo(k);
            double vfr = vm[f] * Math.cos(va[f]);
            double vfi = vm[f] * Math.sin(va[f]);
            double vtr = vm[t] * Math.cos(va[t]);
            double vti = vm[t] * Math.sin(va[t]);
            double r = network.branchR(k);
            double x = network.branchX(k);
            double z2 = r * r + x * x;
            double dr = vfr - vtr;
            double di = vfi - vti;
            // I = (V_f − V_t) / (r + jx)
            double ir = (dr * r + di * x) / z2;
            double ii = (di * r - dr * x) / z2;
            pFrom[k] = vfr * ir + vfi * ii;
            qFrom[k] = vfi * ir - vfr * ii;
            double i2 = ir * ir + ii * ii;
            lossP += r * i2;
            lossQ += x * i2;
        }
        return new PowerFlowResult(vm, vaDeg, pFrom, qFrom, lossP, lossQ, iterations, converged);
    }

    /** Eqs (11)–(12): calculated bus injections for the current state. */
    private void injections(double[] vm, double[] va, double[] p, double[] q) {
        for (int i = 0; i < n; i++) {
            double sp = 0;
            double sq = 0;
            for (int a = rowStart[i]; a < rowStart[i + 1]; a++) {
                int j = col[a];
                double theta = va[i] - va[j];
                double c = Math.cos(theta);
                double s = Math.sin(theta);
                sp += vm[j] * (g[a] * c + b[a] * s);
                sq += vm[j] * (g[a] * s - b[a] * c);
            }
            p[i] = vm[i] * sp;
            q[i] = vm[i] * sq;
        }
    }

    private void assembleJacobian(double[] vm, double[] va, double[] p, double[] q) {
        for (double[] row : jacobian) {
            java.util.Arrays.fill(row, 0.0);
        }
        for (int i = 0; i < n; i++) {
            if (i == slack) {
                continue;
            }
            int rp = pos[i];
            int rq = npq + pos[i];
            double gii = g[rowStart[i]];
            double bii = b[rowStart[i]];
            jacobian[rp][pos[i]] = -q[i] - bii * vm[i] * vm[i];
            jacobian[rp][npq + pos[i]] = p[i] / vm[i] + gii * vm[i];
            jacobian[rq][pos[i]] = p[i] - gii * vm[i] * vm[i];
            jacobian[rq][npq + pos[i]] = q[i] / vm[i] - bii * vm[i];
            for (int a = rowStart[i] + 1; a < rowStart[i + 1]; a++) {
                int j = col[a];
                if (j == slack) {
                    continue;
                }
                double theta = va[i] - va[j];
                double c = Math.cos(theta);
                double s = Math.sin(theta);
                double gcbs = g[a] * c + b[a] * s;
                double gsbc = g[a] * s - b[a] * c;
                jacobian[rp][pos[j]] = vm[i] * vm[j] * gsbc;
                jacobian[rp][npq + pos[j]] = vm[i] * gcbs;
                jacobian[rq][pos[j]] = -vm[i] * vm[j] * gcbs;
                jacobian[rq][npq + pos[j]] = vm[i] * gsbc;
            }
        }
    }

    /** In-place LU with partial pivoting; solution overwrites {@code rhs}. False if singular. */
    private static boolean luSolve(double[][] a, double[] rhs, int[] piv) {
        int size = rhs.length;
        for (int k = 0; k < size; k++) {
            int best = k;
            double bestAbs = Math.abs(a[k][k]);
            for (int i = k + 1; i < size; i++) {
                double v = Math.abs(a[i][k]);
                if (v > bestAbs) {
                    bestAbs = v;
                    best = i;
                }
            }
            if (bestAbs == 0 || !Double.isFinite(bestAbs)) {
                return false;
            }
            piv[k] = best;
            if (best != k) {
                double[] tmp = a[k];
                a[k] = a[best];
                a[best] = tmp;
                double t = rhs[k];
                rhs[k] = rhs[best];
                rhs[best] = t;
            }
            double[] rowK = a[k];
            double inv = 1.0 / rowK[k];
            for (int i = k + 1; i < size; i++) {
                double[] rowI = a[i];
                double factor = rowI[k] * inv;
                if (factor == 0) {
                    continue; // the Jacobian of a feeder is very sparse
                }
                rowI[k] = factor;
                for (int j = k + 1; j < size; j++) {
                    rowI[j] -= factor * rowK[j];
                }
                rhs[i] -= factor * rhs[k];
            }
        }
        for (int k = size - 1; k >= 0; k--) {
            double sum = rhs[k];
            double[] row = a[k];
            for (int j = k + 1; j < size; j++) {
                sum -= row[j] * rhs[j];
            }
            rhs[k] = sum / row[k];
        }
        return true;
    }

    private void check(String name, double[] values) {
        if (values == null || values.length != n) {
            throw new IllegalArgumentException(name + " must have one entry per bus (" + n + "), got "
                    + (values == null ? "null" : values.length));
        }
        for (int i = 0; i < n; i++) {
            if (i != slack && !Double.isFinite(values[i])) {
                throw new IllegalArgumentException(name + "[" + i + "] (bus " + network.busNumber(i) + ") is "
                        + values[i] + "; loads must be finite");
            }
        }
    }
}
