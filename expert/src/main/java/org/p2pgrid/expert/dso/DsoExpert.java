package org.p2pgrid.expert.dso;

import java.util.ArrayList;
import java.util.List;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.grid.Network;
import org.p2pgrid.env.grid.PowerFlowResult;
import org.p2pgrid.env.grid.RadialPowerFlow;
import org.p2pgrid.env.pomdp.BusLoads;
import org.p2pgrid.env.pomdp.DayExogenous;
import org.p2pgrid.env.pomdp.RewardSettings;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.expert.model.ConvexModel;
import org.p2pgrid.expert.model.ProsumerModel;
import org.p2pgrid.expert.model.ProsumerModelFactory;
import org.p2pgrid.expert.solver.SolveOptions;
import org.p2pgrid.expert.solver.Solution;
import org.p2pgrid.expert.solver.SolverBackend;

/**
 * The DSO of paper §III-A: composes all prosumers' models with the feeder ({@link DsoProblem}),
 * solves, and runs the AC security check — the plan's injections go through the environment's AC
 * power flow (eqs 11–13); where the linear model missed a voltage violation, the band at that bus
 * and step is shrunk by the observed excursion plus a margin (and, with loss correction, the AC
 * branch currents of the plan are fed back into {@link LinDistFlow}); then it re-solves, until the
 * plan is AC-feasible or the iteration limit is reached (reported, never hidden).
 *
 * <p>Thread-safe if the backend and factory are (the default OR-Tools backend is): every call builds
 * its own model and power-flow instance.
 */
public final class DsoExpert {

    /**
     * @param solve               backend options (linearisation segments, polygon sides, time limit)
     * @param lossCorrection      feed AC branch currents back into LinDistFlow after the first check
     * @param checkAllSteps       AC-check every step of the plan (else only its first step t)
     * @param maxIterations       solves at most (the first one included)
     * @param tighteningMarginPu  extra band shrink on top of the observed excursion
     */
    public record Options(SolveOptions solve, boolean lossCorrection, boolean checkAllSteps, int maxIterations,
                          double tighteningMarginPu) {
        public static Options defaults() {
            return new Options(SolveOptions.defaults(), true, true, 6, 1e-3);
        }

        public Options withSolve(SolveOptions s) {
            return new Options(s, lossCorrection, checkAllSteps, maxIterations, tighteningMarginPu);
        }

        public Options withLossCorrection(boolean on) {
            return new Options(solve, on, checkAllSteps, maxIterations, tighteningMarginPu);
        }
    }

    private final Scenario scenario;
    private final ProsumerModelFactory factory;
    private final SolverBackend backend;
    private final Options options;
    private final BusLoads busLoads;

    public DsoExpert(Scenario scenario, ProsumerModelFactory factory, SolverBackend backend, Options options) {
        this.scenario = scenario;
        this.factory = factory;
        this.backend = backend;
        this.options = options;
        this.busLoads = new BusLoads(scenario);
    }

