package org.p2pgrid.expert.dso;

import java.util.ArrayList;
import java.util.List;
import org.p2pgrid.env.grid.Network;
import org.p2pgrid.env.grid.RadialTopology;
import org.p2pgrid.expert.model.ConvexModel;
import org.p2pgrid.expert.model.LinearExpr;

/**
 * The linearised branch-flow model (LinDistFlow, Baran–Wu without the loss terms) of a radial
 * feeder, added to a {@link ConvexModel} for horizon steps k = 0..H−1: the linear stand-in for the
 * AC equations (11)–(12) with the voltage limits of eq (13).
 *
 * <p>Per step, for every non-slack bus j with parent bus i over branch b (oriented from the slack):
 * <pre>
 *   P_b = P_load,j − P_inj,j + Σ_{c child of j} P_c (+ r_b·ℓ_b)        active balance, kW
 *   Q_b = Q_load,j − Q_inj,j + Σ_{c child of j} Q_c (+ x_b·ℓ_b)        reactive balance, kvar
 *   u_j = u_i − 2·(r_b·P_b + x_b·Q_b)/S_base (+ (r_b² + x_b²)·ℓ_b)     voltage drop, u = V² in p.u.²
 *   V_min,j,k² ≤ u_j ≤ V_max,j,k²,   u_slack = V_slack²
 * </pre>
 * P_b, Q_b are the sending-end flows in kW/kvar (so prosumer exports enter with coefficient 1);
 * impedances are in p.u., and S_base = 1000·baseMVA converts kW to p.u. The bracketed terms are the
 * optional <b>loss correction</b>: ℓ_b = |I_b|² (p.u.) taken from a previous AC power flow of a
 * nearby operating point (fixed numbers, so the model stays linear): they add that branch's AC
 * losses to the flow it must carry and the DistFlow current term to the voltage drop. Without them
 * LinDistFlow neglects losses and typically overestimates voltages of loaded feeders by a few 1e-3 p.u.
 *
 * <p><b>Formulation (for the simplex code; measured in benchmarks/RESULTS.md "Expert DSO solve"):</b>
 * <ul>
 *   <li>the voltage variable is w = S_base·(u − u_slack) (kW-equivalent), so the drop row reads
 *       w_j − w_i + 2r·P + 2x·Q = S_base·(r² + x²)·ℓ with O(r) coefficients — in p.u.² the flow
 *       coefficients 2r/S_base went down to 1.3e-10 on the 141-bus feeder, below HiGHS' 1e-9
 *       small-matrix-value threshold, and HiGHS silently dropped them;</li>
 *   <li>every flow gets the finite bounds its subtree implies (fixed loads and losses minus the
 *       interval of the injections over the model's bounds): no free columns;</li>
 *   <li>subtrees without any controllable injection are eliminated: their flows are constants and
 *       their buses' voltages differ from their nearest active ancestor's by a constant, so their
 *       limits become bounds on that ancestor's w (an empty intersection is kept as a named row, for
 *       the infeasibility diagnostics). The feasible set of the remaining variables is unchanged.</li>
 *   <li>pass-through buses (active, no injection of their own, exactly one active child) are
 *       collapsed: their flow is the child's flow plus constants (their load, losses and eliminated
 *       subtrees) and their w is affine in the parent's w and that flow, so instead of two balance
 *       rows, one drop row and three columns they keep only their voltage limits, as one ranged
 *       inequality row (limits of a chain's interior can bind when the flow changes sign along it,
 *       so none is dropped). The LP optimum is unchanged.</li>
 *   <li>without controllable active injections ({@code injectionKw == null}, e.g. the active
 *       injections fixed and folded into the loads, as the DSO's reactive repair does) the active
 *       flows are constants: no P columns, no active balance rows.</li>
 * </ul>
 * {@link Variables} hence holds affine expressions, not variable indices.
 */
public final class LinDistFlow {

    /**
     * The network quantities per horizon step, as affine expressions over the model's variables (a
     * constant where the formulation eliminated the quantity, see the class comment).
     *
     * @param u {@code [k][bus]} squared voltage magnitude, p.u.²
     * @param pKw {@code [k][branch]} active sending-end flow (slack side), kW
     * @param qKvar {@code [k][branch]} reactive sending-end flow, kvar
     */
    public record Variables(LinearExpr[][] u, LinearExpr[][] pKw, LinearExpr[][] qKvar) {}

