package org.p2pgrid.env.grid;

/**
 * Backward/forward sweep AC power flow for radial feeders (current-summation variant).
 *
 * <p>Solves the same AC equations as the paper's eqs (11)–(12) (bus power balance with the network's
 * branch admittances), exploiting radiality instead of building a Jacobian: with V fixed at the slack,
 * each iteration
 * <ol>
 *   <li>computes every bus's load current I_i = conj(S_i / V_i) from the current voltages,</li>
 *   <li>backward sweep: sums currents from the leaves toward the slack (Kirchhoff's current law), so
 *       J_b of the branch above bus i carries the currents of i's whole subtree,</li>
 *   <li>forward sweep: updates V_child = V_parent − (r + jx)·J_b from the slack outward (Kirchhoff's
 *       voltage law).</li>
 * </ol>
 * It stops when the largest change of a complex bus voltage is at most the tolerance. Branches with
 * (near-)zero impedance are harmless here (they only cause a tiny drop), unlike for Newton–Raphson
 * where their huge admittance makes the Jacobian ill-conditioned.
 *
 * <p>Every solve starts flat (V = V_slack ∠ 0 at all buses), so results depend only on the inputs,
 * never on the previous call.
 *
 * <p><b>Not thread-safe</b>: an instance owns preallocated work arrays that each solve overwrites.
 * Use one instance per environment/world (per thread). There is no static mutable state, so any
 * number of instances can run in parallel, also on the same {@link Network}.
 */
public final class RadialPowerFlow {
    /** Default stop criterion: largest complex voltage change between iterations, p.u. */
    public static final double DEFAULT_TOLERANCE = 1e-9;
    public static final int DEFAULT_MAX_ITERATIONS = 100;
    /** Below this, round-off (≈1e-16 · n) is of the same order as the criterion. */
    public static final double MIN_TOLERANCE = 1e-13;

    private final Network network;
    private final double tolerance;
    private final int maxIterations;

    // Structure, by position in BFS order (pos 0 = slack) so that the sweeps walk memory linearly.
    private final int n;
    private final int slack;
    private final int[] busAt;        // bus index at BFS position
    private final int[] parentPos;    // BFS position of the parent
    private final double[] rAt;       // impedance of the branch to the parent
    private final double[] xAt;
    private final int[] branchAt;     // branch index to the parent
    private final boolean[] branchFromIsParent; // per branch: file "from" bus is the parent end
    private final double[] baseP;
    private final double[] baseQ;

    // Work arrays (overwritten by every solve).
    private final double[] pAt;
    private final double[] qAt;
    private final double[] vRe;
    private final double[] vIm;
    private final double[] jRe;
    private final double[] jIm;
    private final double[] branchRe; // branch currents of the last forward sweep (for flows, losses)
    private final double[] branchIm;

    public RadialPowerFlow(Network network) {
        this(network, DEFAULT_TOLERANCE, DEFAULT_MAX_ITERATIONS);
    }

    /**
     * @param tolerance     stop when max |ΔV| ≤ tolerance (p.u.); at least {@value #MIN_TOLERANCE}
     * @param maxIterations iteration limit (≥ 1); reaching it gives {@code converged == false}
     */
    public RadialPowerFlow(Network network, double tolerance, int maxIterations) {
        if (!(tolerance >= MIN_TOLERANCE) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("tolerance must be a finite number >= " + MIN_TOLERANCE
                    + " p.u., got " + tolerance);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
        }
        this.network = network;
        this.tolerance = tolerance;
        this.maxIterations = maxIterations;
        this.n = network.busCount();
        this.slack = network.slackIndex();
        RadialTopology topo = network.topology();
        int[] order = topo.bfsOrder();
        int[] posOf = new int[n];
        for (int pos = 0; pos < n; pos++) {
            posOf[order[pos]] = pos;
        }
        busAt = order;
        parentPos = new int[n];
        rAt = new double[n];
        xAt = new double[n];
        branchAt = new int[n];
        parentPos[0] = -1;
        branchAt[0] = -1;
        branchFromIsParent = new boolean[network.branchCount()];
        for (int pos = 1; pos < n; pos++) {
            int bus = order[pos];
            int k = topo.parentBranch(bus);
            parentPos[pos] = posOf[topo.parent(bus)];
            rAt[pos] = network.branchR(k);
            xAt[pos] = network.branchX(k);
            branchAt[pos] = k;
            branchFromIsParent[k] = network.branchFrom(k) == topo.parent(bus);
        }
        baseP = network.basePdPu();
        baseQ = network.baseQdPu();
        pAt = new double[n];
        qAt = new double[n];
        vRe = new double[n];
        vIm = new double[n];
        jRe = new double[n];
        jIm = new double[n];
        branchRe = new double[n];
        branchIm = new double[n];
    }