    /** Plans from step t of {@code day} with every prosumer's device state before t. */
    public DsoPlan plan(DayExogenous day, int t, DeviceState[] states) {
        Network network = scenario.network();
        RewardSettings limits = scenario.reward();
        double[][][] band = DsoProblem.defaultVoltageBand(scenario, t);
        double[][] vMin = band[0];
        double[][] vMax = band[1];
        double[][] ell = null;
        List<String> log = new ArrayList<>();
        double solveSeconds = 0;
        double buildSeconds = 0;
        RadialPowerFlow powerFlow = new RadialPowerFlow(network);
        int initialViolated = 0;
        for (int iteration = 1; ; iteration++) {
            long b0 = System.nanoTime();
            DsoProblem problem = DsoProblem.build(scenario, factory, day, t, states, vMin, vMax, ell);
            buildSeconds += (System.nanoTime() - b0) * 1e-9;
            Solution solution = backend.solve(problem.model(), options.solve());
            solveSeconds += solution.solveSeconds();
            if (!solution.isOptimal()) {
                String why = solution.explanation() + (iteration > 1 ? " (after " + (iteration - 1)
                        + " AC tightening round(s): the tightened voltage band may be what made it infeasible)" : "");
                return failed(t, solution, why, solveSeconds, buildSeconds, iteration, log);
            }
            DsoPlan.AcCheck[] check = new DsoPlan.AcCheck[1];
            Extracted plan = extract(problem, solution);
            int horizon = problem.horizon();
            double[][] acV = new double[horizon][];
            double[][] newEll = new double[horizon][];
            int violatedSteps = 0;
            int checked = 0;
            double worst = 0;
            double minV = Double.POSITIVE_INFINITY;
            double maxV = Double.NEGATIVE_INFINITY;
            int tightened = 0;
            double largestLinearError = 0;
            for (int k = 0; k < horizon; k++) {
                if (k > 0 && !options.checkAllSteps()) {
                    acV[k] = new double[0];
                    newEll[k] = ell == null ? new double[network.branchCount()] : ell[k];
                    continue;
                }
                PowerFlowResult pf = acPowerFlow(powerFlow, day, t + k, plan.pExKw[k], plan.qExKvar[k]);
                checked++;
                acV[k] = pf.vmPu().clone();
                newEll[k] = LinDistFlow.branchCurrentSq(network, pf.vmPu(), pf.vaDeg());
                boolean stepViolated = !pf.converged();
                for (int bus = 0; bus < network.busCount(); bus++) {
                    double v = acV[k][bus];
                    minV = Math.min(minV, v);
                    maxV = Math.max(maxV, v);
                    largestLinearError = Math.max(largestLinearError, Math.abs(plan.linearV[k][bus] - v));
                    if (v < limits.vMin()) {
                        stepViolated = true;
                        worst = Math.max(worst, limits.vMin() - v);
                        vMin[k][bus] += limits.vMin() - v + options.tighteningMarginPu();
                        tightened++;
                    } else if (v > limits.vMax()) {
                        stepViolated = true;
                        worst = Math.max(worst, v - limits.vMax());
                        vMax[k][bus] -= v - limits.vMax() + options.tighteningMarginPu();
                        tightened++;
                    }
                }
                if (stepViolated) {
                    violatedSteps++;
                }
            }
            boolean feasible = violatedSteps == 0;
            if (iteration == 1) {
                initialViolated = violatedSteps;
            }
            log.add(String.format("iteration %d: objective %.6f CNY, %d/%d checked steps violate the AC voltage band "
                            + "(worst %.5f p.u., AC range [%.5f, %.5f]), largest |V_lin - V_ac| %.5f p.u.%s",
                    iteration, solution.objective(), violatedSteps, checked, worst, minV, maxV, largestLinearError,
                    feasible ? "" : "; band shrunk at " + tightened + " bus-steps by excursion + "
                            + options.tighteningMarginPu() + " p.u." + (options.lossCorrection() ? ", AC losses fed back" : "")));
            if (feasible || iteration >= options.maxIterations()) {
                String explanation = solution.explanation() + (feasible ? "" : "; AC check FAILED after " + iteration
                        + " iterations: " + violatedSteps + " steps still outside [" + limits.vMin() + ", "
                        + limits.vMax() + "] p.u., worst by " + worst + " p.u. (see the AC check log)");
                check[0] = new DsoPlan.AcCheck(feasible, checked, initialViolated, violatedSteps, worst, minV, maxV, List.copyOf(log));
                return new DsoPlan(t, solution.status(), explanation, solution.objective(),
                        solution.linearisationErrorBound(), plan.actions[0], plan.actions, plan.pExKw, plan.qExKvar,
                        plan.pP2pKw, plan.pGridKw, plan.linearV, acV, solveSeconds, buildSeconds, iteration, check[0]);
            }
            if (options.lossCorrection()) {
                ell = newEll;
            }
            for (int k = 0; k < horizon; k++) {
                for (int bus = 0; bus < network.busCount(); bus++) {
                    if (vMin[k][bus] > vMax[k][bus]) { // never an empty band: meet in the middle
                        double mid = (vMin[k][bus] + vMax[k][bus]) / 2;
                        vMin[k][bus] = mid;
                        vMax[k][bus] = mid;
                    }
                }
            }
        }
    }