    /**
     * Inputs of one horizon, by step k and internal bus / branch index.
     *
     * @param busLoadKw         fixed (background) active load per bus, kW
     * @param busLoadKvar       fixed reactive load per bus, kvar
     * @param injectionKw       controllable active injection per bus (prosumers' P_EX summed), or null
     * @param injectionKvar     controllable reactive injection per bus (Q_EX summed), or null
     * @param vMinPu            lower voltage limit per bus, p.u.
     * @param vMaxPu            upper voltage limit per bus, p.u.
     * @param branchCurrentSqPu ℓ = |I|² per branch from a previous AC solution (loss correction), or
     *                          null for the lossless model
     */
    public record Inputs(double[][] busLoadKw, double[][] busLoadKvar, LinearExpr[][] injectionKw,
                         LinearExpr[][] injectionKvar, double[][] vMinPu, double[][] vMaxPu,
                         double[][] branchCurrentSqPu) {
        public int horizon() {
            return busLoadKw.length;
        }
    }

    private LinDistFlow() {}

    /** Adds the model for every step of the horizon. */
    public static Variables add(ConvexModel model, Network network, String prefix, Inputs in) {
        Builder b = new Builder(model, network, prefix, in);
        for (int k = 0; k < in.horizon(); k++) {
            b.addStep(k);
        }
        return b.variables();
    }

    /**
     * Adds the model step by step (the steps are independent of each other) and solves its equations
     * for given injections ({@link #voltageSq}, used to check a point that has no feeder columns). The
     * {@link #variables()} of a step not (yet) added are null rows.
     */
    public static final class Builder {
        private final ConvexModel model;
        private final Network network;
        private final String prefix;
        private final Inputs in;
        private final RadialTopology topo;
        private final int slack;
        private final int[] order;
        private final List<List<Integer>> children;
        private final boolean[] active;
        private final int[] activeChild;
        private final boolean[] kept;
        private final boolean[] added;
        private final LinearExpr[][] u;
        private final LinearExpr[][] p;
        private final LinearExpr[][] q;

        public Builder(ConvexModel model, Network network, String prefix, Inputs in) {
            this.model = model;
            this.network = network;
            this.prefix = prefix;
            this.in = in;
            int buses = network.busCount();
            topo = network.topology();
            slack = network.slackIndex();
            order = topo.bfsOrder();
            children = new ArrayList<>(buses);
            for (int b = 0; b < buses; b++) {
                children.add(new ArrayList<>());
            }
            for (int j = 0; j < buses; j++) {
                if (j != slack) {
                    children.get(topo.parent(j)).add(j);
                }
            }
            int horizon = in.horizon();
            // A bus is active if its subtree holds a controllable injection at some step.
            active = new boolean[buses];
            boolean[] injecting = new boolean[buses];
            for (int idx = order.length - 1; idx >= 0; idx--) {
                int j = order[idx];
                boolean a = false;
                for (int k = 0; k < horizon && !a; k++) {
                    a = (in.injectionKw() != null && in.injectionKw()[k][j] != null)
                            || (in.injectionKvar() != null && in.injectionKvar()[k][j] != null);
                }
                injecting[j] = a;
                for (int c : children.get(j)) {
                    a |= active[c];
                }
                active[j] = a || j == slack;
            }
            // Pass-through buses: active, no injection of their own, exactly one active child. Their
            // flows are the child's plus constants and their voltage is affine in the neighbours'
            // variables, so they get no columns and no equality rows, only a ranged voltage-limit row.
            activeChild = new int[buses];
            kept = new boolean[buses];
            for (int j = 0; j < buses; j++) {
                int n = 0;
                activeChild[j] = -1;
                for (int c : children.get(j)) {
                    if (active[c]) {
                        n++;
                        activeChild[j] = c;
                    }
                }
                kept[j] = active[j] && (j == slack || injecting[j] || n != 1);
            }
            added = new boolean[horizon];
            u = new LinearExpr[horizon][];
            p = new LinearExpr[horizon][];
            q = new LinearExpr[horizon][];
        }

        /** The quantities of the steps added so far ({@code u[k] == null} for a step not added). */
        public Variables variables() {
            return new Variables(u, p, q);
        }

