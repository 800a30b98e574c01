package org.p2pgrid.expert.dso;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.p2pgrid.env.device.ActionProjection;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.Exogenous;
import org.p2pgrid.env.device.ProjectedAction;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.market.P2pPrice;
import org.p2pgrid.env.market.ProsumerCosts;
import org.p2pgrid.env.pomdp.DayExogenous;
import org.p2pgrid.env.pomdp.Episodes;
import org.p2pgrid.env.pomdp.JointPolicy;
import org.p2pgrid.env.pomdp.P2pTradingEnv;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.env.pomdp.StepResult;
import org.p2pgrid.expert.solver.ClpQpBackend;
import org.p2pgrid.expert.solver.OrToolsLpBackend;
import org.p2pgrid.expert.solver.SolveOptions;
import org.p2pgrid.expert.solver.Solution;

class DsoExpertTest {
    private static final int DAY = 172;
    private static Scenario scenario;
    private static DayExogenous day;
    private static final HandWrittenProsumerModels MODELS = new HandWrittenProsumerModels();

    @BeforeAll
    static void setUp() {
        scenario = Scenarios.defaults(1);
        day = scenario.exogenous().day(DAY);
    }

    private static DeviceState[] initialStates() {
        List<ProsumerSpec> specs = scenario.prosumers();
        DeviceState[] s = new DeviceState[specs.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = DeviceState.initial(specs.get(i));
        }
        return s;
    }

    @Test
    void fullDayFromStepZeroIsOptimalFeasibleAndBeatsTheRuleBasedPolicy() {
        DsoExpert expert = new DsoExpert(scenario, MODELS, new OrToolsLpBackend(), DsoExpert.Options.defaults());
        expert.plan(day, 0, initialStates()); // warm-up: natives, JIT
        DsoPlan plan = expert.plan(day, 0, initialStates());
        System.out.printf("DSO t=0 (20 prosumers, 141 buses, H=96): build %.3f s, solve %.3f s over %d iteration(s), "
                + "objective %.4f CNY, bound %.3g%n", plan.buildSeconds(), plan.solveSeconds(), plan.iterations(),
                plan.objectiveCny(), plan.linearisationErrorBound());
        plan.acCheck().log().forEach(l -> System.out.println("  " + l));
        checkPlan(plan, initialStates());

        // Applying the plan's actions step by step in the environment reproduces its cost (perfect
        // foresight; the env clears P2P-first, which gives the same total as the plan's matching).
        P2pTradingEnv env = new P2pTradingEnv(scenario);
        env.reset(day);
        double envCost = 0;
        int violatedSteps = 0;
        for (int k = 0; k < plan.horizon(); k++) {
            StepResult r = env.step(plan.actions()[k]);
            envCost += r.info().totalCost();
            violatedSteps += r.info().violated() ? 1 : 0;
            for (double d : r.info().projectionDistance()) {
                assertTrue(d <= 1e-6, "step " + k + ": env projected a plan action by " + d);
            }
        }
        assertEquals(plan.objectiveCny(), envCost, 1e-6 * Math.abs(plan.objectiveCny()) + 1e-6,
                "env cost of the plan's actions vs plan objective");
        assertEquals(0, violatedSteps, "AC-checked plan must not violate voltages in the env");

        JointPolicy rule = Scenarios.ruleBased(scenario);
        double ruleCost = Episodes.runDay(new P2pTradingEnv(scenario), rule, DAY).totalCost();
        System.out.printf("  day %d: expert (DSO plan) cost %.4f CNY, rule-based %.4f CNY%n", DAY, envCost, ruleCost);
        assertTrue(envCost <= ruleCost, "expert " + envCost + " vs rule-based " + ruleCost);
    }

