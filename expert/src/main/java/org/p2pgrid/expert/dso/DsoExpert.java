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
import org.p2pgrid.expert.model.LinearExpr;
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
 * <p><b>Two-stage solve</b> ({@link Options#twoStage()}, on by default; measured in benchmarks/RESULTS.md,
 * "Expert DSO solve"): the feeder model costs the simplex code most of its work, yet on the days measured
 * reactive power alone — free in the objective — can meet the voltage limits. So each LP is first solved
 * without the feeder model (prosumers and the P2P balance: a relaxation), then only for the reactive
 * prosumer variables with the feeder model, every other prosumer variable fixed, minimising Σ|Q_EX|
 * (small reactive flows keep LinDistFlow close to AC). If that succeeds without raising the objective,
 * the point is an optimum of the full LP (same optimal value); otherwise the full LP is solved.
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
     * @param twoStage            solve the LP in two small stages when reactive power alone can meet the
     *                            feeder's voltage limits (prosumers without the feeder model, then only the
     *                            reactive variables with the feeder model), else the full LP; the result is an
     *                            optimum of the full LP either way (see {@code solveInTwoStages})
     */
    public record Options(SolveOptions solve, boolean lossCorrection, boolean checkAllSteps, int maxIterations,
                          double tighteningMarginPu, boolean twoStage) {
        /** Options with the two-stage solve on. */
        public Options(SolveOptions solve, boolean lossCorrection, boolean checkAllSteps, int maxIterations,
                       double tighteningMarginPu) {
            this(solve, lossCorrection, checkAllSteps, maxIterations, tighteningMarginPu, true);
        }

        public static Options defaults() {
            return new Options(SolveOptions.defaults(), true, true, 6, 1e-3, true);
        }

        public Options withSolve(SolveOptions s) {
            return new Options(s, lossCorrection, checkAllSteps, maxIterations, tighteningMarginPu, twoStage);
        }

        public Options withLossCorrection(boolean on) {
            return new Options(solve, on, checkAllSteps, maxIterations, tighteningMarginPu, twoStage);
        }

        public Options withTwoStage(boolean on) {
            return new Options(solve, lossCorrection, checkAllSteps, maxIterations, tighteningMarginPu, on);
        }
    }

    /**
     * How far (p.u.², on u = V²) a LinDistFlow voltage of the first stage's point may leave the band and
     * still count as inside: about the simplex codes' primal feasibility tolerance on the feeder rows.
     */
    static final double BAND_TOLERANCE_PU_SQ = 1e-9;

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
        boolean twoStage = options.twoStage();
        for (int iteration = 1; ; iteration++) {
            long b0 = System.nanoTime();
            DsoProblem problem = null;
            Solution solution = null;
            String stages = "";
            if (twoStage) {
                problem = DsoProblem.build(scenario, factory, day, t, states, vMin, vMax, ell);
                buildSeconds += (System.nanoTime() - b0) * 1e-9;
                solution = solveInTwoStages(problem);
                solveSeconds += solution.solveSeconds();
                String e = solution.explanation();
                stages = " (" + e.substring(e.lastIndexOf('[') + 1, e.lastIndexOf(']'));
                if (solution.isOptimal()) {
                    stages += ")";
                } else {
                    solution = null; // the full LP decides (and explains a failure)
                }
            }
            if (solution == null) {
                long b2 = System.nanoTime();
                if (problem == null) {
                    problem = DsoProblem.build(scenario, factory, day, t, states, vMin, vMax, ell);
                }
                buildSeconds += (System.nanoTime() - b2) * 1e-9;
                solution = backend.solve(problem.model(), options.solve());
                solveSeconds += solution.solveSeconds();
                if (twoStage) {
                    stages += String.format("; full LP %.3f s)", solution.solveSeconds());
                }
            }
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
            log.add(String.format("iteration %d%s: objective %.6f CNY, %d/%d checked steps violate the AC voltage band "
                            + "(worst %.5f p.u., AC range [%.5f, %.5f]), largest |V_lin - V_ac| %.5f p.u.%s",
                    iteration, stages, solution.objective(), violatedSteps, checked, worst, minV, maxV, largestLinearError,
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

    /**
     * The full LP's optimum in two small solves when reactive power alone can meet the feeder limits:
     * (1) the prosumers and the P2P balance without the feeder model, a relaxation; if its LinDistFlow
     * voltages are within the band, it is optimal for the full LP; else (2) only the reactive prosumer
     * variables (those Q_EX depends on, with the disc partners they share a polygon with, fixed) and
     * the feeder model, every other prosumer variable fixed at stage 1's value. If that is feasible
     * and the objective at the combined point equals stage 1's (reactive power is free in the
     * objective), the combined point is optimal for the full LP. Otherwise the result is not optimal
     * and the caller solves the full LP. The explanation says what happened, in brackets.
     */
    private Solution solveInTwoStages(DsoProblem problem) {
        ConvexModel full = problem.model();
        int np = problem.prosumerVariableCount();
        int n = full.variableCount();
        double[] none = new double[n];
        java.util.Arrays.fill(none, Double.NaN);
        int[] prosumerVars = new int[np];
        for (int v = 0; v < np; v++) {
            prosumerVars[v] = v;
        }
        Solution s1 = backend.solve(full.subModel(prosumerVars, none), options.solve());
        double seconds = s1.solveSeconds();
        if (!s1.isOptimal()) {
            return Solution.failed(s1.status(), "[relaxed LP " + s1.status() + "]", seconds, s1.backend());
        }
        double[] x = java.util.Arrays.copyOf(s1.x(), n); // network columns 0: only the sweep reads them
        int violated = problem.violatedNetworkSteps(x, BAND_TOLERANCE_PU_SQ).size();
        String what = String.format("relaxed LP %.3f s", s1.solveSeconds());
        if (violated == 0) {
            return new Solution(s1.status(), s1.explanation() + " [" + what + ", feeder limits hold]", s1.objective(), x,
                    seconds, s1.backend(), s1.linearisationErrorBound());
        }
        boolean[] keep = new boolean[n];
        for (ProsumerModel pm : problem.prosumerModels()) {
            for (int k = 0; k < problem.horizon(); k++) {
                var q = pm.export(ProsumerModel.Q_EX, k);
                for (int j = 0; j < q.termCount(); j++) {
                    keep[q.var(j)] = true;
                }
            }
        }
        boolean[] fixedPartner = new boolean[n];
        for (ConvexModel.Disc d : full.discs()) {
            if (keep[d.x()] != keep[d.y()]) {
                int partner = keep[d.x()] ? d.y() : d.x();
                keep[partner] = true;
                fixedPartner[partner] = true;
            }
        }
        for (int v = np; v < n; v++) {
            keep[v] = true;
        }
        int[] kept = java.util.stream.IntStream.range(0, n).filter(v -> keep[v]).toArray();
        ConvexModel repair = full.subModel(kept, x);
        int[] at = new int[n];
        for (int i = 0; i < kept.length; i++) {
            at[kept[i]] = i;
            if (fixedPartner[kept[i]]) {
                repair.setBounds(i, x[kept[i]], x[kept[i]]);
            }
        }
        // Any feasible point will do; the least total |Q_EX| keeps the reactive flows, and with them
        // the LinDistFlow-vs-AC error, small (an arbitrary vertex puts inverters at their Q limits).
        for (ProsumerModel pm : problem.prosumerModels()) {
            for (int k = 0; k < problem.horizon(); k++) {
                var q = pm.export(ProsumerModel.Q_EX, k);
                LinearExpr e = LinearExpr.constant(q.constant());
                double bound = Math.abs(q.constant());
                for (int j = 0; j < q.termCount(); j++) {
                    e.add(at[q.var(j)], q.coef(j));
                    bound += Math.abs(q.coef(j)) * Math.max(Math.abs(full.lowerBound(q.var(j))), Math.abs(full.upperBound(q.var(j))));
                }
                int a = repair.addVariable("absQ", 0, bound);
                repair.addConstraint("absQ+", LinearExpr.of(a, 1).add(e, -1), 0, Double.POSITIVE_INFINITY);
                repair.addConstraint("absQ-", LinearExpr.of(a, 1).add(e, 1), 0, Double.POSITIVE_INFINITY);
                repair.addObjective(LinearExpr.of(a, 1));
            }
        }
        Solution s2 = backend.solve(repair, options.solve());
        seconds += s2.solveSeconds();
        what += String.format(", %d steps leave the band, reactive repair %.3f s", violated, s2.solveSeconds());
        if (!s2.isOptimal()) {
            return Solution.failed(Solution.Status.NOT_SOLVED, "[" + what + " " + s2.status() + "]", seconds, s2.backend());
        }
        for (int i = 0; i < kept.length; i++) {
            x[kept[i]] = s2.x()[i];
        }
        double objective = full.objectiveValue(x);
        if (objective > s1.objective() + 1e-9 * Math.abs(s1.objective()) + 1e-9) {
            return Solution.failed(Solution.Status.NOT_SOLVED, "[" + what + " raised the objective]", seconds,
                    s2.backend());
        }
        return new Solution(Solution.Status.OPTIMAL, s1.explanation() + " [" + what + "]", objective, x, seconds,
                s1.backend(), s1.linearisationErrorBound());
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
        double[][] v = problem.linearVoltageSq(x);
        for (int k = 0; k < h; k++) {
            for (int b = 0; b < network.busCount(); b++) {
                v[k][b] = Math.sqrt(Math.max(0, v[k][b]));
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