        /**
         * The LinDistFlow squared voltages u (p.u.²) of step k, bus by bus, for given injections
         * (kW/kvar per bus, the {@link Inputs} injections evaluated at a solution): the same
         * equations as the rows, solved by a backward (flows) and forward (voltages) sweep.
         */
        public double[] voltageSq(int k, double[] injKw, double[] injKvar) {
            int buses = network.busCount();
            double kwToPu = network.toPu(1.0);
            double[] ell = in.branchCurrentSqPu() == null ? null : in.branchCurrentSqPu()[k];
            double[] fp = new double[buses]; // flow into bus j over its parent branch, kW
            double[] fq = new double[buses];
            for (int idx = order.length - 1; idx >= 0; idx--) {
                int j = order[idx];
                double pj = in.busLoadKw()[k][j] - injKw[j];
                double qj = in.busLoadKvar()[k][j] - injKvar[j];
                if (j != slack && ell != null) {
                    int b = topo.parentBranch(j);
                    pj += network.toKw(network.branchR(b) * ell[b]);
                    qj += network.toKw(network.branchX(b) * ell[b]);
                }
                for (int c : children.get(j)) {
                    pj += fp[c];
                    qj += fq[c];
                }
                fp[j] = pj;
                fq[j] = qj;
            }
            double[] uu = new double[buses];
            for (int j : order) {
                if (j == slack) {
                    uu[j] = network.slackVmPu() * network.slackVmPu();
                    continue;
                }
                int b = topo.parentBranch(j);
                double r = network.branchR(b);
                double x = network.branchX(b);
                double l = ell == null ? 0 : ell[b];
                uu[j] = uu[topo.parent(j)] - 2 * (r * fp[j] + x * fq[j]) * kwToPu + (r * r + x * x) * l;
            }
            return uu;
        }

        /**
         * Whether step k's voltages from {@link #voltageSq} leave the band [v_min², max(v_min², v_max²)]
         * of some bus by more than {@code tolPuSq} (p.u.²).
         */
        public boolean violatesBand(int k, double[] uSq, double tolPuSq) {
            for (int j = 0; j < uSq.length; j++) {
                if (j == slack) {
                    continue;
                }
                double lo = in.vMinPu()[k][j];
                double hi = in.vMaxPu()[k][j];
                if (uSq[j] < lo * lo - tolPuSq || uSq[j] > Math.max(lo * lo, hi * hi) + tolPuSq) {
                    return true;
                }
            }
            return false;
        }