    public Network network() { return network; }

    public double tolerance() { return tolerance; }

    public int maxIterations() { return maxIterations; }

    /** Power flow at the network's base-case loads. */
    public PowerFlowResult solve() {
        return solve(baseP, baseQ);
    }

    /**
     * Power flow for the given net loads.
     *
     * @param pLoadPu net active load per bus index, p.u. on baseMVA (consumption positive, injection
     *                negative); the slack entry is ignored
     * @param qLoadPu net reactive load per bus index, p.u.
     * @throws IllegalArgumentException if an array has the wrong length or holds NaN / infinity
     */
    public PowerFlowResult solve(double[] pLoadPu, double[] qLoadPu) {
        int m = network.branchCount();
        return solveInto(pLoadPu, qLoadPu, new PowerFlowResult(new double[n], new double[n], new double[m],
                new double[m], 0, 0, 0, false));
    }

    /**
     * Like {@link #solve(double[], double[])} but writes into the arrays of {@code reuse} (which must
     * come from a network of the same size) instead of allocating new ones; the returned record shares
     * those arrays. Avoids garbage when stepping many environments.
     */
    public PowerFlowResult solveInto(double[] pLoadPu, double[] qLoadPu, PowerFlowResult reuse) {
        checkInput("pLoadPu", pLoadPu);
        checkInput("qLoadPu", qLoadPu);
        int m = network.branchCount();
        if (reuse.vmPu().length != n || reuse.vaDeg().length != n || reuse.branchPFromPu().length != m
                || reuse.branchQFromPu().length != m) {
            throw new IllegalArgumentException("result to reuse has arrays for a different network size");
        }
        final int n = this.n;
        final int[] parentPos = this.parentPos;
        final double[] rAt = this.rAt;
        final double[] xAt = this.xAt;
        final double[] pAt = this.pAt;
        final double[] qAt = this.qAt;
        final double[] vRe = this.vRe;
        final double[] vIm = this.vIm;
        final double[] jRe = this.jRe;
        final double[] jIm = this.jIm;
        for (int pos = 1; pos < n; pos++) {
            int bus = busAt[pos];
            pAt[pos] = pLoadPu[bus];
            qAt[pos] = qLoadPu[bus];
        }
        double vSlack = network.slackVmPu();
        java.util.Arrays.fill(vRe, vSlack);
        java.util.Arrays.fill(vIm, 0.0);
        // Load currents at the flat start: I = conj(S/V) = (P − jQ)·V / |V|² with V = vSlack.
        double inv0 = 1.0 / (vSlack * vSlack);
        jRe[0] = 0;
        jIm[0] = 0;
        for (int pos = 1; pos < n; pos++) {
            jRe[pos] = pAt[pos] * vSlack * inv0;
            jIm[pos] = -qAt[pos] * vSlack * inv0;
        }
        double tolSquared = tolerance * tolerance;
        int iterations = 0;
        boolean converged = false;
        while (iterations < maxIterations) {
            iterations++;
            // Backward sweep: every jRe/jIm[pos] starts as the bus's own load current (set below, or
            // above at the flat start); walking leaves → root adds each subtree to its parent (KCL).
            for (int pos = n - 1; pos >= 1; pos--) {
                int pp = parentPos[pos];
                jRe[pp] += jRe[pos];
                jIm[pp] += jIm[pos];
            }
            // Forward sweep: V_child = V_parent − Z·J (KVL), root → leaves. The branch currents J are
            // final for this iteration once read, so the same slot then receives the bus's load current
            // for the next iteration, computed from the new voltage (saves a separate pass).
            double maxChangeSquared = 0;
            for (int pos = 1; pos < n; pos++) {
                int pp = parentPos[pos];
                double r = rAt[pos];
                double x = xAt[pos];
                double ir = jRe[pos];
                double ii = jIm[pos];
                double nr = vRe[pp] - (r * ir - x * ii);
                double ni = vIm[pp] - (r * ii + x * ir);
                double dr = nr - vRe[pos];
                double di = ni - vIm[pos];
                double change = dr * dr + di * di;
                if (change > maxChangeSquared) {
                    maxChangeSquared = change;
                }
                vRe[pos] = nr;
                vIm[pos] = ni;
                branchRe[pos] = ir;
                branchIm[pos] = ii;
                double inv = 1.0 / (nr * nr + ni * ni);
                double p = pAt[pos];
                double q = qAt[pos];
                jRe[pos] = (p * nr + q * ni) * inv;
                jIm[pos] = (p * ni - q * nr) * inv;
            }
            jRe[0] = 0;
            jIm[0] = 0;
            if (maxChangeSquared <= tolSquared) {
                converged = true;
                break;
            }
            if (!(maxChangeSquared < 1e6)) { // NaN or blown up: voltage collapse, no solution
                break;
            }
        }
        return fillResult(reuse, iterations, converged);
    }