    @Test
    void fromStepFiftyAfterRuleBasedMorning() {
        P2pTradingEnv env = new P2pTradingEnv(scenario);
        double[][] obs = env.reset(day);
        JointPolicy rule = Scenarios.ruleBased(scenario);
        for (int k = 0; k < 50; k++) {
            obs = env.step(rule.act(obs)).observations();
        }
        DeviceState[] states = new DeviceState[scenario.prosumers().size()];
        for (int i = 0; i < states.length; i++) {
            states[i] = env.deviceState(i);
        }
        DsoPlan plan = new DsoExpert(scenario, MODELS, new OrToolsLpBackend(), DsoExpert.Options.defaults())
                .plan(day, 50, states);
        System.out.printf("DSO t=50 (H=46): solve %.3f s, %d iteration(s), objective %.4f%n", plan.solveSeconds(),
                plan.iterations(), plan.objectiveCny());
        assertEquals(46, plan.horizon());
        checkPlan(plan, states);
    }

    /** LP (8 segments, 16-gons) against the exact QP on the same polygons: 0 ≤ gap ≤ stated bound. */
    @Test
    void linearisationGapAgainstExactQpIsWithinTheBound() {
        int t = 50;
        double[][][] band = DsoProblem.defaultVoltageBand(scenario, t);
        DsoProblem problem = DsoProblem.build(scenario, MODELS, day, t, initialStatesAtNoonFeasible(), band[0], band[1], null);
        SolveOptions options = SolveOptions.defaults();
        Solution qp = new ClpQpBackend(256, null).solve(problem.model(), options);
        Solution tangent = new OrToolsLpBackend().solve(problem.model(),
                options.withObjectiveSquares(SolveOptions.ObjectiveSquares.TANGENT_CUTS));
        double tangentGap = tangent.objective() - qp.objective();
        System.out.printf("tangent cuts: LP %.6f, gap %.3g (%.3g relative)%n", tangent.objective(), tangentGap,
                tangentGap / Math.abs(qp.objective()));
        assertTrue(tangentGap >= -1e-6 * Math.abs(qp.objective())
                && tangentGap <= tangent.linearisationErrorBound() + 1e-6 * Math.abs(qp.objective()));
        Solution lp = new OrToolsLpBackend().solve(problem.model(), options);
        assertEquals(Solution.Status.OPTIMAL, lp.status(), lp::toString);
        assertEquals(Solution.Status.OPTIMAL, qp.status(), qp::toString);
        double gap = lp.objective() - qp.objective();
        System.out.printf("LP vs exact QP (t=50, %s): LP %.6f (%.3f s), QP %.6f (%.3f s), gap %.3g (%.3g relative), "
                        + "stated bound %.3g%n", DsoExpert.describe(problem.model()), lp.objective(), lp.solveSeconds(),
                qp.objective(), qp.solveSeconds(), gap, gap / Math.abs(qp.objective()), lp.linearisationErrorBound());
        double tol = 1e-6 * Math.abs(qp.objective());
        assertTrue(gap >= -tol && gap <= lp.linearisationErrorBound() + tol, "gap " + gap);
        // The exact backend's objective equals an independent recomputation with env's cost code.
        assertEquals(qp.objective(), recomputeCost(problem, qp.x(), t), 1e-6 * Math.abs(qp.objective()));
        assertEquals(lp.objective(), recomputeCost(problem, lp.x(), t), 1e-6 * Math.abs(lp.objective()));
    }

    /**
     * Limits that contradict each other inside a prosumer-free subtree (an empty band for its active
     * anchor) make an infeasible LP that names the band, not an exception while building it.
     */
    @Test
    void contradictoryLimitsInAnEliminatedSubtreeAreReportedAsInfeasible() {
        double[][][] band = DsoProblem.defaultVoltageBand(scenario, 0);
        int k = 28;
        int bus = 134; // internal index of a bus in a subtree without prosumers (default scenario)
        band[0][k][bus] = 1.06; // above its anchor's v-max 1.05, and the subtree's offset is tiny
        band[1][k][bus] = 1.06;
        DsoProblem problem = DsoProblem.build(scenario, MODELS, day, 0, initialStates(), band[0], band[1], null);
        Solution s = new OrToolsLpBackend().solve(problem.model(), SolveOptions.defaults());
        assertEquals(Solution.Status.INFEASIBLE, s.status(), s::toString);
        assertTrue(s.explanation().contains("voltageBand"), s.explanation());
    }

