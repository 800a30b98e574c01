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
 */
public final class LinDistFlow {

    /**
     * Indices of the variables added, per horizon step.
     *
     * @param u {@code [k][bus]} squared voltage magnitude, p.u.²
     * @param pKw {@code [k][branch]} active sending-end flow (slack side), kW
     * @param qKvar {@code [k][branch]} reactive sending-end flow, kvar
     */
    public record Variables(int[][] u, int[][] pKw, int[][] qKvar) {}

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

    public static Variables add(ConvexModel model, Network network, String prefix, Inputs in) {
        int buses = network.busCount();
        int branches = network.branchCount();
        RadialTopology topo = network.topology();
        int slack = network.slackIndex();
        List<List<Integer>> children = new ArrayList<>(buses);
        for (int b = 0; b < buses; b++) {
            children.add(new ArrayList<>());
        }
        for (int j = 0; j < buses; j++) {
            if (j != slack) {
                children.get(topo.parent(j)).add(j);
            }
        }
        double kwToPu = network.toPu(1.0);
        int horizon = in.horizon();
        int[][] u = new int[horizon][buses];
        int[][] p = new int[horizon][branches];
        int[][] q = new int[horizon][branches];
        double inf = Double.POSITIVE_INFINITY;
        for (int k = 0; k < horizon; k++) {
            for (int j = 0; j < buses; j++) {
                if (j == slack) {
                    double v2 = network.slackVmPu() * network.slackVmPu();
                    u[k][j] = model.addVariable(prefix + "u[" + k + "," + j + "]", v2, v2);
                } else {
                    double lo = in.vMinPu()[k][j];
                    double hi = in.vMaxPu()[k][j];
                    u[k][j] = model.addVariable(prefix + "u[" + k + "," + j + "]", lo * lo, Math.max(lo * lo, hi * hi));
                }
            }
            for (int b = 0; b < branches; b++) {
                p[k][b] = model.addVariable(prefix + "P[" + k + "," + b + "]", -inf, inf);
                q[k][b] = model.addVariable(prefix + "Q[" + k + "," + b + "]", -inf, inf);
            }
            for (int j = 0; j < buses; j++) {
                if (j == slack) {
                    continue;
                }
                int b = topo.parentBranch(j);
                int i = topo.parent(j);
                double r = network.branchR(b);
                double x = network.branchX(b);
                double ell = in.branchCurrentSqPu() == null ? 0 : in.branchCurrentSqPu()[k][b];
                LinearExpr pBal = LinearExpr.of(p[k][b], 1);
                LinearExpr qBal = LinearExpr.of(q[k][b], 1);
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
                double lossKw = network.toKw(r * ell);
                double lossKvar = network.toKw(x * ell);
                model.addEquality(prefix + "balanceP[" + k + "," + j + "]", pBal, in.busLoadKw()[k][j] + lossKw);
                model.addEquality(prefix + "balanceQ[" + k + "," + j + "]", qBal, in.busLoadKvar()[k][j] + lossKvar);
                LinearExpr drop = new LinearExpr().add(u[k][j], 1).add(u[k][i], -1)
                        .add(p[k][b], 2 * r * kwToPu).add(q[k][b], 2 * x * kwToPu);
                model.addEquality(prefix + "voltageDrop[" + k + "," + j + "]", drop, (r * r + x * x) * ell);
            }
        }
        return new Variables(u, p, q);
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