    /** AC power flow of one step's injections, with the bus loads formed exactly as the environment forms them. */
    private PowerFlowResult acPowerFlow(RadialPowerFlow pf, DayExogenous day, int step, double[] pExKw, double[] qExKvar) {
        int buses = scenario.network().busCount();
        double[] p = new double[buses];
        double[] q = new double[buses];
        busLoads.fill(day, step, pExKw, qExKvar, p, q);
        return pf.solve(p, q);
    }

    private record Extracted(ProsumerAction[][] actions, double[][] pExKw, double[][] qExKvar, double[][] pP2pKw,
                             double[][] pGridKw, double[][] linearV) {}

    private static final String[] ACTION_EXPORTS = {"P_CDG", "P_RDG", "Q_RDG", "P_BESS", "P_CL"}; // eq 22 order

    private Extracted extract(DsoProblem problem, Solution s) {
        int h = problem.horizon();
        List<ProsumerSpec> specs = scenario.prosumers();
        int n = specs.size();
        ProsumerAction[][] actions = new ProsumerAction[h][n];
        double[][] pEx = new double[h][n];
        double[][] qEx = new double[h][n];
        double[][] p2p = new double[h][n];
        double[][] grid = new double[h][n];
        double[] x = s.x();
        for (int i = 0; i < n; i++) {
            ProsumerModel pm = problem.prosumerModels().get(i);
            int[] owned = specs.get(i).activeActionDims();
            for (int k = 0; k < h; k++) {
                double[] a = new double[ProsumerAction.DIMS];
                for (int dim : owned) {
                    String name = ProsumerModel.ACTION_PREFIX + ACTION_EXPORTS[dim];
                    if (pm.exports().contains(name)) {
                        a[dim] = pm.export(name, k).evaluate(x);
                    }
                }
                actions[k][i] = ProsumerAction.of(a);
                pEx[k][i] = pm.export(ProsumerModel.P_EX, k).evaluate(x);
                qEx[k][i] = pm.export(ProsumerModel.Q_EX, k).evaluate(x);
                p2p[k][i] = pm.export(ProsumerModel.P_P2P, k).evaluate(x);
                grid[k][i] = -pEx[k][i] - p2p[k][i]; // eq 9
            }
        }
        Network network = scenario.network();
        double[][] v = new double[h][network.busCount()];
        for (int k = 0; k < h; k++) {
            for (int b = 0; b < network.busCount(); b++) {
                v[k][b] = Math.sqrt(Math.max(0, problem.grid().u()[k][b].evaluate(x)));
            }
        }
        return new Extracted(actions, pEx, qEx, p2p, grid, v);
    }

    private static DsoPlan failed(int t, Solution s, String why, double solveSeconds, double buildSeconds, int iterations,
                                  List<String> log) {
        return new DsoPlan(t, s.status(), why, Double.NaN, s.linearisationErrorBound(), new ProsumerAction[0],
                new ProsumerAction[0][], new double[0][], new double[0][], new double[0][], new double[0][],
                new double[0][], new double[0][], solveSeconds, buildSeconds, iterations,
                new DsoPlan.AcCheck(false, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, List.copyOf(log)));
    }

    /** Model size, for reports. */
    public static String describe(ConvexModel m) {
        return m.variableCount() + " vars, " + m.rows().size() + " rows, " + m.discs().size() + " discs, "
                + m.quadraticTermCount() + " quadratic terms";
    }
}
