package org.p2pgrid.expert.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.p2pgrid.expert.model.ConvexModel;
import org.p2pgrid.expert.model.LinearExpr;

class SolverBackendTest {
    private static final double INF = Double.POSITIVE_INFINITY;
    private final OrToolsLpBackend highs = new OrToolsLpBackend();
    private final ClpQpBackend exact = new ClpQpBackend();

    /** min −x − 2y s.t. x + y ≤ 4, x + 3y ≤ 6, x, y ≥ 0 → (3, 1), −5. */
    private static ConvexModel handLp() {
        ConvexModel m = new ConvexModel();
        int x = m.addVariable("x", 0, INF);
        int y = m.addVariable("y", 0, INF);
        m.addConstraint("cap[0]", new LinearExpr().add(x, 1).add(y, 1), -INF, 4);
        m.addConstraint("cap[1]", new LinearExpr().add(x, 1).add(y, 3), -INF, 6);
        m.addObjective(new LinearExpr().add(x, -1).add(y, -2).addConstant(1));
        return m;
    }

    @Test
    void handLpIsSolvedByEveryOrToolsSolverAndClp() {
        // OR-Tools' own CLP is not exercised here: with clp-java's libClp.so in the same JVM it
        // crashed the fork (SIGSEGV in ClpSimplex::createRim1, duplicate COIN-OR symbols).
        for (List<String> chain : List.of(List.of("HIGHS_LP"), List.of("GLOP"))) {
            Solution s = new OrToolsLpBackend(chain).solve(handLp());
            assertEquals(Solution.Status.OPTIMAL, s.status(), s::toString);
            assertEquals(-4, s.objective(), 1e-9, chain::toString);
            assertEquals(3, s.x()[0], 1e-9);
            assertEquals(1, s.x()[1], 1e-9);
            assertEquals(0, s.linearisationErrorBound());
        }
        Solution c = exact.solve(handLp());
        assertEquals(-4, c.objective(), 1e-9);
    }

    /** min (x−1)² + 2(y+0.5)² = x² − 2x + 1 + 2y² + 2y + 0.5, x ∈ [−3, 3], y ∈ [−2, 2]: x = 1, y = −0.5, value 0. */
    private static ConvexModel handQp() {
        ConvexModel m = new ConvexModel();
        int x = m.addVariable("x", -3, 3);
        int y = m.addVariable("y", -2, 2);
        m.addQuadraticObjective(x, 1);
        m.addQuadraticObjective(y, 2);
        m.addObjective(new LinearExpr().add(x, -2).add(y, 2).addConstant(1.5));
        return m;
    }

    @Test
    void exactQpFindsTheKnownOptimum() {
        Solution s = exact.solve(handQp());
        assertEquals(Solution.Status.OPTIMAL, s.status(), s::toString);
        assertEquals(1, s.x()[0], 1e-6);
        assertEquals(-0.5, s.x()[1], 1e-6);
        assertEquals(0, s.objective(), 1e-9);
    }

    @Test
    void linearisedQpIsWithinTheStatedBound() {
        for (SolveOptions.ObjectiveSquares how : SolveOptions.ObjectiveSquares.values())
        for (int segments : new int[] {1, 2, 4, 8, 32}) {
            SolveOptions o = SolveOptions.defaults().withSquareSegments(segments).withObjectiveSquares(how);
            Solution s = highs.solve(handQp(), o);
            assertEquals(Solution.Status.OPTIMAL, s.status(), s::toString);
            // h_x = 6/n, h_y = 4/n: bound = 1·(3/n)² + 2·(2/n)²
            double bound = 9.0 / (segments * segments) + 8.0 / (segments * segments);
            assertEquals(bound, s.linearisationErrorBound(), 1e-12);
            assertTrue(s.objective() >= -1e-9 && s.objective() <= bound + 1e-9,
                    "exact objective at LP point " + s.objective() + " vs bound " + bound);
        }
    }

