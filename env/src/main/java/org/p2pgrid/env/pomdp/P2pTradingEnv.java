package org.p2pgrid.env.pomdp;

import java.util.List;
import org.p2pgrid.env.device.ActionProjection;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.Exogenous;
import org.p2pgrid.env.device.ProjectedAction;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.grid.Network;
import org.p2pgrid.env.grid.PowerFlowResult;
import org.p2pgrid.env.grid.RadialPowerFlow;
import org.p2pgrid.env.market.Clearing;
import org.p2pgrid.env.market.CostBreakdown;
import org.p2pgrid.env.market.P2pMarket;
import org.p2pgrid.env.market.P2pPrice;
import org.p2pgrid.env.market.ProsumerCosts;

/**
 * The Dec-POMDP of paper §II-B (eqs 22–26) for one simulated world: one day of 96 fifteen-minute
 * steps. Each step projects the joint action onto the devices' feasible sets (eqs 1–8), forms each
 * prosumer's exchange (eqs 9–10), clears the P2P market at the eq-20 price, prices every term
 * (eqs 14–19), runs the AC power flow (eqs 11–13) and returns the shared reward (eqs 24–26).
 *
 * <p>One instance is one world and is not thread-safe; it shares only the immutable {@link Scenario}
 * with other worlds, so many worlds step in parallel on different threads. Deterministic: the same
 * day and the same actions give the same results (the scenario's exogenous data is seeded).
 */
public final class P2pTradingEnv {
    public static final int STEPS_PER_DAY = 96;

    private final Scenario scenario;
    private final List<ProsumerSpec> prosumers;
    private final int agents;
    private final Network network;
    private final RadialPowerFlow powerFlow;
    private final BusLoads busLoads;
    private final int[] agentBus;
    private final double[] pLoadPu;
    private final double[] qLoadPu;
    private final double[] pExKw;
    private final double[] qExKvar;
    private final ActionProjection projection;
    private final DeviceState[] state;
    private final double[] prevP2pKw;
    private final double[] prevVoltage;

    private DayExogenous day;
    private int t = -1;

    public P2pTradingEnv(Scenario scenario) {
        this.scenario = scenario;
        this.prosumers = scenario.prosumers();
        this.agents = prosumers.size();
        this.network = scenario.network();
        this.powerFlow = new RadialPowerFlow(network);
        this.busLoads = new BusLoads(scenario);
        this.agentBus = new int[agents];
        for (int i = 0; i < agents; i++) {
            agentBus[i] = busLoads.agentBus(i);
        }
        this.pLoadPu = new double[network.busCount()];
        this.qLoadPu = new double[network.busCount()];
        this.pExKw = new double[agents];
        this.qExKvar = new double[agents];
        this.projection = scenario.projection();
        this.state = new DeviceState[agents];
        this.prevP2pKw = new double[agents];
        this.prevVoltage = new double[agents];
    }

    public Scenario scenario() {
        return scenario;
    }

    public int agentCount() {
        return agents;
    }

    /** The step the next {@link #step} call simulates (0..95), or 96 when the day is over. */
    public int currentStep() {
        return t;
    }

    /** The exogenous data of the current day (available renewables, loads, background). */
    public DayExogenous dayData() {
        return day;
    }

    /** Device state (previous CDG output, SOC) of one agent before the current step. */
    public DeviceState deviceState(int agent) {
        return state[agent];
    }

    /** Starts day {@code dayOfYear} (0..364) at step 0 and returns the first observations (eq 23). */
    public double[][] reset(int dayOfYear) {
        return reset(scenario.exogenous().day(dayOfYear));
    }

    /**
     * Starts a day whose exogenous data is already at hand (generated once and re-used across
     * episodes or worlds: {@link DayExogenous} is immutable).
     */
    public double[][] reset(DayExogenous dayData) {
        if (dayData.pLoadKw().length != agents) {
            throw new IllegalArgumentException("day " + dayData.day() + " has data for " + dayData.pLoadKw().length
                    + " prosumers, scenario has " + agents);
        }
        this.day = dayData;
        this.t = 0;
        for (int i = 0; i < agents; i++) {
            state[i] = DeviceState.initial(prosumers.get(i));
            prevP2pKw[i] = 0;
            prevVoltage[i] = scenario.reward().vBase();
        }
        return observations();
    }

