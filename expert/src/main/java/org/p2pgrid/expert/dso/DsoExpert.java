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
 * With the active powers fixed the reactive repair separates by step ({@link Options#perStepRepair()},
 * on by default): each step's least-|Q_EX| point is checked against the band and only the steps that
 * leave it get a (small, active-flow-free) LP — see {@code solveInTwoStages}.
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
     * @param perStepRepair       two-stage only: solve the reactive repair step by step (the least-|Q| point
     *                            per step; block LPs over the steps where it leaves the band, on a small
     *                            thread pool) when
     *                            the model's rows couple no reactive variables across steps; else one LP
     */
    public record Options(SolveOptions solve, boolean lossCorrection, boolean checkAllSteps, int maxIterations,
                          double tighteningMarginPu, boolean twoStage, boolean perStepRepair, boolean dualHint) {
        /**
         * Options with stage 1's dual hint ({@link DsoExpert#dualHint}), on by default: 23–27 % fewer dual
         * simplex iterations at N = 20/100/300; on a quiet box the whole plan took 2.98 → 2.42 s (N = 100) and
         * 18.3 → 17.0 s (N = 300), N = 20 unchanged at 0.42–0.45 s (benchmarks/RESULTS.md).
         */
        public Options(SolveOptions solve, boolean lossCorrection, boolean checkAllSteps, int maxIterations,
                       double tighteningMarginPu, boolean twoStage, boolean perStepRepair) {
            this(solve, lossCorrection, checkAllSteps, maxIterations, tighteningMarginPu, twoStage, perStepRepair, true);
        }

        /** Options with the two-stage solve on. */
        public Options(SolveOptions solve, boolean lossCorrection, boolean checkAllSteps, int maxIterations,
                       double tighteningMarginPu) {
            this(solve, lossCorrection, checkAllSteps, maxIterations, tighteningMarginPu, true);
        }

        /** Options with the per-step reactive repair (when the model allows it). */
        public Options(SolveOptions solve, boolean lossCorrection, boolean checkAllSteps, int maxIterations,
                       double tighteningMarginPu, boolean twoStage) {
            this(solve, lossCorrection, checkAllSteps, maxIterations, tighteningMarginPu, twoStage, true);
        }

        public static Options defaults() {
            return new Options(SolveOptions.defaults(), true, true, 6, 1e-3, true, true, true);
        }

        public Options withSolve(SolveOptions s) {
            return new Options(s, lossCorrection, checkAllSteps, maxIterations, tighteningMarginPu, twoStage, perStepRepair, dualHint);
        }

        public Options withLossCorrection(boolean on) {
            return new Options(solve, on, checkAllSteps, maxIterations, tighteningMarginPu, twoStage, perStepRepair, dualHint);
        }

        public Options withTwoStage(boolean on) {
            return new Options(solve, lossCorrection, checkAllSteps, maxIterations, tighteningMarginPu, on, perStepRepair, dualHint);
        }

        public Options withPerStepRepair(boolean on) {
            return new Options(solve, lossCorrection, checkAllSteps, maxIterations, tighteningMarginPu, twoStage, on, dualHint);
        }

        public Options withDualHint(boolean on) {
            return new Options(solve, lossCorrection, checkAllSteps, maxIterations, tighteningMarginPu, twoStage, perStepRepair, on);
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
            DsoProblem problem = DsoProblem.build(scenario, factory, day, t, states, vMin, vMax, ell);
            buildSeconds += (System.nanoTime() - b0) * 1e-9;
            Solution solution = solve(problem);
            solveSeconds += solution.solveSeconds();
            String stages = "";
            if (twoStage) {
                String e = solution.explanation();
                stages = " (" + e.substring(e.lastIndexOf('[') + 1, e.lastIndexOf(']')) + ")";
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
     * One LP of the plan: the full LP, or with {@link Options#twoStage()} its optimum in two small
     * stages ({@link #solveInTwoStages}) and the full LP only when they do not produce one. With the
     * two-stage solve the explanation ends with what happened, in brackets (no brackets inside).
     */
    Solution solve(DsoProblem problem) {
        if (!options.twoStage()) {
            return backend.solve(problem.model(), options.solve());
        }
        Solution two = solveInTwoStages(problem);
        if (two.isOptimal()) {
            return two;
        }
        String e = two.explanation();
        String stages = e.substring(e.lastIndexOf('[') + 1, e.lastIndexOf(']'));
        Solution full = backend.solve(problem.model(), options.solve());
        return new Solution(full.status(), full.explanation() + " [" + stages + String.format("; full LP %.3f s]",
                full.solveSeconds()), full.objective(), full.x(), two.solveSeconds() + full.solveSeconds(), full.backend(),
                full.linearisationErrorBound());
    }

    /**
     * The full LP's optimum in two small solves when reactive power alone can meet the feeder limits:
     * (1) the prosumers and the P2P balance without the feeder model, a relaxation; (2) only the
     * reactive prosumer variables (those Q_EX depends on, with the disc partners they share a polygon
     * with, fixed) and the feeder model, every other prosumer variable fixed at stage 1's value,
     * minimising Σ|Q_EX|. If that is feasible and the objective at the combined point equals stage 1's
     * (reactive power is free in the objective), the combined point is optimal for the full LP.
     * Otherwise the result is not optimal and the caller solves the full LP. The explanation says what
     * happened, in brackets.
     *
     * <p>With {@link Options#perStepRepair()} and a model whose rows tie no reactive variable to
     * another step's ({@link ReactiveStructure}), stage 2 is separable by step: with the active
     * injections fixed, step k's reactive variables appear only in step k's polygon rows and step k's
     * feeder rows, and Σ|Q_EX| is a sum over steps. So each step is repaired on its own: first the
     * least-|Q_EX| point of its box (Q_EX = 0 where the polygon allows) — a step whose LinDistFlow
     * voltages stay in band there needs no LP (and that point is what its LP would return) — else a
     * small LP with only the reactive flows, voltages and limits of that step (the active flows are
     * constants); the steps left are solved as a few block-diagonal LPs (one per pool thread: per-solve
     * overhead dominates one step's LP). The steps run on a small thread pool; results are written by
     * step index, so the outcome does not depend on scheduling. Whenever
     * the structure allows it (per-step repair or not), stage 1 leaves out the reactive variables that
     * only a polygon ties to an active one (their projection: the partner within ±radius, the polygon's
     * extent on its axis; stage 2 sets them), so both repairs start from the same stage-1 point. If the
     * structure is not separable, stage 2 is one LP over all steps, as before.
     */
    private Solution solveInTwoStages(DsoProblem problem) {
        ReactiveStructure rs = ReactiveStructure.of(problem);
        boolean perStep = rs != null && options.perStepRepair();
        // The per-step repair builds its own small feeder models: the full one is built only if needed.
        ConvexModel full = perStep ? problem.prosumerModel() : problem.model();
        int n = full.variableCount();
        int[] prosumerVars = relaxedVariables(problem, rs);
        ConvexModel relaxed = relaxedModel(problem, rs, prosumerVars);
        long c0 = cpuNanos();
        LinearExpr hint = options.dualHint() ? dualHint(problem, relaxed, prosumerVars) : new LinearExpr();
        if (hint.termCount() > 0) {
            relaxed.addObjective(hint); // zero on the feasible set: same optimum, a better start (see dualHint)
        }
        Solution s1 = backend.solve(relaxed, options.solve());
        double cpu1 = (cpuNanos() - c0) * 1e-9;
        double seconds = s1.solveSeconds();
        if (!s1.isOptimal()) {
            return Solution.failed(s1.status(), "[relaxed LP " + s1.status() + "]", seconds, s1.backend());
        }
        // The stage-1 objective without the hint (the hint's rows hold at the solution to the solver's tolerances).
        double objective1 = s1.objective() - hint.evaluate(s1.x());
        double[] x = new double[n]; // network columns 0: only the sweep reads them
        for (int i = 0; i < prosumerVars.length; i++) {
            x[prosumerVars[i]] = s1.x()[i];
        }
        String what = String.format("relaxed LP %.3f s cpu %.3f s", s1.solveSeconds(), cpu1);
        Solution s2;
        if (perStep) {
            s2 = repairPerStep(problem, rs, x);
            what += ", " + s2.explanation();
        } else {
            // With reactive variables projected out of stage 1 (rs != null) x has no values for them yet.
            int violated = rs != null ? problem.horizon() : problem.violatedNetworkSteps(x, BAND_TOLERANCE_PU_SQ).size();
            if (violated == 0) {
                return new Solution(s1.status(), s1.explanation() + " [" + what + ", feeder limits hold]", objective1,
                        x, seconds, s1.backend(), s1.linearisationErrorBound());
            }
            s2 = repairInOneLp(problem, x);
            what += rs != null ? String.format(", reactive repair in one LP %.3f s", s2.solveSeconds())
                    : String.format(", %d steps leave the band, reactive repair %.3f s", violated, s2.solveSeconds());
            if (!s2.isOptimal()) {
                what += " " + s2.status();
            }
        }
        seconds += s2.solveSeconds();
        if (!s2.isOptimal()) {
            return Solution.failed(Solution.Status.NOT_SOLVED, "[" + what + "]", seconds, s2.backend());
        }
        double objective = full.objectiveValue(x);
        if (objective > objective1 + 1e-9 * Math.abs(objective1) + 1e-9) {
            return Solution.failed(Solution.Status.NOT_SOLVED, "[" + what + " raised the objective]", seconds,
                    s2.backend());
        }
        return new Solution(Solution.Status.OPTIMAL, s1.explanation() + " [" + what + "]", objective, x, seconds,
                s1.backend(), s1.linearisationErrorBound());
    }

    /**
     * A linear form that is zero on stage 1's feasible set, Σ_r μ_r (b_r − a_r·x) over equality rows r, to add to
     * stage 1's objective: every feasible point keeps its objective value (so the optimum and the set of optimal
     * points are unchanged), but the dual simplex, which starts from the slack basis with row duals 0, now starts
     * as if the duals of these rows were μ (reduced costs c − μ·A). Without it the starting point sells every
     * prosumer's largest export to the grid and to peers (their costs −λS·dt and (λDSO − λP2P)·dt are negative)
     * and the simplex spends thousands of iterations undoing that.
     *
     * <p>The rows: for prosumer i and horizon step k, its equality row that contains every variable of its
     * exported P_P2P[k] with coefficients s·(their coefficients in P_P2P[k]) for one s ≠ 0 — its power balance
     * (eq 9) in the reference and hand-written models — if exactly one such row exists (none or several: no hint
     * for that step). μ = dt·λP2P[k] / s, the P2P price as the value of power at the prosumer's connection: the
     * P2P columns' reduced costs become ±λDSO·dt-type terms, grid purchase (λB − λP2P)·dt ≥ 0, grid sale
     * (λP2P − λS)·dt ≥ 0, local generation −λP2P·dt. Only a starting guess: exactness does not depend on it.
     * The DSO's own rows (P2P balance) get no hint.
     *
     * @param vars the relaxed model's variables as indices of the problem's model ({@link #relaxedVariables})
     */
    static LinearExpr dualHint(DsoProblem problem, ConvexModel relaxed, int[] vars) {
        int[] at = new int[problem.prosumerVariableCount()];
        java.util.Arrays.fill(at, -1);
        for (int i = 0; i < vars.length; i++) {
            if (vars[i] < at.length) {
                at[vars[i]] = i;
            }
        }
        List<ConvexModel.Row> rows = relaxed.rows();
        int[] count = new int[relaxed.variableCount() + 1];
        for (ConvexModel.Row r : rows) {
            if (r.lb() == r.ub() && !r.name().startsWith("dso.")) {
                for (int v : r.vars()) {
                    count[v + 1]++;
                }
            }
        }
        for (int v = 0; v < relaxed.variableCount(); v++) {
            count[v + 1] += count[v];
        }
        int[] rowsOf = new int[count[relaxed.variableCount()]];
        int[] fill = java.util.Arrays.copyOf(count, relaxed.variableCount());
        for (int r = 0; r < rows.size(); r++) {
            ConvexModel.Row row = rows.get(r);
            if (row.lb() == row.ub() && !row.name().startsWith("dso.")) {
                for (int v : row.vars()) {
                    rowsOf[fill[v]++] = r;
                }
            }
        }
        double dt = problem.scenario().dtHours();
        LinearExpr hint = new LinearExpr();
        for (ProsumerModel pm : problem.prosumerModels()) {
            for (int k = 0; k < problem.horizon(); k++) {
                LinearExpr e = pm.export(ProsumerModel.P_P2P, k);
                if (e.termCount() == 0 || e.var(0) >= at.length || at[e.var(0)] < 0) {
                    continue;
                }
                int first = at[e.var(0)];
                ConvexModel.Row match = null;
                double scale = 0;
                int matches = 0;
                for (int c = count[first]; c < count[first + 1]; c++) {
                    ConvexModel.Row row = rows.get(rowsOf[c]);
                    double s = proportional(row, e, at);
                    if (s != 0) {
                        matches++;
                        match = row;
                        scale = s;
                    }
                }
                if (matches != 1) {
                    continue;
                }
                double mu = dt * problem.p2pPriceCnyPerKwh(k) / scale;
                for (int j = 0; j < match.vars().length; j++) {
                    hint.add(match.vars()[j], -mu * match.coefs()[j]);
                }
                hint.addConstant(mu * match.lb());
            }
        }
        return hint;
    }

    /** s ≠ 0 if row's coefficient of every variable of e is s times e's (e's variables mapped by at), else 0. */
    private static double proportional(ConvexModel.Row row, LinearExpr e, int[] at) {
        java.util.Map<Integer, Double> eCoef = new java.util.HashMap<>();
        for (int j = 0; j < e.termCount(); j++) {
            int v = e.var(j) < at.length ? at[e.var(j)] : -1;
            if (v < 0) {
                return 0;
            }
            eCoef.merge(v, e.coef(j), Double::sum);
        }
        double s = 0;
        int seen = 0;
        for (int j = 0; j < row.vars().length; j++) {
            Double c = eCoef.get(row.vars()[j]);
            if (c == null) {
                continue;
            }
            if (c == 0) {
                return 0;
            }
            double sj = row.coefs()[j] / c;
            if (s == 0) {
                s = sj;
            } else if (Math.abs(sj - s) > 1e-12 * Math.abs(s)) {
                return 0;
            }
            seen++;
        }
        return seen == eCoef.size() ? s : 0;
    }

    /** Stage 1's variables: the prosumers', without those {@code rs} projects out (rs may be null). */
    static int[] relaxedVariables(DsoProblem problem, ReactiveStructure rs) {
        return java.util.stream.IntStream.range(0, problem.prosumerVariableCount())
                .filter(v -> rs == null || !rs.projected[v]).toArray();
    }

    /**
     * Stage 1's model: the prosumers and the P2P balance without the feeder model over {@code vars}
     * ({@link #relaxedVariables}); a polygon whose reactive variable is projected out leaves its partner
     * within ±radius (the inscribed polygon's extent on its axis: it has vertices on the axes).
     */
    static ConvexModel relaxedModel(DsoProblem problem, ReactiveStructure rs, int[] vars) {
        ConvexModel full = problem.prosumerModel();
        int n = full.variableCount();
        double[] none = new double[n];
        java.util.Arrays.fill(none, Double.NaN);
        ConvexModel relaxed = full.subModel(vars, none);
        if (rs != null) {
            int[] at = new int[n];
            for (int i = 0; i < vars.length; i++) {
                at[vars[i]] = i;
            }
            for (ConvexModel.Disc d : full.discs()) {
                int v = rs.projected[d.x()] ? d.y() : rs.projected[d.y()] ? d.x() : -1;
                if (v >= 0) {
                    relaxed.setBounds(at[v], Math.max(full.lowerBound(v), -d.radius()),
                            Math.min(full.upperBound(v), d.radius()));
                }
            }
        }
        return relaxed;
    }

    /** Stage 2 in one LP over all steps; writes the reactive variables' values into x if optimal. */
    private Solution repairInOneLp(DsoProblem problem, double[] x) {
        ConvexModel full = problem.model();
        int np = problem.prosumerVariableCount();
        int n = full.variableCount();
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
                addAbsObjective(repair, full, pm.export(ProsumerModel.Q_EX, k), at);
            }
        }
        Solution s2 = backend.solve(repair, options.solve());
        if (s2.isOptimal()) {
            for (int i = 0; i < kept.length; i++) {
                x[kept[i]] = s2.x()[i];
            }
        }
        return s2;
    }

    /** Adds a ≥ |e| (e over the full model's variables, mapped by {@code at}) and a to m's objective. */
    private static void addAbsObjective(ConvexModel m, ConvexModel full, LinearExpr q, int[] at) {
        if (q.isConstant()) {
            return;
        }
        LinearExpr e = LinearExpr.constant(q.constant());
        double bound = Math.abs(q.constant());
        for (int j = 0; j < q.termCount(); j++) {
            e.add(at[q.var(j)], q.coef(j));
            bound += Math.abs(q.coef(j)) * Math.max(Math.abs(full.lowerBound(q.var(j))), Math.abs(full.upperBound(q.var(j))));
        }
        int a = m.addVariable("absQ", 0, bound);
        m.addConstraint("absQ+", LinearExpr.of(a, 1).add(e, -1), 0, Double.POSITIVE_INFINITY);
        m.addConstraint("absQ-", LinearExpr.of(a, 1).add(e, 1), 0, Double.POSITIVE_INFINITY);
        m.addObjective(LinearExpr.of(a, 1));
    }

    /**
     * Which prosumer variables the reactive repair frees, step by step: the variables of Q_EX(k)
     * ({@code step[v] = k}), their polygon partners (fixed, same step), and the prosumer rows that
     * involve them (by step). {@link #of} returns null when the model ties a reactive variable to
     * another step's (shared between two steps' Q_EX, a row or polygon across steps, a square
     * epigraph): then stage 2 is one LP.
     */
    static final class ReactiveStructure {
        final int[] step;
        final boolean[] reactive;
        final boolean[] partner;
        /** reactive, in no prosumer row, in exactly one disc with a non-reactive partner, 0 within its bounds, not in the objective */
        final boolean[] projected;
        final List<List<Integer>> varsByStep = new ArrayList<>();
        final List<List<ConvexModel.Row>> rowsByStep = new ArrayList<>();
        final List<List<ConvexModel.Disc>> discsByStep = new ArrayList<>();

        private ReactiveStructure(int n, int horizon) {
            step = new int[n];
            java.util.Arrays.fill(step, -1);
            reactive = new boolean[n];
            partner = new boolean[n];
            projected = new boolean[n];
            for (int k = 0; k < horizon; k++) {
                varsByStep.add(new ArrayList<>());
                rowsByStep.add(new ArrayList<>());
                discsByStep.add(new ArrayList<>());
            }
        }

        static ReactiveStructure of(DsoProblem problem) {
            ConvexModel full = problem.prosumerModel();
            int n = full.variableCount();
            int h = problem.horizon();
            ReactiveStructure rs = new ReactiveStructure(n, h);
            for (ProsumerModel pm : problem.prosumerModels()) {
                for (int k = 0; k < h; k++) {
                    LinearExpr q = pm.export(ProsumerModel.Q_EX, k);
                    for (int j = 0; j < q.termCount(); j++) {
                        int v = q.var(j);
                        if (rs.step[v] >= 0 && rs.step[v] != k) {
                            return null;
                        }
                        if (!rs.reactive[v]) {
                            rs.reactive[v] = true;
                            rs.step[v] = k;
                            rs.varsByStep.get(k).add(v);
                        }
                    }
                }
            }
            int[] discCount = new int[n];
            for (ConvexModel.Disc d : full.discs()) {
                boolean rx = rs.reactive[d.x()];
                boolean ry = rs.reactive[d.y()];
                if (!rx && !ry) {
                    continue;
                }
                int k = rx ? rs.step[d.x()] : rs.step[d.y()];
                for (int v : new int[] {d.x(), d.y()}) {
                    if (rs.step[v] >= 0 && rs.step[v] != k) {
                        return null;
                    }
                    if (!rs.reactive[v] && !rs.partner[v]) {
                        rs.partner[v] = true;
                        rs.step[v] = k;
                        rs.varsByStep.get(k).add(v);
                    }
                    discCount[v]++;
                }
                rs.discsByStep.get(k).add(d);
            }
            for (ConvexModel.SquareEpigraph sq : full.squareEpigraphs()) {
                if (rs.reactive[sq.x()] || rs.reactive[sq.t()]) {
                    return null;
                }
            }
            boolean[] inRow = new boolean[n];
            List<ConvexModel.Row> rows = full.rows();
            for (int r = 0; r < problem.prosumerRowCount(); r++) {
                ConvexModel.Row row = rows.get(r);
                int k = -1;
                for (int v : row.vars()) {
                    if (rs.reactive[v]) {
                        if (k >= 0 && rs.step[v] != k) {
                            return null;
                        }
                        k = rs.step[v];
                        inRow[v] = true;
                    }
                }
                if (k >= 0) {
                    rs.rowsByStep.get(k).add(row);
                }
            }
            boolean[] inObjective = new boolean[n];
            LinearExpr obj = full.linearObjective();
            for (int j = 0; j < obj.termCount(); j++) {
                inObjective[obj.var(j)] = true;
            }
            for (int j = 0; j < full.quadraticTermCount(); j++) {
                inObjective[full.quadraticVar(j)] = true;
            }
            for (ConvexModel.Disc d : full.discs()) {
                for (int[] pair : new int[][] {{d.x(), d.y()}, {d.y(), d.x()}}) {
                    int v = pair[0];
                    int other = pair[1];
                    rs.projected[v] |= rs.reactive[v] && !rs.reactive[other] && !inRow[v] && !inObjective[v]
                            && discCount[v] == 1 && full.lowerBound(v) <= 0 && full.upperBound(v) >= 0;
                }
            }
            return rs;
        }
    }

    /** What one step's least-|Q_EX| check did. */
    private record StepCheck(boolean inBand, double cpuSeconds) {}

    /** What one batch of per-step LPs did. */
    private record BatchResult(Solution.Status status, double seconds, double cpuSeconds, String backend) {}

    /**
     * Stage 2 step by step (see {@link #solveInTwoStages}); writes each step's reactive variables into
     * x (disjoint by step). Phase (a): every step's least-|Q_EX| point and its band check, in parallel.
     * Phase (b): the steps left, as block-diagonal LPs, one per pool thread (contiguous runs of steps;
     * one LP per step costs more in per-solve overhead than the blocks do in size). The result carries
     * no point; its explanation says what happened (no brackets).
     */
    private Solution repairPerStep(DsoProblem problem, ReactiveStructure rs, double[] x) {
        long start = System.nanoTime();
        int h = problem.horizon();
        int n = problem.prosumerModel().variableCount();
        int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), h));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
            Thread th = new Thread(r, "dso-reactive-repair");
            th.setDaemon(true);
            return th;
        });
        double cpu = 0;
        List<Integer> needLp = new ArrayList<>();
        List<BatchResult> batches = new ArrayList<>();
        try {
            int[] indexA = new int[n];
            List<java.util.concurrent.Future<StepCheck>> checks = new ArrayList<>(h);
            for (int k = 0; k < h; k++) {
                int step = k;
                checks.add(pool.submit(() -> checkLeastAbsPoint(problem, rs, x, step, indexA)));
            }
            for (int k = 0; k < h; k++) {
                StepCheck c = checks.get(k).get();
                cpu += c.cpuSeconds();
                if (!c.inBand()) {
                    needLp.add(k);
                }
            }
            int chunks = Math.min(threads, needLp.size());
            int[] indexB = new int[n];
            List<java.util.concurrent.Future<BatchResult>> lps = new ArrayList<>(chunks);
            for (int c = 0; c < chunks; c++) {
                List<Integer> steps = needLp.subList(c * needLp.size() / chunks, (c + 1) * needLp.size() / chunks);
                lps.add(pool.submit(() -> solveStepBatch(problem, rs, x, steps, indexB)));
            }
            for (var f : lps) {
                BatchResult b = f.get();
                batches.add(b);
                cpu += b.cpuSeconds();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the reactive repair", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("reactive repair failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        double lpSeconds = 0;
        String backendName = backend.name();
        Solution.Status failure = null;
        for (BatchResult b : batches) {
            lpSeconds = Math.max(lpSeconds, b.seconds());
            backendName = b.backend();
            if (b.status() != Solution.Status.OPTIMAL && failure == null) {
                failure = b.status();
            }
        }
        double seconds = (System.nanoTime() - start) * 1e-9;
        String what = String.format("reactive repair per step %.3f s cpu %.3f s on %d threads: %d of %d steps need an LP"
                + " (%d block LPs, %.3f s), the others stay in band at least |Q_EX|", seconds, cpu, threads, needLp.size(), h,
                batches.size(), lpSeconds);
        if (failure != null) {
            return Solution.failed(failure, what + "; a block LP is " + failure, seconds, backendName);
        }
        return new Solution(Solution.Status.OPTIMAL, what, Double.NaN, new double[0], seconds, backendName, 0);
    }

    /**
     * Adds step k's reactive variables (partners fixed at x), the prosumer rows and polygons that hold
     * them (other variables at x) to m; {@code index[v]} = m's column of each.
     */
    private static void addStepVariables(ConvexModel m, DsoProblem problem, ReactiveStructure rs, double[] x, int k,
                                         int[] index) {
        ConvexModel full = problem.prosumerModel();
        for (int v : rs.varsByStep.get(k)) {
            double lb = rs.partner[v] ? x[v] : full.lowerBound(v);
            double ub = rs.partner[v] ? x[v] : full.upperBound(v);
            index[v] = m.addVariable(full.varName(v), lb, ub);
        }
        for (ConvexModel.Row row : rs.rowsByStep.get(k)) {
            LinearExpr e = new LinearExpr();
            double c = 0;
            for (int j = 0; j < row.vars().length; j++) {
                int v = row.vars()[j];
                if (rs.step[v] == k) {
                    e.add(index[v], row.coefs()[j]);
                } else {
                    c += row.coefs()[j] * x[v];
                }
            }
            m.addConstraint(row.name(), e, row.lb() - c, row.ub() - c);
        }
        for (ConvexModel.Disc d : rs.discsByStep.get(k)) {
            m.addDisc(d.name(), index[d.x()], index[d.y()], d.radius());
        }
    }

    /** Phase (a) of step k: sets its reactive variables in x to the least-|Q_EX| point; whether that is in band. */
    private StepCheck checkLeastAbsPoint(DsoProblem problem, ReactiveStructure rs, double[] x, int k, int[] index) {
        long c0 = cpuNanos();
        ConvexModel m = new ConvexModel();
        addStepVariables(m, problem, rs, x, k, index);
        double[] point = leastAbsPoint(m, problem.prosumerModels(), k, index);
        boolean inBand = false;
        if (point != null) {
            for (int v : rs.varsByStep.get(k)) {
                x[v] = point[index[v]];
            }
            inBand = !problem.violatesBand(k, x, BAND_TOLERANCE_PU_SQ);
        }
        return new StepCheck(inBand, (cpuNanos() - c0) * 1e-9);
    }

    /**
     * Phase (b) for some steps: one LP, block-diagonal by step — each step's reactive variables, min
     * Σ|Q_EX| and its feeder model with the active injections fixed. Writes the steps' variables into x.
     */
    private BatchResult solveStepBatch(DsoProblem problem, ReactiveStructure rs, double[] x, List<Integer> steps,
                                       int[] index) {
        long c0 = cpuNanos();
        long t0 = System.nanoTime();
        ConvexModel full = problem.prosumerModel();
        ConvexModel m = new ConvexModel();
        List<ProsumerModel> pms = problem.prosumerModels();
        int buses = problem.scenario().network().busCount();
        List<org.p2pgrid.env.device.ProsumerSpec> specs = problem.scenario().prosumers();
        for (int k : steps) {
            addStepVariables(m, problem, rs, x, k, index);
            LinearExpr[] injQ = new LinearExpr[buses];
            for (int i = 0; i < pms.size(); i++) {
                LinearExpr q = pms.get(i).export(ProsumerModel.Q_EX, k);
                addAbsObjective(m, full, q, index);
                int bus = problem.scenario().network().indexOf(specs.get(i).bus());
                LinearExpr mapped = LinearExpr.constant(q.constant());
                for (int j = 0; j < q.termCount(); j++) {
                    mapped.add(index[q.var(j)], q.coef(j));
                }
                injQ[bus] = injQ[bus] == null ? mapped : injQ[bus].add(mapped, 1);
            }
            problem.addFeederStepWithFixedActivePower(m, k, x, injQ);
        }
        Solution s = backend.solve(m, options.solve());
        if (s.isOptimal()) {
            for (int k : steps) {
                for (int v : rs.varsByStep.get(k)) {
                    x[v] = s.x()[index[v]];
                }
            }
        }
        return new BatchResult(s.status(), (System.nanoTime() - t0) * 1e-9, (cpuNanos() - c0) * 1e-9, s.backend());
    }

    /**
     * The point of step model m (linearised as the backend will) minimising every |Q_EX,i| on its own,
     * when that is well defined in closed form: every linearised row has at most one non-fixed
     * variable (a box) and every Q_EX has at most one, each in one Q_EX only. Null otherwise (the
     * step's LP decides). Indexed like m's variables.
     */
    private double[] leastAbsPoint(ConvexModel m, List<ProsumerModel> pms, int k, int[] index) {
        ConvexModel lin = org.p2pgrid.expert.solver.Linearizer.linearize(m, options.solve()).model();
        int nv = m.variableCount();
        double[] lo = new double[nv];
        double[] hi = new double[nv];
        for (int v = 0; v < nv; v++) {
            lo[v] = m.lowerBound(v);
            hi[v] = m.upperBound(v);
        }
        for (ConvexModel.Row row : lin.rows()) {
            int free = -1;
            double a = 0;
            double c = 0;
            for (int j = 0; j < row.vars().length; j++) {
                int v = row.vars()[j];
                if (v >= nv) {
                    return null; // an auxiliary column: not a box
                }
                if (m.lowerBound(v) == m.upperBound(v)) {
                    c += row.coefs()[j] * m.lowerBound(v);
                } else if (free >= 0) {
                    return null;
                } else {
                    free = v;
                    a = row.coefs()[j];
                }
            }
            if (free < 0) {
                continue; // fixed only: held at stage 1's point
            }
            double l = (row.lb() - c) / a;
            double u = (row.ub() - c) / a;
            lo[free] = Math.max(lo[free], Math.min(l, u));
            hi[free] = Math.min(hi[free], Math.max(l, u));
        }
        double[] p = new double[nv];
        boolean[] set = new boolean[nv];
        for (int v = 0; v < nv; v++) {
            if (lo[v] > hi[v] + 1e-9 * Math.max(1, Math.abs(lo[v]))) {
                return null; // empty (the LP will say so)
            }
            p[v] = m.lowerBound(v) == m.upperBound(v) ? m.lowerBound(v) : Math.min(hi[v], Math.max(lo[v], 0));
        }
        for (ProsumerModel pm : pms) {
            LinearExpr q = pm.export(ProsumerModel.Q_EX, k);
            int free = -1;
            double a = 0;
            double c = q.constant();
            for (int j = 0; j < q.termCount(); j++) {
                int v = index[q.var(j)];
                if (m.lowerBound(v) == m.upperBound(v)) {
                    c += q.coef(j) * p[v];
                } else if (free >= 0 || set[v]) {
                    return null;
                } else {
                    free = v;
                    a = q.coef(j);
                }
            }
            if (free >= 0) {
                set[free] = true;
                double target = -c / a;
                p[free] = lo[free] > hi[free] ? (lo[free] + hi[free]) / 2 : Math.min(hi[free], Math.max(lo[free], target));
            }
        }
        return p;
    }

    private static long cpuNanos() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        return mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : 0;
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