    @Test
    void squareEpigraphAndDisc() {
        // max x + y on the unit disc, with t ≥ x² and t ≤ 0.25 (so |x| ≤ 0.5): x = 0.5, y = √0.75.
        ConvexModel m = new ConvexModel();
        int x = m.addVariable("x", -1, 1);
        int y = m.addVariable("y", -1, 1);
        int t = m.addVariable("t", 0, 0.25);
        m.addSquareEpigraph("sq", x, t);
        m.addDisc("inverter", x, y, 1);
        m.addObjective(new LinearExpr().add(x, -1).add(y, -1));
        double truth = -(0.5 + Math.sqrt(0.75));
        Solution q = exact.solve(m, SolveOptions.defaults().withDiscSides(256));
        assertEquals(truth, q.objective(), 2e-3);
        for (int sides : new int[] {8, 16, 64}) {
            Solution s = highs.solve(m, SolveOptions.defaults().withDiscSides(sides).withSquareSegments(64));
            assertEquals(Solution.Status.OPTIMAL, s.status());
            double r2 = s.x()[x] * s.x()[x] + s.x()[y] * s.x()[y];
            assertTrue(r2 <= 1 + 1e-9, "inscribed polygon point must lie in the disc: r² = " + r2);
            // conservative: never better than the truth by more than the epigraph relaxation allows
            assertTrue(s.objective() >= truth - 0.01, sides + ": " + s.objective());
            assertTrue(s.objective() <= truth * Math.cos(Math.PI / sides) + 1e-9, sides + ": " + s.objective());
        }
    }

    @Test
    void infeasibleModelIsExplainedByFamily() {
        ConvexModel m = new ConvexModel();
        int[] x = new int[4];
        for (int k = 0; k < 4; k++) {
            x[k] = m.addVariable("soc[" + k + "]", 0, 1);
        }
        for (int k = 1; k < 4; k++) {
            // soc must rise by 0.5 per step: impossible within [0, 1] over 3 steps
            m.addEquality("soc_update[" + k + "]", new LinearExpr().add(x[k], 1).add(x[k - 1], -1), 0.5);
        }
        m.addObjective(LinearExpr.of(x[0], 1));
        Solution s = highs.solve(m);
        assertEquals(Solution.Status.INFEASIBLE, s.status(), s::toString);
        assertTrue(s.explanation().contains("soc_update[k]"), s.explanation());
        assertTrue(s.x().length == 0 && Double.isNaN(s.objective()));

        ConvexModel alone = new ConvexModel();
        int a = alone.addVariable("p", 0, 1);
        alone.addConstraint("demand[3]", LinearExpr.of(a, 1), 2, INF);
        Solution s2 = highs.solve(alone);
        assertEquals(Solution.Status.INFEASIBLE, s2.status());
        assertTrue(s2.explanation().contains("'demand[3]'"), s2.explanation());
    }

    @Test
    void unboundedModelNamesTheVariable() {
        ConvexModel m = new ConvexModel();
        int sell = m.addVariable("p_sell", 0, INF);
        int buy = m.addVariable("p_buy", 0, 10);
        m.addConstraint("balance", new LinearExpr().add(buy, 1).add(sell, -1), -INF, 5);
        m.addObjective(new LinearExpr().add(sell, -0.3).add(buy, 0.5));
        Solution s = highs.solve(m);
        assertEquals(Solution.Status.UNBOUNDED, s.status(), s::toString);
        assertTrue(s.explanation().contains("p_sell"), s.explanation());
    }

    @Test
    void unboundedSquareVariableIsAClearError() {
        ConvexModel m = new ConvexModel();
        int x = m.addVariable("p_cdg", 0, INF);
        m.addQuadraticObjective(x, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> highs.solve(m));
        assertTrue(e.getMessage().contains("p_cdg") && e.getMessage().contains("finite"), e.getMessage());
        // ... but a range implied by a row is found by propagation
        int y = m.addVariable("y", 0, 4);
        m.addConstraint("link", new LinearExpr().add(x, 1).add(y, -1), 0, 0);
        m.addObjective(LinearExpr.of(y, -3));
        Solution s = highs.solve(m);
        assertEquals(Solution.Status.OPTIMAL, s.status());
        assertEquals(1.5, s.x()[x], 0.26); // h = 0.5: within a segment of the exact optimum
    }

