package org.p2pgrid.env.pomdp;

import org.p2pgrid.env.grid.Network;

/**
 * How a step's bus loads for the AC power flow (eqs 11–12) are formed — in one place, because the
 * environment and the expert's AC security check must agree exactly: every bus carries its
 * base-case load times the day's background factor, and each prosumer's bus additionally its net
 * consumption −P_EX, −Q_EX (eqs 9–10). Immutable; {@link #fill} writes into caller-owned arrays.
 */
public final class BusLoads {
    private final Network network;
    private final int[] agentBus;

    public BusLoads(Scenario scenario) {
        this.network = scenario.network();
        this.agentBus = new int[scenario.prosumers().size()];
        for (int i = 0; i < agentBus.length; i++) {
            agentBus[i] = network.indexOf(scenario.prosumers().get(i).bus());
        }
    }

    /** Bus index of each agent. */
    public int agentBus(int agent) {
        return agentBus[agent];
    }

    /**
     * @param pExKw per-agent net active export P_EX, kW (eq 9)
     * @param qExKvar per-agent net reactive export Q_EX, kvar (eq 10)
     * @param pLoadPu out: per-bus active load, p.u. (consumption positive)
     * @param qLoadPu out: per-bus reactive load, p.u.
     */
    public void fill(DayExogenous day, int step, double[] pExKw, double[] qExKvar, double[] pLoadPu, double[] qLoadPu) {
        double bg = day.backgroundFactor()[step];
        for (int b = 0; b < pLoadPu.length; b++) {
            pLoadPu[b] = network.basePdPu(b) * bg;
            qLoadPu[b] = network.baseQdPu(b) * bg;
        }
        for (int i = 0; i < agentBus.length; i++) {
            pLoadPu[agentBus[i]] -= network.toPu(pExKw[i]);
            qLoadPu[agentBus[i]] -= network.toPu(qExKvar[i]);
        }
    }
}
