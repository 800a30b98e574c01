package org.p2pgrid.expert.dso;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.p2pgrid.env.device.BessSpec;
import org.p2pgrid.env.device.CdgSpec;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.expert.model.ConvexModel;
import org.p2pgrid.expert.model.LinearExpr;
import org.p2pgrid.expert.model.ProsumerForecast;
import org.p2pgrid.expert.model.ProsumerModel;
import org.p2pgrid.expert.model.ProsumerModelFactory;

/**
 * TEST SCAFFOLDING ONLY (not a production path): the paper's prosumer model written directly on
 * {@link ConvexModel}, standing in for the modelling-language reference models until they land.
 * Per horizon step k, with Δt the step length:
 * <ul>
 *   <li>eqs (1)–(2): P_CDG ∈ [P_min, P_max], |P_CDG,k − P_CDG,k−1| ≤ R (k = 0 against the state);</li>
 *   <li>eqs (3)–(4): 0 ≤ P_RDG ≤ min(P_avail, S), P_RDG² + Q_RDG² ≤ S²;</li>
 *   <li>eqs (5)–(7): P_BESS = P_ch − P_dis, P_ch ∈ [0, P_ch,max], P_dis ∈ [0, P_dis,max],
 *       SOC_k = SOC_k−1 + (η·P_ch − P_dis/η)·Δt/E ∈ [SOC_min, SOC_max];</li>
 *   <li>eq (8): 0 ≤ P_CL ≤ α·P_Load;</li>
 *   <li>eq (9): P_EX = P_CDG + P_RDG + P_CL − P_Load − P_BESS = −P_Grid − P_P2P with P_Grid = buy − sell and
 *       P_P2P = p2p⁺ − p2p⁻, all four parts in [0, the largest import/export P_EX allows];</li>
 *   <li>eq (10): Q_EX = Q_RDG − Q_Load;</li>
 *   <li>eq (14) objective: Σ_k [Δt·(λB·buy − λS·sell) + Δt·(c·P_CDG² + b·P_CDG) + Δt·γ·(P_ch + P_dis)
 *       + Δt·ρ·P_CL + Δt·(λDSO·(p2p⁺ + p2p⁻) + λP2P_k·(p2p⁺ − p2p⁻))]: eq 15 and eq 19's |·| through
 *       nonnegative parts. Exact at an optimum: since λB &gt; λS and λDSO &gt; 0, buying and selling
 *       at once (to the grid, in P2P, or grid one way and P2P the other, with Σ P2P = 0) always costs
 *       more than netting, so an optimum has at most one part nonzero per pair, and the bounds cut off
 *       only such non-optimal points. (Performance: this replaced free P_Grid/P_P2P with epigraph rows
 *       grid_k ≥ …, a_k ≥ ±P_P2P — 4 rows and 3 free columns per prosumer-step — see benchmarks/RESULTS.md.)</li>
 * </ul>
 */
public final class HandWrittenProsumerModels implements ProsumerModelFactory {
    private static final double INF = Double.POSITIVE_INFINITY;