    /**
     * Substituting l + Σ δ for each objective square's variable (what {@link OrToolsLpBackend#solve} does) is
     * exact: same LP optimum, and the recovered point satisfies every row of the unsubstituted LP. Random
     * models with squared variables in several rows, in the linear objective, squared twice, or fixed.
     */
    @Test
    void segmentSumSubstitutionIsExact() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 25; trial++) {
            ConvexModel m = new ConvexModel();
            int n = 5;
            for (int v = 0; v < n; v++) {
                double lo = -rnd.nextDouble() * 4;
                double hi = v == 4 && trial % 5 == 0 ? lo : rnd.nextDouble() * 4; // sometimes a fixed variable
                int x = m.addVariable("x[" + v + "]", lo, hi);
                m.addQuadraticObjective(x, 0.1 + rnd.nextDouble());
                if (v == 0) {
                    m.addQuadraticObjective(x, 0.5); // squared twice: the second link becomes a row over both segment sets
                }
                m.addObjective(LinearExpr.of(x, rnd.nextGaussian()));
            }
            int free = m.addVariable("y", -10, 10);
            m.addObjective(LinearExpr.of(free, 0.3));
            for (int r = 0; r < 3; r++) {
                LinearExpr e = new LinearExpr().add(free, rnd.nextDouble());
                for (int v = 0; v < n; v++) {
                    e.add(v, rnd.nextGaussian());
                }
                if (r == 0) {
                    m.addEquality("eq", e, rnd.nextGaussian());
                } else {
                    m.addConstraint("range[" + r + "]", e, -1 - rnd.nextDouble(), 1 + rnd.nextDouble());
                }
            }
            Linearizer.Result lin = Linearizer.linearize(m, SolveOptions.defaults().withSquareSegments(4));
            Linearizer.Substituted sub = Linearizer.substituteSegmentSums(lin);
            assertEquals(lin.model().rows().size() - sub.substituted().size(), sub.model().rows().size());
            Solution plain = highs.solveLinear(lin.model(), SolveOptions.defaults(), true);
            Solution fewer = highs.solveLinear(sub.model(), SolveOptions.defaults(), true);
            assertEquals(plain.status(), fewer.status(), "trial " + trial);
            if (!plain.isOptimal()) {
                continue;
            }
            assertEquals(plain.objective(), fewer.objective(), 1e-7 * (1 + Math.abs(plain.objective())), "trial " + trial);
            double[] x = sub.recover(fewer.x());
            assertEquals(plain.objective(), lin.model().objectiveValue(x), 1e-7 * (1 + Math.abs(plain.objective())));
            for (ConvexModel.Row row : lin.model().rows()) {
                double a = 0;
                for (int k = 0; k < row.vars().length; k++) {
                    a += row.coefs()[k] * x[row.vars()[k]];
                }
                assertTrue(a >= row.lb() - 1e-7 && a <= row.ub() + 1e-7, "trial " + trial + ": " + row.name() + " = " + a
                        + " outside [" + row.lb() + ", " + row.ub() + "]");
            }
            for (int v = 0; v < lin.model().variableCount(); v++) {
                assertTrue(x[v] >= lin.model().lowerBound(v) - 1e-7 && x[v] <= lin.model().upperBound(v) + 1e-7,
                        lin.model().varName(v) + " = " + x[v]);
            }
            Solution viaBackend = highs.solve(m, SolveOptions.defaults().withSquareSegments(4));
            assertEquals(m.objectiveValue(x), viaBackend.objective(), 1e-6 * (1 + Math.abs(viaBackend.objective())));
        }
    }

    /**
     * An LP of {@link OrToolsLpBackend#PARALLEL_MIN_ROWS} rows or more goes to HiGHS' parallel simplex (on a
     * machine with more than one core) and reaches the serial solver's optimum; a configured simplex_strategy keeps
     * it serial. Storage over a horizon: buy at varying prices to meet a load, store with losses.
     */
    @Test
    void largeLpsUseTheParallelSimplexWithTheSameOptimum() {
        int steps = OrToolsLpBackend.PARALLEL_MIN_ROWS / 2 + 10;
        Random rnd = new Random(17);
        ConvexModel m = new ConvexModel();
        LinearExpr cost = new LinearExpr();
        int prev = -1;
        for (int k = 0; k < steps; k++) {
            int buy = m.addVariable("buy[" + k + "]", 0, 10);
            int soc = m.addVariable("soc[" + k + "]", 0, 20);
            int out = m.addVariable("out[" + k + "]", 0, 5);
            cost.add(buy, 0.1 + rnd.nextDouble());
            // soc[k] = soc[k-1] + 0.95·(buy − load − ...) ... : two rows per step
            LinearExpr dyn = new LinearExpr().add(soc, 1).add(out, 1.05);
            if (prev >= 0) {
                dyn.add(prev, -1);
            }
            m.addEquality("dyn[" + k + "]", dyn.add(buy, -0.95), 0);
            m.addConstraint("load[" + k + "]", new LinearExpr().add(out, 1), 1 + rnd.nextDouble() * 3, INF);
            prev = soc;
        }
        m.addObjective(cost);
        long before = OrToolsLpBackend.PARALLEL_SOLVES.get();
        Solution auto = new OrToolsLpBackend(List.of("HIGHS_LP")).solve(m);
        if (OrToolsLpBackend.HIGHS_THREADS > 1) {
            assertEquals(before + 1, OrToolsLpBackend.PARALLEL_SOLVES.get(), "the large LP went to the parallel simplex");
        }
        Solution serial = new OrToolsLpBackend(List.of("HIGHS_LP"), Map.of("simplex_strategy", "1")).solve(m);
        assertEquals(before + (OrToolsLpBackend.HIGHS_THREADS > 1 ? 1 : 0), OrToolsLpBackend.PARALLEL_SOLVES.get(),
                "a configured simplex_strategy stays as configured");
        assertEquals(Solution.Status.OPTIMAL, auto.status(), auto::toString);
        assertEquals(Solution.Status.OPTIMAL, serial.status(), serial::toString);
        assertEquals(serial.objective(), auto.objective(), 1e-9 * Math.abs(serial.objective()));
        Solution small = new OrToolsLpBackend(List.of("HIGHS_LP")).solve(handLp());
        assertEquals(-4, small.objective(), 1e-9);
        assertEquals(before + (OrToolsLpBackend.HIGHS_THREADS > 1 ? 1 : 0), OrToolsLpBackend.PARALLEL_SOLVES.get(),
                "a small LP stays serial");
    }

    /** A solve stopped by the time limit is a TIME_LIMIT result with advice, not an exception or a point. */
    @Test
    void timeLimitIsAnExplainedResult() {
        Random rnd = new Random(3);
        ConvexModel m = new ConvexModel();
        int n = 600;
        LinearExpr cost = new LinearExpr();
        for (int v = 0; v < n; v++) {
            m.addVariable("x[" + v + "]", 0, 1 + rnd.nextDouble());
            cost.add(v, -rnd.nextDouble());
        }
        for (int r = 0; r < 400; r++) {
            LinearExpr e = new LinearExpr();
            for (int v = 0; v < n; v++) {
                e.add(v, rnd.nextDouble());
            }
            m.addConstraint("cap[" + r + "]", e, -INF, 50 + rnd.nextDouble() * 50);
        }
        m.addObjective(cost);
        Solution s = new OrToolsLpBackend(List.of("HIGHS_LP")).solve(m, SolveOptions.defaults().withTimeLimitSeconds(1e-6));
        assertEquals(Solution.Status.TIME_LIMIT, s.status(), s::toString);
        assertTrue(s.explanation().contains("time limit"), s.explanation());
        assertEquals(0, s.x().length);
        Solution full = new OrToolsLpBackend(List.of("HIGHS_LP")).solve(m);
        assertEquals(Solution.Status.OPTIMAL, full.status(), full::toString);
    }

    @Test
    void randomQpsRespectTheBound() {
        Random rnd = new Random(5);
        for (int trial = 0; trial < 20; trial++) {
            ConvexModel m = new ConvexModel();
            int n = 6;
            LinearExpr budget = new LinearExpr();
            for (int v = 0; v < n; v++) {
                int x = m.addVariable("x[" + v + "]", -rnd.nextDouble() * 5, rnd.nextDouble() * 5);
                m.addQuadraticObjective(x, rnd.nextDouble());
                m.addObjective(LinearExpr.of(x, rnd.nextGaussian()));
                budget.add(x, rnd.nextDouble());
            }
            m.addConstraint("budget", budget, -1, 1);
            for (SolveOptions.ObjectiveSquares how : SolveOptions.ObjectiveSquares.values()) {
                SolveOptions o = SolveOptions.defaults().withSquareSegments(4).withObjectiveSquares(how);
                Solution lp = highs.solve(m, o);
                Solution qp = exact.solve(m, o);
                double gap = lp.objective() - qp.objective();
                assertTrue(gap >= -1e-7 && gap <= lp.linearisationErrorBound() + 1e-7,
                        how + ": gap " + gap + " bound " + lp.linearisationErrorBound());
            }
        }
    }

    @Test
    void highsOptionsReachHighs() {
        // With presolve off the dual simplex needs pivots for the hand LP; an iteration limit of 0 stops it
        // at the slack basis, so OPTIMAL only comes back if the option did not arrive.
        Map<String, String> stop = new LinkedHashMap<>();
        stop.put("presolve", "off");
        stop.put("simplex_iteration_limit", "0");
        Solution limited = new OrToolsLpBackend(List.of("HIGHS_LP"), stop).solve(handLp());
        assertNotEquals(Solution.Status.OPTIMAL, limited.status(), limited::toString);
        Solution plain = new OrToolsLpBackend(List.of("HIGHS_LP"), Map.of("presolve", "off")).solve(handLp());
        assertEquals(Solution.Status.OPTIMAL, plain.status(), plain::toString);
        assertEquals(-4, plain.objective(), 1e-9);
        // the default options keep the optimum
        assertEquals(OrToolsLpBackend.DEFAULT_HIGHS_OPTIONS, highs.highsOptions());
        assertEquals(-4, highs.solve(handLp()).objective(), 1e-9);
    }

    @Test
    void badHighsOptionIsAClearErrorNamingIt() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> OrToolsLpBackend.withHighsOptions(Map.of("simplex_dualise_strategy", "1")));
        assertTrue(unknown.getMessage().contains("'simplex_dualise_strategy'"), unknown::getMessage);
        IllegalArgumentException badValue = assertThrows(IllegalArgumentException.class,
                () -> OrToolsLpBackend.withHighsOptions(Map.of("dual_simplex_cost_perturbation_multiplier", "five")));
        assertTrue(badValue.getMessage().contains("'dual_simplex_cost_perturbation_multiplier' = 'five'"),
                badValue::getMessage);
        IllegalArgumentException outOfRange = assertThrows(IllegalArgumentException.class,
                () -> OrToolsLpBackend.withHighsOptions(Map.of("simplex_strategy", "99")));
        assertTrue(outOfRange.getMessage().contains("'simplex_strategy' = '99'"), outOfRange::getMessage);
        IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
                () -> OrToolsLpBackend.withHighsOptions(Map.of("time_limit", "5")));
        assertTrue(reserved.getMessage().contains("'time_limit'"), reserved::getMessage);
        IllegalArgumentException split = assertThrows(IllegalArgumentException.class,
                () -> OrToolsLpBackend.withHighsOptions(Map.of("presolve", "off,solver=ipm")));
        assertTrue(split.getMessage().contains("'presolve'"), split::getMessage);
        // GLOP only: options are for HiGHS and not checked against it, but the syntax still is
        assertEquals(Map.of("simplex_dualise_strategy", "1"),
                new OrToolsLpBackend(List.of("GLOP"), Map.of("simplex_dualise_strategy", "1")).highsOptions());
    }

    @Test
    void highsOptionSpecsParse() {
        assertEquals(Map.of(), OrToolsLpBackend.parseHighsOptions(""));
        assertEquals(Map.of(), OrToolsLpBackend.parseHighsOptions("none"));
        assertEquals(List.of("a", "b"), List.copyOf(OrToolsLpBackend.parseHighsOptions("a=1, b = x;").keySet()));
        assertEquals("x", OrToolsLpBackend.parseHighsOptions("a=1, b = x;").get("b"));
        assertThrows(IllegalArgumentException.class, () -> OrToolsLpBackend.parseHighsOptions("a"));
    }
}