    private static DeviceState[] initialStatesAtNoonFeasible() {
        return initialStates();
    }

    /** Σ_i Σ_k ProsumerCosts.step at the solution (eqs 14–19), from the exported expressions. */
    private static double recomputeCost(DsoProblem problem, double[] x, int t) {
        double total = 0;
        List<ProsumerSpec> specs = scenario.prosumers();
        for (int i = 0; i < specs.size(); i++) {
            var pm = problem.prosumerModels().get(i);
            for (int k = 0; k < problem.horizon(); k++) {
                double[] a = new double[ProsumerAction.DIMS];
                String[] names = {"P_CDG", "P_RDG", "Q_RDG", "P_BESS", "P_CL"};
                for (int d = 0; d < names.length; d++) {
                    if (pm.exports().contains("action." + names[d])) {
                        a[d] = pm.export("action." + names[d], k).evaluate(x);
                    }
                }
                double pEx = pm.export("P_EX", k).evaluate(x);
                double p2p = pm.export("P_P2P", k).evaluate(x);
                total += stepCost(specs.get(i), ProsumerAction.of(a), -pEx - p2p, p2p, t + k);
            }
        }
        return total;
    }

    private static double stepCost(ProsumerSpec spec, ProsumerAction a, double pGrid, double pP2p, int step) {
        double buy = scenario.tariff().buyAt(step);
        double sell = scenario.tariff().sellAt(step);
        return ProsumerCosts.step(spec, a, pGrid, pP2p, buy, sell, P2pPrice.of(scenario.p2pPriceCoefficient(), buy, sell),
                scenario.dsoFeeCnyPerKwh(), scenario.dtHours()).total();
    }

    private static void checkPlan(DsoPlan plan, DeviceState[] start) {
        assertTrue(plan.isOptimal(), plan.explanation());
        assertTrue(plan.acCheck().feasible(), "AC check: " + plan.acCheck());
        List<ProsumerSpec> specs = scenario.prosumers();
        ActionProjection projection = scenario.projection();
        DeviceState[] state = start.clone();
        double recomputed = 0;
        for (int k = 0; k < plan.horizon(); k++) {
            int step = plan.firstStep() + k;
            double sum = 0;
            for (int i = 0; i < specs.size(); i++) {
                sum += plan.pP2pKw()[k][i];
                Exogenous exo = new Exogenous(day.pRdgMaxKw()[i][step], day.pLoadKw()[i][step], day.qLoadKvar()[i][step]);
                ProsumerAction a = plan.actions()[k][i];
                ProjectedAction p = projection.project(specs.get(i), state[i], exo, a);
                assertTrue(p.distance() <= 1e-6, "step " + step + " prosumer " + i + ": projection moved " + p);
                assertEquals(plan.pExKw()[k][i], a.netActiveExportKw(exo), 1e-6);
                state[i] = projection.next(specs.get(i), state[i], p.action());
                recomputed += stepCost(specs.get(i), a, plan.pGridKw()[k][i], plan.pP2pKw()[k][i], step);
            }
            assertEquals(0, sum, 1e-6, "eq 21 at step " + step);
            for (double v : plan.acVoltagePu()[k]) {
                assertTrue(v >= scenario.reward().vMin() && v <= scenario.reward().vMax(), "AC voltage " + v);
            }
        }
        assertEquals(plan.objectiveCny(), recomputed, 1e-6 * Math.abs(plan.objectiveCny()),
                "plan objective vs ProsumerCosts recomputation");
        assertEquals(plan.actions()[0], List.of(plan.actionsNow()).isEmpty() ? null : plan.actionsNow());
    }
}
