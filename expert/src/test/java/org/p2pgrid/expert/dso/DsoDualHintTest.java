package org.p2pgrid.expert.dso;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.expert.lang.ReferenceModelFactory;
import org.p2pgrid.expert.model.ConvexModel;
import org.p2pgrid.expert.model.LinearExpr;
import org.p2pgrid.expert.model.ProsumerModelFactory;
import org.p2pgrid.expert.solver.OrToolsLpBackend;
import org.p2pgrid.expert.solver.SolveOptions;
import org.p2pgrid.expert.solver.Solution;

/**
 * Stage 1's dual hint ({@link DsoExpert#dualHint}) only moves the simplex's start: the hinted LP has the
 * plain LP's optimum (to 1e-6 relative), the hint vanishes at the plain LP's solution (a feasible point),
 * and it covers every prosumer-step (one power-balance row each) on the fixture and the reference models.
 * Default scenario (20 prosumers), day 172, from step 0 (H = 96) and from step 80 (H = 16).
 */
class DsoDualHintTest {
    private static final Pattern LP_OBJECTIVE = Pattern.compile("LP objective (-?[0-9.]+)");

    private static double lpObjective(Solution s) {
        Matcher m = LP_OBJECTIVE.matcher(s.explanation());
        assertTrue(m.find(), s.explanation());
        return Double.parseDouble(m.group(1));
    }

    @ParameterizedTest
    @CsvSource({"fixture, 0", "fixture, 80", "reference, 0", "reference, 80"})
    void hintedStageOneHasThePlainOptimum(String models, int t) {
        Scenario s = Scenarios.defaults(1);
        ProsumerModelFactory factory = "reference".equals(models) ? new ReferenceModelFactory() : new HandWrittenProsumerModels();
        DeviceState[] states = new DeviceState[s.prosumers().size()];
        for (int i = 0; i < states.length; i++) {
            states[i] = DeviceState.initial(s.prosumers().get(i));
        }
        double[][][] band = DsoProblem.defaultVoltageBand(s, t);
        DsoProblem p = DsoProblem.build(s, factory, s.exogenous().day(172), t, states, band[0], band[1], null);
        DsoExpert.ReactiveStructure rs = DsoExpert.ReactiveStructure.of(p);
        int[] vars = DsoExpert.relaxedVariables(p, rs);
        OrToolsLpBackend backend = new OrToolsLpBackend();

        ConvexModel plain = DsoExpert.relaxedModel(p, rs, vars);
        Solution a = backend.solve(plain, SolveOptions.defaults());
        ConvexModel hinted = DsoExpert.relaxedModel(p, rs, vars);
        LinearExpr hint = DsoExpert.dualHint(p, hinted, vars);
        hinted.addObjective(hint);
        Solution b = backend.solve(hinted, SolveOptions.defaults());
        assertTrue(a.isOptimal() && b.isOptimal(), a.status() + " / " + b.status());

        // Every prosumer-step's power-balance row is hinted (λP2P > 0 at every step here): all its variables are in
        // the hint (no variable is in two balance rows), and nothing else is.
        java.util.Set<Integer> inHint = new java.util.HashSet<>();
        for (int k = 0; k < hint.termCount(); k++) {
            inHint.add(hint.var(k));
        }
        java.util.Set<Integer> inBalance = new java.util.HashSet<>();
        int balanceRows = 0;
        for (ConvexModel.Row r : hinted.rows()) {
            if (r.name().matches("p\\d+\\.balance\\[\\d+\\]")) {
                balanceRows++;
                for (int v : r.vars()) {
                    inBalance.add(v);
                }
            }
        }
        assertEquals(s.prosumers().size() * p.horizon(), balanceRows);
        assertEquals(inBalance, inHint);

        // Zero at a feasible point (the plain optimum), so the objective is unchanged there and everywhere feasible.
        double scale = 1 + Math.abs(hint.constant());
        assertEquals(0, hint.evaluate(a.x()), 1e-7 * scale);
        double optimum = lpObjective(a);
        assertEquals(optimum, lpObjective(b), 1e-6 * Math.abs(optimum));
        assertEquals(optimum, lpObjective(b) - hint.evaluate(b.x()), 1e-6 * Math.abs(optimum));
        // The exact objectives (squares evaluated exactly) may differ between alternative LP optima by at most the
        // linearisation's error bound.
        assertEquals(a.objective(), b.objective() - hint.evaluate(b.x()),
                a.linearisationErrorBound() + 1e-6 * Math.abs(a.objective()));
    }
}