    @Override
    public ProsumerModel place(ConvexModel m, String px, ProsumerSpec spec, DeviceState state, ProsumerForecast f) {
        int h = f.horizon();
        double dt = f.dtHours();
        Map<String, LinearExpr[]> exports = new LinkedHashMap<>();
        LinearExpr[] pEx = new LinearExpr[h];
        LinearExpr[] qEx = new LinearExpr[h];
        LinearExpr[] p2pExport = new LinearExpr[h];
        LinearExpr[] aCdg = new LinearExpr[h];
        LinearExpr[] aPRdg = new LinearExpr[h];
        LinearExpr[] aQRdg = new LinearExpr[h];
        LinearExpr[] aBess = new LinearExpr[h];
        LinearExpr[] aCl = new LinearExpr[h];
        int prevCdg = -1;
        int prevSoc = -1;
        for (int k = 0; k < h; k++) {
            String s = "[" + k + "]";
            LinearExpr ex = LinearExpr.constant(-f.pLoadKw()[k]);
            if (spec.hasCdg()) {
                CdgSpec cdg = spec.cdg();
                int p = m.addVariable(px + "P_CDG" + s, cdg.pMinKw(), cdg.pMaxKw());
                LinearExpr ramp = LinearExpr.of(p, 1);
                if (prevCdg < 0) {
                    ramp.addConstant(-state.prevPCdgKw());
                } else {
                    ramp.add(prevCdg, -1);
                }
                m.addConstraint(px + "ramp" + s, ramp, -cdg.rampKwPerStep(), cdg.rampKwPerStep()); // eq 2
                m.addObjective(LinearExpr.of(p, dt * cdg.costLinCnyPerKwh()));                       // eq 16
                m.addQuadraticObjective(p, dt * cdg.costQuadCnyPerKw2h());
                prevCdg = p;
                ex.add(p, 1);
                aCdg[k] = LinearExpr.of(p, 1);
            }
            double sMax = spec.rdg().sMaxKva();
            int pr = m.addVariable(px + "P_RDG" + s, 0, Math.min(f.pRdgMaxKw()[k], sMax)); // eq 3
            int qr = m.addVariable(px + "Q_RDG" + s, -sMax, sMax);
            m.addDisc(px + "inverter" + s, pr, qr, sMax);                                  // eq 4
            ex.add(pr, 1);
            aPRdg[k] = LinearExpr.of(pr, 1);
            aQRdg[k] = LinearExpr.of(qr, 1);
            if (spec.hasBess()) {
                BessSpec b = spec.bess();
                int ch = m.addVariable(px + "P_ch" + s, 0, b.pMaxChargeKw());        // eq 5
                int dis = m.addVariable(px + "P_dis" + s, 0, b.pMaxDischargeKw());
                int soc = m.addVariable(px + "SOC" + s, b.socMin(), b.socMax());      // eq 6
                LinearExpr update = new LinearExpr().add(soc, 1)
                        .add(ch, -b.efficiency() * dt / b.capacityKwh())
                        .add(dis, dt / (b.efficiency() * b.capacityKwh()));
                if (prevSoc < 0) {
                    update.addConstant(-state.socFraction());
                } else {
                    update.add(prevSoc, -1);
                }
                m.addEquality(px + "soc_update" + s, update, 0);                       // eq 7
                m.addObjective(new LinearExpr().add(ch, dt * b.wearCnyPerKwh()).add(dis, dt * b.wearCnyPerKwh())); // eq 17
                prevSoc = soc;
                ex.add(ch, -1).add(dis, 1);
                aBess[k] = new LinearExpr().add(ch, 1).add(dis, -1);
            }
            int cl = m.addVariable(px + "P_CL" + s, 0, spec.cl().maxCurtailKw(f.pLoadKw()[k])); // eq 8
            m.addObjective(LinearExpr.of(cl, dt * spec.cl().discomfortCnyPerKwh()));            // eq 18
            ex.add(cl, 1);
            aCl[k] = LinearExpr.of(cl, 1);

            // eq 15 and eq 19's |·| as nonnegative parts: P_Grid = buy − sell, P_P2P = p2p⁺ − p2p⁻
            // (λB > λS and the fee > 0 make buying and selling at once never optimal).
            double exLo = ex.constant();
            double exHi = ex.constant();
            for (int t = 0; t < ex.termCount(); t++) {
                double a = ex.coef(t);
                exLo += a * (a > 0 ? m.lowerBound(ex.var(t)) : m.upperBound(ex.var(t)));
                exHi += a * (a > 0 ? m.upperBound(ex.var(t)) : m.lowerBound(ex.var(t)));
            }
            double inMax = Math.max(0, -exLo);
            double outMax = Math.max(0, exHi);
            int buy = m.addVariable(px + "P_buy" + s, 0, inMax);
            int sell = m.addVariable(px + "P_sell" + s, 0, outMax);
            int pPos = m.addVariable(px + "P_P2P+" + s, 0, inMax);
            int pNeg = m.addVariable(px + "P_P2P-" + s, 0, outMax);
            m.addObjective(new LinearExpr().add(buy, dt * f.buyCnyPerKwh()[k]).add(sell, -dt * f.sellCnyPerKwh()[k]));
            double p2pPrice = dt * f.p2pCnyPerKwh()[k];
            double fee = dt * f.dsoFeeCnyPerKwh();
            m.addObjective(new LinearExpr().add(pPos, p2pPrice + fee).add(pNeg, -p2pPrice + fee));
            LinearExpr bal = ex.copy().add(buy, 1).add(sell, -1).add(pPos, 1).add(pNeg, -1);
            m.addEquality(px + "balance" + s, bal, 0);
            pEx[k] = ex;
            qEx[k] = LinearExpr.of(qr, 1).addConstant(-f.qLoadKvar()[k]); // eq 10
            p2pExport[k] = new LinearExpr().add(pPos, 1).add(pNeg, -1);
        }
        exports.put(ProsumerModel.P_EX, pEx);
        exports.put(ProsumerModel.Q_EX, qEx);
        exports.put(ProsumerModel.P_P2P, p2pExport);
        if (spec.hasCdg()) {
            exports.put("action.P_CDG", aCdg);
        }
        exports.put("action.P_RDG", aPRdg);
        exports.put("action.Q_RDG", aQRdg);
        if (spec.hasBess()) {
            exports.put("action.P_BESS", aBess);
        }
        exports.put("action.P_CL", aCl);
        String id = spec.id();
        return new ProsumerModel() {
            @Override public String prosumerId() { return id; }
            @Override public int horizon() { return h; }
            @Override public Set<String> exports() { return exports.keySet(); }
            @Override public LinearExpr export(String name, int k) {
                LinearExpr[] e = exports.get(name);
                if (e == null) {
                    throw new IllegalArgumentException("no export " + name);
                }
                return e[k];
            }
        };
    }
}