    /** Simulates step t with the requested joint action (eq 22); actions outside device limits are projected. */
    public StepResult step(ProsumerAction[] requested) {
        if (day == null) {
            throw new IllegalStateException("step() before reset(day)");
        }
        if (t >= STEPS_PER_DAY) {
            throw new IllegalStateException("day " + day.day() + " is over: call reset(day) first");
        }
        if (requested.length != agents) {
            throw new IllegalArgumentException("joint action has " + requested.length + " agents, scenario has " + agents);
        }
        final double dt = scenario.dtHours();
        final double buy = scenario.tariff().buyAt(t);
        final double sell = scenario.tariff().sellAt(t);
        final double p2pPrice = P2pPrice.of(scenario.p2pPriceCoefficient(), buy, sell); // eq 20

        ProsumerAction[] applied = new ProsumerAction[agents];
        double[] distance = new double[agents];
        DeviceState[] nextState = new DeviceState[agents];
        for (int i = 0; i < agents; i++) {
            ProsumerSpec spec = prosumers.get(i);
            Exogenous exo = new Exogenous(day.pRdgMaxKw()[i][t], day.pLoadKw()[i][t], day.qLoadKvar()[i][t]);
            ProjectedAction projected = projection.project(spec, state[i], exo, requested[i]);
            ProsumerAction a = projected.action();
            applied[i] = a;
            distance[i] = projected.distance();
            nextState[i] = projection.next(spec, state[i], a);
            pExKw[i] = a.netActiveExportKw(exo); // eq 9: P_EX = P_CDG + P_RDG + P_CL − P_Load − P_BESS
            qExKvar[i] = a.netReactiveExportKvar(exo); // eq 10: Q_EX = Q_RDG − Q_Load
        }

        Clearing clearing = P2pMarket.clear(pExKw, p2pPrice);

        CostBreakdown[] costs = new CostBreakdown[agents];
        double totalCost = 0;
        for (int i = 0; i < agents; i++) {
            costs[i] = ProsumerCosts.step(prosumers.get(i), applied[i], clearing.pGridKw()[i], clearing.pP2pKw()[i],
                    buy, sell, p2pPrice, scenario.dsoFeeCnyPerKwh(), dt); // eqs 14–19
            totalCost += costs[i].total();
        }

        busLoads.fill(day, t, pExKw, qExKvar, pLoadPu, qLoadPu); // eqs 9–12
        PowerFlowResult pf = powerFlow.solve(pLoadPu, qLoadPu);

        RewardSettings rs = scenario.reward();
        double[] vm = pf.vmPu();
        double excessSum = 0;
        boolean violated = false;
        for (double v : vm) {
            double e = rs.excess(v);
            excessSum += e;
            violated |= v < rs.vMin() || v > rs.vMax();
        }
        if (!pf.converged()) {
            violated = true; // a collapsed voltage profile is the worst violation, never a silent pass
        }
        double rewardCost = -rs.costWeight() * totalCost;                                             // eq 25
        double rewardPenalty = violated ? -(rs.violationOffset() + rs.violationCoefficient() * excessSum) : 0; // eq 26

        for (int i = 0; i < agents; i++) {
            state[i] = nextState[i];
            prevP2pKw[i] = clearing.pP2pKw()[i];
            prevVoltage[i] = vm[agentBus[i]];
        }
        StepInfo info = new StepInfo(t, applied, distance, costs,
                clearing.pP2pKw().clone(), clearing.pGridKw().clone(), vm, violated, excessSum,
                excessSum / vm.length, clearing.p2pVolumeKw(), clearing.gridImportKw(), clearing.gridExportKw(),
                network.toKw(pf.lossesPu()), pf.converged(), rewardCost, rewardPenalty);
        t++;
        boolean done = t >= STEPS_PER_DAY;
        return new StepResult(observations(), rewardCost + rewardPenalty, done, info);
    }

    /** Per-agent observation s_{i,t} of eq 23 for the step about to be simulated (step 95's values repeat at the end). */
    private double[][] observations() {
        int s = Math.min(t, STEPS_PER_DAY - 1);
        double[][] obs = new double[agents][ObservationLayout.SIZE];
        for (int i = 0; i < agents; i++) {
            double[] o = obs[i];
            o[ObservationLayout.TIME] = (double) t / STEPS_PER_DAY;
            o[ObservationLayout.PRICE_BUY] = scenario.tariff().buyAt(s);
            o[ObservationLayout.PRICE_SELL] = scenario.tariff().sellAt(s);
            o[ObservationLayout.P_RDG_MAX] = day.pRdgMaxKw()[i][s];
            o[ObservationLayout.P_LOAD] = day.pLoadKw()[i][s];
            o[ObservationLayout.Q_LOAD] = day.qLoadKvar()[i][s];
            o[ObservationLayout.PREV_P_CDG] = state[i].prevPCdgKw();
            o[ObservationLayout.PREV_SOC] = state[i].socFraction();
            o[ObservationLayout.PREV_P_P2P] = prevP2pKw[i];
            o[ObservationLayout.PREV_VOLTAGE] = prevVoltage[i];
        }
        return obs;
    }

    @Override
    public String toString() {
        return "P2pTradingEnv[agents=" + agents + ", buses=" + network.busCount() + ", day="
                + (day == null ? "-" : day.day()) + ", t=" + t + "]";
    }
}
