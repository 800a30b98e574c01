package org.p2pgrid.expert.dso;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.grid.Network;
import org.p2pgrid.env.market.P2pPrice;
import org.p2pgrid.env.market.TouTariff;
import org.p2pgrid.env.pomdp.DayExogenous;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.expert.model.ConvexModel;
import org.p2pgrid.expert.model.LinearExpr;
import org.p2pgrid.expert.model.ProsumerForecast;
import org.p2pgrid.expert.model.ProsumerModel;
import org.p2pgrid.expert.model.ProsumerModelFactory;

/**
 * One receding-horizon DSO problem from step t to the end of the day (paper §III-A): every
 * prosumer's model placed by a {@link ProsumerModelFactory} (variables prefixed {@code p<i>.}), the
 * P2P balance Σ_i P_P2P,i,k = 0 per step (eq 21: with one uniform price per step this is what makes
 * Σ_i λ_t^P2P·P_P2P,i,t vanish), and the feeder as {@link LinDistFlow} with the prosumers' P_EX/Q_EX
 * (eqs 9–10) injected at their buses. The objective is the sum of the prosumers' costs (eq 14), i.e.
 * social welfare with the P2P payments cancelling.
 */
public final class DsoProblem {
    private final Scenario scenario;
    private final int firstStep;
    private final int horizon;
    private final ConvexModel model;
    private final List<ProsumerModel> prosumerModels;
    private final LinDistFlow.Builder grid;
    private final LinDistFlow.Inputs gridInputs;
    private final int prosumerVariables;
    private final int prosumerRows;
    private boolean feederAdded;

    private DsoProblem(Scenario scenario, int firstStep, int horizon, ConvexModel model, List<ProsumerModel> prosumerModels,
                       LinDistFlow.Builder grid, LinDistFlow.Inputs gridInputs, int prosumerVariables, int prosumerRows) {
        this.prosumerVariables = prosumerVariables;
        this.prosumerRows = prosumerRows;
        this.scenario = scenario;
        this.firstStep = firstStep;
        this.horizon = horizon;
        this.model = model;
        this.prosumerModels = prosumerModels;
        this.grid = grid;
        this.gridInputs = gridInputs;
    }