    private PowerFlowResult fillResult(PowerFlowResult into, int iterations, boolean converged) {
        double[] vm = into.vmPu();
        double[] va = into.vaDeg();
        double[] pFrom = into.branchPFromPu();
        double[] qFrom = into.branchQFromPu();
        double lossP = 0;
        double lossQ = 0;
        for (int pos = 0; pos < n; pos++) {
            int bus = busAt[pos];
            double vr = vRe[pos];
            double vi = vIm[pos];
            vm[bus] = Math.sqrt(vr * vr + vi * vi);
            va[bus] = Math.toDegrees(angle(vi, vr));
            if (pos == 0) {
                continue;
            }
            double ir = branchRe[pos];
            double ii = branchIm[pos];
            double i2 = ir * ir + ii * ii;
            lossP += rAt[pos] * i2;
            lossQ += xAt[pos] * i2;
            int k = branchAt[pos];
            int pp = parentPos[pos];
            if (branchFromIsParent[k]) {
                // S entering at the parent end = V_parent · conj(J).
                double pr = vRe[pp];
                double pi = vIm[pp];
                pFrom[k] = pr * ir + pi * ii;
                qFrom[k] = pi * ir - pr * ii;
            } else {
                // From end is the child: power entering there = −(power arriving) = −V_child · conj(J).
                pFrom[k] = -(vr * ir + vi * ii);
                qFrom[k] = -(vi * ir - vr * ii);
            }
        }
        return new PowerFlowResult(vm, va, pFrom, qFrom, lossP, lossQ, iterations, converged);
    }

    /**
     * atan2(y, x), fast for the small angles of distribution feeders. Math.atan2 has no JIT intrinsic
     * and costs about a third of a 141-bus solve, so for x > 0 and small t = y/x the Taylor series
     * atan t = t − t³/3 + t⁵/5 − … is used, cut where the first dropped term is below 2⁻⁵⁶·|t|
     * (under half an ulp): 4 terms for |t| ≤ 2⁻⁷ (0.45°), 7 terms for |t| ≤ 2⁻⁴ (3.6°). Anything
     * larger goes to Math.atan2.
     */
    static double angle(double y, double x) {
        if (x > 0) {
            double t = y / x;
            double u = t * t;
            if (u <= 0x1p-14) { // |t| ≤ 2⁻⁷: dropped t⁹/9 ≤ 2⁻⁵⁶·|t|/9
                return t * (1 - u * (1.0 / 3 - u * (1.0 / 5 - u * (1.0 / 7))));
            }
            if (u <= 0x1p-8) { // |t| ≤ 2⁻⁴: dropped t¹⁵/15 ≤ 2⁻⁵⁶·|t|/15
                return t * (1 - u * (1.0 / 3 - u * (1.0 / 5 - u * (1.0 / 7 - u * (1.0 / 9
                        - u * (1.0 / 11 - u * (1.0 / 13)))))));
            }
        }
        return Math.atan2(y, x);
    }

    private void checkInput(String name, double[] values) {
        if (values == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (values.length != n) {
            throw new IllegalArgumentException(name + " has length " + values.length + " but " + network.name()
                    + " has " + n + " buses");
        }
        for (int i = 0; i < n; i++) {
            if (i != slack && !Double.isFinite(values[i])) {
                throw new IllegalArgumentException(name + "[" + i + "] (bus " + network.busNumber(i) + ") is "
                        + values[i] + "; loads must be finite");
            }
        }
    }
}