        /** Adds step k's columns and rows (no-op if already added). */
        public void addStep(int k) {
            if (added[k]) {
                return;
            }
            added[k] = true;
            int buses = network.busCount();
            int branches = network.branchCount();
            u[k] = new LinearExpr[buses];
            p[k] = new LinearExpr[branches];
            q[k] = new LinearExpr[branches];
            double kwToPu = network.toPu(1.0);
            double s = 1 / kwToPu; // w = (u − u_slack)·S_base: the drop row's coefficients become O(r), O(x)
            double uSlack = network.slackVmPu() * network.slackVmPu();
            double inf = Double.POSITIVE_INFINITY;
            double[] subP = new double[buses];   // Σ (load + loss) over the subtree, kW
            double[] subQ = new double[buses];
            double[] injLoP = new double[buses]; // interval of Σ injections over the subtree
            double[] injHiP = new double[buses];
            double[] injLoQ = new double[buses];
            double[] injHiQ = new double[buses];
            double[] offset = new double[buses]; // w_j − w_a (a = nearest active ancestor-or-self), inactive buses
            int[] anchor = new int[buses];
            double[] wLo = new double[buses];
            double[] wHi = new double[buses];
            int[] w = new int[buses];
            LinearExpr[] wE = new LinearExpr[buses]; // w of active buses as expressions
            double[] ell = in.branchCurrentSqPu() == null ? null : in.branchCurrentSqPu()[k];
            // No controllable active injection (e.g. fixed ones folded into the loads): every active
            // flow is a constant, so no P columns and no active balance rows.
            boolean fixedActive = in.injectionKw() == null;
            // Bottom-up: subtree sums of fixed load + losses, and intervals of the injections.
            for (int idx = order.length - 1; idx >= 0; idx--) {
                int j = order[idx];
                double lossP = 0;
                double lossQ = 0;
                if (j != slack && ell != null) {
                    int b = topo.parentBranch(j);
                    lossP = network.toKw(network.branchR(b) * ell[b]);
                    lossQ = network.toKw(network.branchX(b) * ell[b]);
                }
                subP[j] = in.busLoadKw()[k][j] + lossP;
                subQ[j] = in.busLoadKvar()[k][j] + lossQ;
                double[] ip = interval(model, in.injectionKw() == null ? null : in.injectionKw()[k][j]);
                double[] iq = interval(model, in.injectionKvar() == null ? null : in.injectionKvar()[k][j]);
                injLoP[j] = ip[0];
                injHiP[j] = ip[1];
                injLoQ[j] = iq[0];
                injHiQ[j] = iq[1];
                for (int c : children.get(j)) {
                    subP[j] += subP[c];
                    subQ[j] += subQ[c];
                    injLoP[j] += injLoP[c];
                    injHiP[j] += injHiP[c];
                    injLoQ[j] += injLoQ[c];
                    injHiQ[j] += injHiQ[c];
                }
            }
            // Top-down: voltage offsets of eliminated buses relative to their active anchor, and
            // the band of each active bus tightened by its eliminated descendants' bands.
            for (int j : order) {
                double lo = in.vMinPu()[k][j];
                double hi = in.vMaxPu()[k][j];
                double bandLo = j == slack ? 0 : s * (lo * lo - uSlack);
                double bandHi = j == slack ? 0 : s * (Math.max(lo * lo, hi * hi) - uSlack);
                if (active[j]) {
                    anchor[j] = j;
                    offset[j] = 0;
                    wLo[j] = bandLo;
                    wHi[j] = bandHi;
                } else {
                    int b = topo.parentBranch(j);
                    int i = topo.parent(j);
                    double r = network.branchR(b);
                    double x = network.branchX(b);
                    double l = ell == null ? 0 : ell[b];
                    anchor[j] = anchor[i];
                    offset[j] = offset[i] - 2 * (r * subP[j] + x * subQ[j]) * kwToPu * s + s * (r * r + x * x) * l;
                    int a = anchor[j];
                    wLo[a] = Math.max(wLo[a], bandLo - offset[j]);
                    wHi[a] = Math.min(wHi[a], bandHi - offset[j]);
                }
            }
            for (int j : order) {
                if (!kept[j]) {
                    continue;
                }
                String name = prefix + "w[" + k + "," + j + "]";
                if (wLo[j] <= wHi[j]) {
                    w[j] = model.addVariable(name, wLo[j], wHi[j]);
                } else { // an empty band: keep it as two named rows, so infeasibility diagnostics can say where
                    // (one row lo ≤ w ≤ hi with lo > hi is not a valid row: ConvexModel rejects it)
                    w[j] = model.addVariable(name, -inf, inf);
                    model.addConstraint(prefix + "voltageBandLo[" + k + "," + j + "]", LinearExpr.of(w[j], 1), wLo[j], inf);
                    model.addConstraint(prefix + "voltageBandHi[" + k + "," + j + "]", LinearExpr.of(w[j], 1), -inf, wHi[j]);
                }
            }
            // Bottom-up: flows (variables at kept buses, child's flow + constants at pass-through buses).
            for (int idx = order.length - 1; idx >= 0; idx--) {
                int j = order[idx];
                if (j == slack) {
                    continue;
                }
                int b = topo.parentBranch(j);
                if (!active[j]) {
                    p[k][b] = LinearExpr.constant(subP[j]);
                    q[k][b] = LinearExpr.constant(subQ[j]);
                } else if (kept[j]) {
                    double pl = subP[j] - injHiP[j];
                    double ph = subP[j] - injLoP[j];
                    double ql = subQ[j] - injHiQ[j];
                    double qh = subQ[j] - injLoQ[j];
                    p[k][b] = fixedActive ? LinearExpr.constant(subP[j])
                            : LinearExpr.of(model.addVariable(prefix + "P[" + k + "," + b + "]", pl, ph), 1);
                    q[k][b] = LinearExpr.of(model.addVariable(prefix + "Q[" + k + "," + b + "]", ql, qh), 1);
                } else {
                    int cb = topo.parentBranch(activeChild[j]);
                    p[k][b] = p[k][cb].copy().addConstant(subP[j] - subP[activeChild[j]]);
                    q[k][b] = q[k][cb].copy().addConstant(subQ[j] - subQ[activeChild[j]]);
                }
            }
            // Top-down: w of pass-through buses from their parent's, with their band as a ranged row.
            for (int j : order) {
                if (kept[j]) {
                    wE[j] = LinearExpr.of(w[j], 1);
                } else if (active[j]) {
                    int b = topo.parentBranch(j);
                    double r = network.branchR(b);
                    double x = network.branchX(b);
                    double l = ell == null ? 0 : ell[b];
                    wE[j] = wE[topo.parent(j)].copy().add(p[k][b], -2 * r * kwToPu * s).add(q[k][b], -2 * x * kwToPu * s)
                            .addConstant(s * (r * r + x * x) * l);
                    model.addConstraint(prefix + "voltageBand[" + k + "," + j + "]", wE[j], wLo[j], wHi[j]);
                }
            }
            for (int j = 0; j < buses; j++) {
                u[k][j] = new LinearExpr().add(wE[anchor[j]], 1 / s).addConstant(uSlack + offset[j] / s);
            }
            for (int j : order) {
                if (j == slack || !kept[j]) {
                    continue;
                }
                int b = topo.parentBranch(j);
                int i = topo.parent(j);
                double r = network.branchR(b);
                double x = network.branchX(b);
                double l = ell == null ? 0 : ell[b];
                LinearExpr pBal = p[k][b].copy();
                LinearExpr qBal = q[k][b].copy();
                for (int c : children.get(j)) {
                    pBal.add(p[k][topo.parentBranch(c)], -1);
                    qBal.add(q[k][topo.parentBranch(c)], -1);
                }
                if (in.injectionKw() != null && in.injectionKw()[k][j] != null) {
                    pBal.add(in.injectionKw()[k][j], 1);
                }
                if (in.injectionKvar() != null && in.injectionKvar()[k][j] != null) {
                    qBal.add(in.injectionKvar()[k][j], 1);
                }
                if (!fixedActive) { // else every term is a constant and the row holds by construction of subP
                    model.addEquality(prefix + "balanceP[" + k + "," + j + "]", pBal,
                            in.busLoadKw()[k][j] + network.toKw(r * l));
                }
                model.addEquality(prefix + "balanceQ[" + k + "," + j + "]", qBal,
                        in.busLoadKvar()[k][j] + network.toKw(x * l));
                // s·(u_j − u_i + 2(r·P + x·Q)/S_base − (r² + x²)·ℓ) = 0 with w = s·(u − u_slack)
                LinearExpr drop = new LinearExpr().add(w[j], 1).add(wE[i], -1)
                        .add(p[k][b], 2 * r * kwToPu * s).add(q[k][b], 2 * x * kwToPu * s);
                model.addEquality(prefix + "voltageDrop[" + k + "," + j + "]", drop, s * (r * r + x * x) * l);
            }
        }
    }

