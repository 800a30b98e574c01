package org.p2pgrid.expert.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.p2pgrid.env.device.ActionProjection;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.Exogenous;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.device.ProsumerType;
import org.p2pgrid.env.market.CostBreakdown;
import org.p2pgrid.env.market.ProsumerCosts;
import org.p2pgrid.env.scenario.ScenarioConfig;
import org.p2pgrid.expert.model.ConvexModel;
import org.p2pgrid.expert.model.ProsumerForecast;
import org.p2pgrid.expert.model.ProsumerModel;

/**
 * Ties the language's semantics to the env without a solver: each reference model is placed, a
 * feasible point is built from env-projected actions (device semantics of ActionProjection), every
 * compiled row/epigraph/disc must hold there, the exports must equal the env's eq 9-10 values, and
 * the model objective must equal ProsumerCosts summed over the horizon — nothing more, nothing less.
 */
class ReferenceModelsTest {
    static final ScenarioConfig SCENARIO = ScenarioConfig.defaults();
    static final double TOL = 1e-7;

    static ProsumerSpec specOf(ProsumerType type) {
        return SCENARIO.prosumers().stream().filter(p -> p.type() == type).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " prosumer in the default scenario"));
    }

    /** Smooth synthetic forecasts for steps firstStep..end of day, with the scenario's real prices. */
    static ProsumerForecast forecast(ProsumerSpec spec, int firstStep) {
        int steps = SCENARIO.tariff().steps();
        int h = steps - firstStep;
        double[] avail = new double[h];
        double[] load = new double[h];
        double[] qLoad = new double[h];
        double[] buy = new double[h];
        double[] sell = new double[h];
        double[] p2p = new double[h];
        for (int k = 0; k < h; k++) {
            int s = firstStep + k;
            double sun = Math.max(0, Math.sin(Math.PI * (s - 24) / 48.0));
            avail[k] = spec.rdg().pvCapacityKw() * sun + spec.rdg().wtCapacityKw() * (0.4 + 0.3 * Math.sin(s / 7.0));
            load[k] = spec.load().averagePowerKw() * (1 + 0.4 * Math.sin(Math.PI * (s - 30) / 48.0));
            qLoad[k] = load[k] * spec.load().reactivePerActive();
            buy[k] = SCENARIO.tariff().buyAt(s);
            sell[k] = SCENARIO.tariff().sellAt(s);
            p2p[k] = SCENARIO.p2p().p2pPriceAt(SCENARIO.tariff(), s);
        }
        return new ProsumerForecast(firstStep, SCENARIO.dtHours(), avail, load, qLoad, buy, sell, p2p,
                SCENARIO.p2p().dsoFeeCnyPerKwh());
    }

    @ParameterizedTest
    @EnumSource(ProsumerType.class)
    void referenceModelCompilesAndPlacesWithSaneSizes(ProsumerType type) {
        ProsumerSpec spec = specOf(type);
        for (int firstStep : new int[] {0, 91}) {
            ProsumerForecast f = forecast(spec, firstStep);
            int h = f.horizon();
            ConvexModel model = new ConvexModel();
            PlacedProsumerModel placed = new ReferenceModelFactory().placeProgram(model, spec.id() + ".", spec,
                    DeviceState.initial(spec), f);
            assertEquals(h, placed.horizon());
            int declared = ReferenceModels.program(type).variableNames().size();
            // declared vars per step and no auxiliaries (P2P as two parts, no abs; SOC step to step, no cumsum)
            int expectedVars = h * declared;
            assertEquals(expectedVars, model.variableCount(), "variables of " + type + " at T=" + h);
            assertTrue(model.rows().size() >= 2 * h && model.rows().size() <= 8 * h, "rows " + model.rows().size());
            assertEquals(h, model.discs().size());
            assertEquals(spec.hasCdg() ? h : 0, model.quadraticTermCount());
            assertTrue(model.squareEpigraphs().isEmpty(), "the CDG cost goes to the quadratic objective, not epigraphs");
            assertTrue(placed.exports().containsAll(List.of(ProsumerModel.P_EX, ProsumerModel.Q_EX, ProsumerModel.P_P2P)));
        }
    }

    @ParameterizedTest
    @EnumSource(ProsumerType.class)
    void objectiveAtAnEnvFeasiblePointEqualsEnvCosts(ProsumerType type) {
        ProsumerSpec spec = specOf(type);
        for (int firstStep : new int[] {0, 91}) {
            check(spec, firstStep);
        }
    }

    private static void check(ProsumerSpec spec, int firstStep) {
        ProsumerForecast f = forecast(spec, firstStep);
        int h = f.horizon();
        ActionProjection projection = new ActionProjection(f.dtHours());
        DeviceState start = new DeviceState(spec.hasCdg() ? spec.cdg().pMinKw() + 0.3 * spec.cdg().rampKwPerStep() : 0,
                spec.hasBess() ? 0.5 * (spec.bess().socMin() + spec.bess().socMax()) : 0);
        ConvexModel model = new ConvexModel();
        PlacedProsumerModel placed = new ReferenceModelFactory().placeProgram(model, "p.", spec, start, f);

        double[] x = new double[model.variableCount()];
        DeviceState state = start;
        double envCost = 0;
        List<ProsumerAction> actions = new ArrayList<>();
        List<Double> p2ps = new ArrayList<>();
        for (int k = 0; k < h; k++) {
            Exogenous exo = new Exogenous(f.pRdgMaxKw()[k], f.pLoadKw()[k], f.qLoadKvar()[k]);
            double s = spec.rdg().sMaxKva();
            ProsumerAction requested = new ProsumerAction(
                    spec.hasCdg() ? spec.cdg().pMinKw() + (spec.cdg().pMaxKw() - spec.cdg().pMinKw()) * 0.5 * (1 + Math.sin(k)) : 0,
                    0.9 * exo.pRdgAvailableKw(), 0.7 * s * Math.cos(k),
                    spec.hasBess() ? (k % 7 < 3 ? 0.6 : -0.8) * spec.bess().pMaxChargeKw() : 0,
                    0.5 * spec.cl().alpha() * exo.pLoadKw());
            ProsumerAction a = projection.project(spec, state, exo, requested).action();
            double pEx = a.netActiveExportKw(exo);
            double pP2p = (k % 3 == 0 ? 0.4 : -0.25) * Math.abs(pEx) + (k % 5 == 0 ? 0 : 1.5);
            // within the trade bounds (P_buy ≤ P_import_max, P_sell ≤ P_export_max, P_P2P between them),
            // which still leaves room for some grid/P2P counter-trade
            double importMax = model.upperBound(placed.variable("P_buy")[k]);
            double exportMax = model.upperBound(placed.variable("P_sell")[k]);
            pP2p = Math.max(Math.max(-exportMax, -importMax - pEx), Math.min(pP2p, Math.min(importMax, exportMax - pEx)));
            double pGrid = -pEx - pP2p;
            state = projection.next(spec, state, a);
            CostBreakdown c = ProsumerCosts.step(spec, a, pGrid, pP2p, f.buyCnyPerKwh()[k], f.sellCnyPerKwh()[k],
                    f.p2pCnyPerKwh()[k], f.dsoFeeCnyPerKwh(), f.dtHours());
            envCost += c.total();
            actions.add(a);
            p2ps.add(pP2p);

            set(x, placed, "P_RDG", k, a.pRdgKw());
            set(x, placed, "Q_RDG", k, a.qRdgKvar());
            set(x, placed, "P_CL", k, a.pClKw());
            set(x, placed, "P_P2P_in", k, Math.max(pP2p, 0));
            set(x, placed, "P_P2P_out", k, Math.max(-pP2p, 0));
            set(x, placed, "P_buy", k, Math.max(pGrid, 0));
            set(x, placed, "P_sell", k, Math.max(-pGrid, 0));
            if (spec.hasCdg()) {
                set(x, placed, "P_CDG", k, a.pCdgKw());
            }
            if (spec.hasBess()) {
                set(x, placed, "P_ch", k, a.pBessChargeKw());
                set(x, placed, "P_dis", k, a.pBessDischargeKw());
                set(x, placed, "SOC", k, state.socFraction());
            }
        }
        placed.completeAuxiliaries(x);
        assertFeasible(model, x, spec.type() + " from step " + firstStep);
        assertEquals(envCost, model.objectiveValue(x), 1e-9 * Math.max(1, Math.abs(envCost)),
                "objective vs env costs, " + spec.type() + " from step " + firstStep);
        for (int k = 0; k < h; k++) {
            ProsumerAction a = actions.get(k);
            Exogenous exo = new Exogenous(f.pRdgMaxKw()[k], f.pLoadKw()[k], f.qLoadKvar()[k]);
            assertEquals(a.netActiveExportKw(exo), placed.export(ProsumerModel.P_EX, k).evaluate(x), 1e-9);
            assertEquals(a.netReactiveExportKvar(exo), placed.export(ProsumerModel.Q_EX, k).evaluate(x), 1e-9);
            assertEquals(p2ps.get(k), placed.export(ProsumerModel.P_P2P, k).evaluate(x), 1e-12);
            assertEquals(a.pRdgKw(), placed.export("action.P_RDG", k).evaluate(x), 1e-12);
            assertEquals(a.pClKw(), placed.export("action.P_CL", k).evaluate(x), 1e-12);
            if (spec.hasBess()) {
                assertEquals(a.pBessKw(), placed.export("action.P_BESS", k).evaluate(x), 1e-9);
            }
            if (spec.hasCdg()) {
                assertEquals(a.pCdgKw(), placed.export("action.P_CDG", k).evaluate(x), 1e-12);
            }
        }
    }

    private static void set(double[] x, PlacedProsumerModel placed, String var, int k, double value) {
        x[placed.variable(var)[k]] = value;
    }

    static void assertFeasible(ConvexModel model, double[] x, String what) {
        for (int i = 0; i < model.variableCount(); i++) {
            assertTrue(x[i] >= model.lowerBound(i) - TOL && x[i] <= model.upperBound(i) + TOL,
                    what + ": " + model.varName(i) + " = " + x[i] + " outside [" + model.lowerBound(i) + ", "
                            + model.upperBound(i) + "]");
        }
        for (ConvexModel.Row r : model.rows()) {
            double v = 0;
            for (int j = 0; j < r.vars().length; j++) {
                v += r.coefs()[j] * x[r.vars()[j]];
            }
            double tol = TOL * (1 + Math.abs(v));
            assertTrue(v >= r.lb() - tol && v <= r.ub() + tol,
                    what + ": row " + r.name() + " = " + v + " outside [" + r.lb() + ", " + r.ub() + "]");
        }
        for (ConvexModel.SquareEpigraph s : model.squareEpigraphs()) {
            assertTrue(x[s.t()] >= x[s.x()] * x[s.x()] - TOL, what + ": square " + s.name());
        }
        for (ConvexModel.Disc d : model.discs()) {
            double lhs = Math.hypot(x[d.x()], x[d.y()]);
            assertTrue(lhs <= d.radius() + TOL * (1 + d.radius()), what + ": disc " + d.name() + " " + lhs + " > "
                    + d.radius());
        }
    }
}
