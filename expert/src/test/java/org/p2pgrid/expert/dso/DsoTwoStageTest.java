package org.p2pgrid.expert.dso;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.pomdp.DayExogenous;
import org.p2pgrid.env.pomdp.RewardSettings;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.expert.solver.OrToolsLpBackend;
import org.p2pgrid.expert.solver.Solution;

/**
 * The two-stage solve's paths on the default scenario, day 172, from step 80 (H = 16, small and fast):
 * the fallback to the full LP when reactive power alone cannot meet the band, and the per-step
 * reactive repair against the one-LP repair. Bands are set by hand: at the reward's band every step's
 * least-|Q_EX| point already stays in band, so the per-step LPs would not run.
 */
class DsoTwoStageTest {
    private static final int DAY = 172;
    private static final int T = 80;
    private static final OrToolsLpBackend BACKEND = new OrToolsLpBackend();
    private static final HandWrittenProsumerModels MODELS = new HandWrittenProsumerModels();
    private static final Pattern LPS = Pattern.compile("(\\d+) of (\\d+) steps need an LP");

    private static DeviceState[] initialStates(Scenario s) {
        DeviceState[] st = new DeviceState[s.prosumers().size()];
        for (int i = 0; i < st.length; i++) {
            st[i] = DeviceState.initial(s.prosumers().get(i));
        }
        return st;
    }

    /** Step 80's problem with v_min raised to {@code vMin} p.u. at every bus and step. */
    private static DsoProblem problem(Scenario s, double vMin) {
        double[][][] band = DsoProblem.defaultVoltageBand(s, T);
        for (double[] row : band[0]) {
            Arrays.fill(row, vMin);
        }
        return DsoProblem.build(s, MODELS, s.exogenous().day(DAY), T, initialStates(s), band[0], band[1], null);
    }

    private static Solution solve(Scenario s, double vMin, DsoExpert.Options options) {
        return new DsoExpert(s, MODELS, BACKEND, options).solve(problem(s, vMin));
    }

    /**
     * v_min = 1.003 p.u. at night: above what the inverters' reactive power can hold with stage 1's
     * active powers (the relaxation's optimum is 170.45 CNY), but the full LP meets it by running CDGs
     * and batteries (1 698.48 CNY). Both repairs must fail and hand over to the full LP, whose optimum
     * is then the result — the same as solving the full LP directly.
     */
    @Test
    void reactiveRepairThatCannotMeetTheBandFallsBackToTheFullLp() {
        Scenario s = Scenarios.defaults(1);
        Solution direct = solve(s, 1.003, DsoExpert.Options.defaults().withTwoStage(false));
        assertEquals(Solution.Status.OPTIMAL, direct.status(), direct::toString);
        for (boolean perStep : new boolean[] {true, false}) {
            Solution two = solve(s, 1.003, DsoExpert.Options.defaults().withPerStepRepair(perStep));
            String e = two.explanation();
            String stages = e.substring(e.lastIndexOf('['));
            System.out.println("per-step " + perStep + ": " + stages);
            assertEquals(Solution.Status.OPTIMAL, two.status(), two::toString);
            assertTrue(stages.contains("full LP"), "explanation must say the full LP was solved: " + stages);
            assertTrue(stages.contains("INFEASIBLE"), "the reactive repair must have failed: " + stages);
            assertEquals(direct.objective(), two.objective(), 1e-6 * Math.abs(direct.objective()), "objective vs twoStage=false");
            assertTrue(direct.objective() > 171, "band chosen so that the full LP costs more than the relaxation");
        }
    }

    /**
     * v_min = 0.99 p.u.: stage 1's point leaves the band at every step even at least |Q_EX|, reactive
     * power can fix all of them. Per step (16 small LPs) and in one LP: both optimal for the full LP
     * (same objective as solving it directly), same stage-1 point, LinDistFlow voltages in band.
     */
    @Test
    void perStepRepairMatchesTheOneLpRepair() {
        Scenario s = Scenarios.defaults(1);
        double vMin = 0.99;
        Solution direct = solve(s, vMin, DsoExpert.Options.defaults().withTwoStage(false));
        Solution perStep = solve(s, vMin, DsoExpert.Options.defaults());
        Solution oneLp = solve(s, vMin, DsoExpert.Options.defaults().withPerStepRepair(false));
        for (Solution sol : new Solution[] {perStep, oneLp}) {
            assertEquals(Solution.Status.OPTIMAL, sol.status(), sol::toString);
            assertTrue(!sol.explanation().contains("full LP"), sol.explanation());
            assertEquals(direct.objective(), sol.objective(), 1e-6 * Math.abs(direct.objective()));
            DsoProblem p = problem(s, vMin);
            double[][] u = p.linearVoltageSq(sol.x());
            for (double[] step : u) {
                for (int b = 0; b < step.length; b++) {
                    assertTrue(step[b] >= vMin * vMin - 1e-6, "LinDistFlow u = " + step[b] + " below the band");
                }
            }
        }
        assertEquals(oneLp.objective(), perStep.objective(), 1e-9 * Math.abs(oneLp.objective()), "same stage-1 point");
        Matcher m = LPS.matcher(perStep.explanation());
        assertTrue(m.find(), perStep.explanation());
        assertTrue(Integer.parseInt(m.group(1)) > 0, "the per-step LPs must have run: " + perStep.explanation());
    }

    /**
     * Whole plans from step 80 with the reward's v_min raised to 0.985 p.u. (per-step LPs at most steps):
     * per-step and one-LP repair give the same plan objective and both pass the AC check.
     */
    @Test
    void perStepAndOneLpRepairPlansAreEquallyGoodAndAcFeasible() {
        Scenario d = Scenarios.defaults(1);
        RewardSettings r = d.reward();
        Scenario s = new Scenario(d.network(), d.config(), new RewardSettings(r.costWeight(), r.violationOffset(),
                r.violationCoefficient(), 0.985, r.vMax(), r.vBase()), d.gamma(), d.exogenous());
        DayExogenous day = s.exogenous().day(DAY);
        DsoPlan perStep = new DsoExpert(s, MODELS, BACKEND, DsoExpert.Options.defaults()).plan(day, T, initialStates(s));
        DsoPlan oneLp = new DsoExpert(s, MODELS, BACKEND, DsoExpert.Options.defaults().withPerStepRepair(false))
                .plan(day, T, initialStates(s));
        for (DsoPlan p : new DsoPlan[] {perStep, oneLp}) {
            p.acCheck().log().forEach(l -> System.out.println("  " + l));
            assertTrue(p.isOptimal(), p.explanation());
            assertTrue(p.acCheck().feasible(), p.acCheck().toString());
        }
        assertEquals(oneLp.objectiveCny(), perStep.objectiveCny(), 1e-6 * Math.abs(oneLp.objectiveCny()));
        assertTrue(perStep.acCheck().log().stream().anyMatch(l -> {
            Matcher m = LPS.matcher(l);
            return m.find() && Integer.parseInt(m.group(1)) > 0;
        }), "the per-step LPs must have run: " + perStep.acCheck().log());
    }
}