    /**
     * Builds the problem.
     *
     * @param states            each prosumer's device state before step t
     * @param vMinPu            lower voltage limit {@code [k][bus]} (e.g. the reward's v-min, tightened)
     * @param vMaxPu            upper voltage limit {@code [k][bus]}
     * @param branchCurrentSqPu loss correction ℓ {@code [k][branch]} or null (see {@link LinDistFlow})
     */
    public static DsoProblem build(Scenario scenario, ProsumerModelFactory factory, DayExogenous day, int t,
                                   DeviceState[] states, double[][] vMinPu, double[][] vMaxPu,
                                   double[][] branchCurrentSqPu) {
        List<ProsumerSpec> specs = scenario.prosumers();
        int steps = scenario.tariff().steps();
        if (t < 0 || t >= steps) {
            throw new IllegalArgumentException("step t = " + t + " outside 0.." + (steps - 1));
        }
        if (states.length != specs.size()) {
            throw new IllegalArgumentException(states.length + " device states for " + specs.size() + " prosumers");
        }
        int horizon = steps - t;
        ConvexModel model = new ConvexModel();
        List<ProsumerModel> placed = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            ProsumerModel pm = factory.place(model, "p" + i + ".", specs.get(i), states[i], forecast(scenario, day, i, t));
            if (pm.horizon() != horizon) {
                throw new IllegalStateException("prosumer " + specs.get(i).id() + "'s model has horizon " + pm.horizon()
                        + ", expected " + horizon);
            }
            for (String export : List.of(ProsumerModel.P_EX, ProsumerModel.Q_EX, ProsumerModel.P_P2P)) {
                if (!pm.exports().contains(export)) {
                    throw new IllegalStateException("prosumer " + specs.get(i).id() + "'s model does not export " + export
                            + " (exports: " + pm.exports() + ")");
                }
            }
            placed.add(pm);
        }
        // Eq (21): the P2P market is balanced at every step.
        for (int k = 0; k < horizon; k++) {
            LinearExpr sum = new LinearExpr();
            for (ProsumerModel pm : placed) {
                sum.add(pm.export(ProsumerModel.P_P2P, k), 1);
            }
            model.addEquality("dso.p2pBalance[" + k + "]", sum, 0);
        }
        Network network = scenario.network();
        int buses = network.busCount();
        double[][] loadKw = new double[horizon][buses];
        double[][] loadKvar = new double[horizon][buses];
        LinearExpr[][] injP = new LinearExpr[horizon][buses];
        LinearExpr[][] injQ = new LinearExpr[horizon][buses];
        for (int k = 0; k < horizon; k++) {
            double bg = day.backgroundFactor()[t + k];
            for (int b = 0; b < buses; b++) {
                loadKw[k][b] = network.toKw(network.basePdPu(b) * bg);
                loadKvar[k][b] = network.toKw(network.baseQdPu(b) * bg);
            }
            for (int i = 0; i < specs.size(); i++) {
                int bus = network.indexOf(specs.get(i).bus());
                injP[k][bus] = (injP[k][bus] == null ? new LinearExpr() : injP[k][bus])
                        .add(placed.get(i).export(ProsumerModel.P_EX, k), 1);
                injQ[k][bus] = (injQ[k][bus] == null ? new LinearExpr() : injQ[k][bus])
                        .add(placed.get(i).export(ProsumerModel.Q_EX, k), 1);
            }
        }
        LinDistFlow.Inputs inputs = new LinDistFlow.Inputs(loadKw, loadKvar, injP, injQ, vMinPu, vMaxPu, branchCurrentSqPu);
        int prosumerVariables = model.variableCount();
        int prosumerRows = model.rows().size();
        LinDistFlow.Builder grid = new LinDistFlow.Builder(model, network, "dso.", inputs);
        return new DsoProblem(scenario, t, horizon, model, List.copyOf(placed), grid, inputs, prosumerVariables,
                prosumerRows);
    }

    /** The prosumers' variables are the model's first this many; the feeder model's come after them. */
    public int prosumerVariableCount() {
        return prosumerVariables;
    }

    /**
     * The model's first this many rows are the prosumers' and the P2P balance (over prosumer variables
     * only); the feeder model's rows come after them.
     */
    public int prosumerRowCount() {
        return prosumerRows;
    }

    /** Whether step k's LinDistFlow voltages for the prosumer injections at x leave the band by more than tolPuSq. */
    public boolean violatesBand(int k, double[] x, double tolPuSq) {
        return grid.violatesBand(k, sweep(k, x), tolPuSq);
    }

    /**
     * Adds step k of the feeder model to {@code m} with the active injections fixed at their values at x
     * (folded into the bus loads, so the active flows are constants: no P columns, no active balance
     * rows) and the reactive injections given per bus as expressions over m's variables (null: none;
     * a constant is folded into the load). Same band and loss correction as this problem's step k.
     */
    public void addFeederStepWithFixedActivePower(ConvexModel m, int k, double[] x, LinearExpr[] injKvar) {
        int buses = scenario.network().busCount();
        double[] loadP = gridInputs.busLoadKw()[k].clone();
        double[] loadQ = gridInputs.busLoadKvar()[k].clone();
        LinearExpr[] q = new LinearExpr[buses];
        for (int b = 0; b < buses; b++) {
            LinearExpr ep = gridInputs.injectionKw() == null ? null : gridInputs.injectionKw()[k][b];
            loadP[b] -= ep == null ? 0 : ep.evaluate(x);
            if (injKvar[b] != null && injKvar[b].isConstant()) {
                loadQ[b] -= injKvar[b].constant();
            } else {
                q[b] = injKvar[b];
            }
        }
        double[][] ell = gridInputs.branchCurrentSqPu();
        LinDistFlow.Inputs one = new LinDistFlow.Inputs(new double[][] {loadP}, new double[][] {loadQ}, null,
                new LinearExpr[][] {q}, new double[][] {gridInputs.vMinPu()[k]}, new double[][] {gridInputs.vMaxPu()[k]},
                ell == null ? null : new double[][] {ell[k]});
        new LinDistFlow.Builder(m, scenario.network(), "dso.step" + k + ".", one).addStep(0);
    }

    /**
     * LinDistFlow squared voltages u {@code [k][bus]} (p.u.²) for the prosumer injections at x: the
     * LinDistFlow equations solved by a sweep (the same numbers as the model's {@link #grid()}
     * expressions at an optimum, but they need only x's prosumer variables).
     */
    public double[][] linearVoltageSq(double[] x) {
        int buses = scenario.network().busCount();
        double[][] v = new double[horizon][];
        for (int k = 0; k < horizon; k++) {
            v[k] = new double[buses];
            v[k] = sweep(k, x);
        }
        return v;
    }

    /**
     * Steps whose LinDistFlow voltages for the prosumer injections at x leave the voltage band by more
     * than {@code tolPuSq} (p.u.²) at some bus (only x's prosumer variables are read). When none does,
     * x's prosumer part extends to a feasible point of the model: the feeder model's rows only define the
     * flows and voltages and limit the latter.
     */
    public List<Integer> violatedNetworkSteps(double[] x, double tolPuSq) {
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < horizon; k++) {
            if (grid.violatesBand(k, sweep(k, x), tolPuSq)) {
                out.add(k);
            }
        }
        return out;
    }

    private double[] sweep(int k, double[] x) {
        int buses = scenario.network().busCount();
        double[] p = new double[buses];
        double[] q = new double[buses];
        for (int b = 0; b < buses; b++) {
            LinearExpr ep = gridInputs.injectionKw() == null ? null : gridInputs.injectionKw()[k][b];
            LinearExpr eq = gridInputs.injectionKvar() == null ? null : gridInputs.injectionKvar()[k][b];
            p[b] = ep == null ? 0 : ep.evaluate(x);
            q[b] = eq == null ? 0 : eq.evaluate(x);
        }
        return grid.voltageSq(k, p, q);
    }

    /** The reward's voltage band [v-min, v-max] at every bus and step of the horizon from t. */
    public static double[][][] defaultVoltageBand(Scenario scenario, int t) {
        int horizon = scenario.tariff().steps() - t;
        int buses = scenario.network().busCount();
        double[][] lo = new double[horizon][buses];
        double[][] hi = new double[horizon][buses];
        for (int k = 0; k < horizon; k++) {
            Arrays.fill(lo[k], scenario.reward().vMin());
            Arrays.fill(hi[k], scenario.reward().vMax());
        }
        return new double[][][] {lo, hi};
    }

    /** Perfect-foresight inputs of prosumer i for steps t..T−1 (prices of eqs 15, 19, 20). */
    public static ProsumerForecast forecast(Scenario scenario, DayExogenous day, int i, int t) {
        TouTariff tariff = scenario.tariff();
        int steps = tariff.steps();
        int h = steps - t;
        double[] buy = new double[h];
        double[] sell = new double[h];
        double[] p2p = new double[h];
        for (int k = 0; k < h; k++) {
            buy[k] = tariff.buyAt(t + k);
            sell[k] = tariff.sellAt(t + k);
            p2p[k] = P2pPrice.of(scenario.p2pPriceCoefficient(), buy[k], sell[k]);
        }
        return new ProsumerForecast(t, scenario.dtHours(),
                Arrays.copyOfRange(day.pRdgMaxKw()[i], t, steps),
                Arrays.copyOfRange(day.pLoadKw()[i], t, steps),
                Arrays.copyOfRange(day.qLoadKvar()[i], t, steps),
                buy, sell, p2p, scenario.dsoFeeCnyPerKwh());
    }

    public Scenario scenario() { return scenario; }

    /** λP2P of eq (20) at horizon step k (the same for every prosumer: it depends on the tariff only). */
    public double p2pPriceCnyPerKwh(int k) {
        TouTariff tariff = scenario.tariff();
        return P2pPrice.of(scenario.p2pPriceCoefficient(), tariff.buyAt(firstStep + k), tariff.sellAt(firstStep + k));
    }
    public int firstStep() { return firstStep; }
    public int horizon() { return horizon; }
    /**
     * The full model: prosumers, P2P balance and the feeder. The feeder's columns and rows are added on
     * the first call (the two-stage solve mostly needs only {@link #prosumerModel()}); after that the
     * two accessors return the same, complete model.
     */
    public synchronized ConvexModel model() {
        if (!feederAdded) {
            for (int k = 0; k < horizon; k++) {
                grid.addStep(k);
            }
            feederAdded = true;
        }
        return model;
    }

    /**
     * The model without the feeder while {@link #model()} has not been called: the prosumers' variables
     * and rows and the P2P balance (the first {@link #prosumerVariableCount()} variables and
     * {@link #prosumerRowCount()} rows of the full model, the same indices). Do not add to it.
     */
    public synchronized ConvexModel prosumerModel() {
        return model;
    }
    public List<ProsumerModel> prosumerModels() { return prosumerModels; }
    /** The feeder quantities as model expressions (builds the full {@link #model()} first). */
    public LinDistFlow.Variables grid() {
        model();
        return grid.variables();
    }
    public LinDistFlow.Inputs gridInputs() { return gridInputs; }
}