    /** [min, max] of an expression over the model's variable bounds (±∞ where unbounded); [0, 0] for null. */
    private static double[] interval(ConvexModel model, LinearExpr e) {
        if (e == null) {
            return new double[] {0, 0};
        }
        double lo = e.constant();
        double hi = e.constant();
        for (int t = 0; t < e.termCount(); t++) {
            double a = e.coef(t);
            double l = model.lowerBound(e.var(t));
            double h = model.upperBound(e.var(t));
            lo += a > 0 ? a * l : a * h;
            hi += a > 0 ? a * h : a * l;
        }
        return new double[] {Double.isNaN(lo) ? Double.NEGATIVE_INFINITY : lo, Double.isNaN(hi) ? Double.POSITIVE_INFINITY : hi};
    }

    /** ℓ_b = |V_from − V_to|² / (r² + x²) per branch from an AC solution (magnitudes p.u., angles degrees). */
    public static double[] branchCurrentSq(Network network, double[] vmPu, double[] vaDeg) {
        double[] ell = new double[network.branchCount()];
        for (int b = 0; b < ell.length; b++) {
            int f = network.branchFrom(b);
            int t = network.branchTo(b);
            double af = Math.toRadians(vaDeg[f]);
            double at = Math.toRadians(vaDeg[t]);
            double dRe = vmPu[f] * Math.cos(af) - vmPu[t] * Math.cos(at);
            double dIm = vmPu[f] * Math.sin(af) - vmPu[t] * Math.sin(at);
            double r = network.branchR(b);
            double x = network.branchX(b);
            ell[b] = (dRe * dRe + dIm * dIm) / (r * r + x * x);
        }
        return ell;
    }
}
