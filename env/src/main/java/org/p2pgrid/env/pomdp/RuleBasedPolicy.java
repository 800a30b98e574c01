package org.p2pgrid.env.pomdp;

import java.util.List;
import org.p2pgrid.env.device.BessSpec;
import org.p2pgrid.env.device.CdgSpec;
import org.p2pgrid.env.device.ClSpec;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.device.RdgSpec;

import static org.p2pgrid.env.pomdp.ObservationLayout.*;

/**
 * A simple, documented heuristic each prosumer runs on its own observation (eq 23) — the baseline
 * the learned policies must beat. Decentralised like them: agent i sees only its own observation.
 *
 * <ol>
 *   <li>RDG: all available active power; reactive power by a volt-var droop on the voltage seen at the
 *       previous step: absorb above 1.03 p.u., inject below 0.97 p.u., full inverter headroom
 *       √(S² − P²) at 1.05 / 0.95.</li>
 *   <li>BESS: charge from the prosumer's own surplus; discharge into its deficit when the buy price is at
 *       the day's peak level; top up at half rating when the buy price is at the valley level.</li>
 *   <li>CDG: cover the deficit left after the battery, but only up to the output where its marginal cost
 *       b + 2cP (eq 16) equals the current buy price.</li>
 *   <li>CL: at the peak price, curtail what deficit remains (≤ α·load, eq 8) when the discomfort price ρ
 *       is below the buy price.</li>
 * </ol>
 * Infeasible parts (ramp, SOC, circle) are left to the environment's projection.
 */
public final class RuleBasedPolicy implements JointPolicy {
    private static final double DROOP_START = 0.03;
    private static final double DROOP_FULL = 0.05;

    private final List<ProsumerSpec> prosumers;
    private final double peakBuyPrice;
    private final double valleyBuyPrice;

    /**
     * @param peakBuyPrice buy prices at or above this count as "peak" (CNY/kWh)
     * @param valleyBuyPrice buy prices at or below this count as "valley" (CNY/kWh)
     */
    public RuleBasedPolicy(List<ProsumerSpec> prosumers, double peakBuyPrice, double valleyBuyPrice) {
        this.prosumers = List.copyOf(prosumers);
        this.peakBuyPrice = peakBuyPrice;
        this.valleyBuyPrice = valleyBuyPrice;
    }

    @Override
    public ProsumerAction[] act(double[][] observations) {
        ProsumerAction[] actions = new ProsumerAction[prosumers.size()];
        for (int i = 0; i < actions.length; i++) {
            actions[i] = act(prosumers.get(i), observations[i]);
        }
        return actions;
    }

    ProsumerAction act(ProsumerSpec spec, double[] o) {
        double buy = o[PRICE_BUY];
        boolean peak = buy >= peakBuyPrice - 1e-12;
        boolean valley = buy <= valleyBuyPrice + 1e-12;
        double load = o[P_LOAD];

        double pRdg = 0, qRdg = 0;
        RdgSpec rdg = spec.rdg();
        if (rdg != null) {
            pRdg = Math.min(o[P_RDG_MAX], rdg.sMaxKva());
            double headroom = Math.sqrt(Math.max(0, rdg.sMaxKva() * rdg.sMaxKva() - pRdg * pRdg));
            double dev = o[PREV_VOLTAGE] - 1.0;
            double level = clamp((Math.abs(dev) - DROOP_START) / (DROOP_FULL - DROOP_START), 0, 1);
            qRdg = -Math.signum(dev) * level * headroom;
        }
        double deficit = load - pRdg;

        double pBess = 0;
        BessSpec bess = spec.bess();
        if (bess != null) {
            if (deficit < 0) {
                pBess = Math.min(-deficit, bess.pMaxChargeKw());
            } else if (peak) {
                pBess = -Math.min(deficit, bess.pMaxDischargeKw());
            } else if (valley) {
                pBess = 0.5 * bess.pMaxChargeKw();
            }
        }
        deficit += pBess;

        double pCdg = 0;
        CdgSpec cdg = spec.cdg();
        if (cdg != null) {
            double economic = cdg.costQuadCnyPerKw2h() > 0
                    ? (buy - cdg.costLinCnyPerKwh()) / (2 * cdg.costQuadCnyPerKw2h())
                    : (buy > cdg.costLinCnyPerKwh() ? cdg.pMaxKw() : cdg.pMinKw());
            pCdg = clamp(Math.min(Math.max(deficit, 0), economic), cdg.pMinKw(), cdg.pMaxKw());
        }
        deficit -= pCdg;

        double pCl = 0;
        ClSpec cl = spec.cl();
        if (cl != null && peak && deficit > 0 && cl.discomfortCnyPerKwh() < buy) {
            pCl = Math.min(deficit, cl.alpha() * load);
        }
        return new ProsumerAction(pCdg, pRdg, qRdg, pBess, pCl);
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
