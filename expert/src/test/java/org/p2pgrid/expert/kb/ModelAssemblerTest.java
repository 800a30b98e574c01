package org.p2pgrid.expert.kb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.device.ProsumerType;
import org.p2pgrid.env.scenario.ScenarioConfig;
import org.p2pgrid.expert.lang.Bindings;
import org.p2pgrid.expert.lang.PlacedProsumerModel;
import org.p2pgrid.expert.lang.Program;
import org.p2pgrid.expert.lang.ReferenceModelFactory;
import org.p2pgrid.expert.lang.ReferenceModels;
import org.p2pgrid.expert.model.ConvexModel;
import org.p2pgrid.expert.model.ProsumerForecast;

/**
 * The reference models are built from the knowledge base: the assembled program of each Table I type
 * is byte-identical to the committed {@code models/<type>.p2pm} (the human-readable copy
 * {@link ReferenceModels} loads), compiles, places, and — independently of the text — declares the
 * same names and gives the same objective and exports at random points.
 */
class ModelAssemblerTest {
    static final ScenarioConfig SCENARIO = ScenarioConfig.defaults();

    static ProsumerSpec specOf(ProsumerType type) {
        return SCENARIO.prosumers().stream().filter(p -> p.type() == type).findFirst().orElseThrow();
    }

    static ProsumerForecast forecast(ProsumerSpec spec, int firstStep, Random rnd) {
        int h = SCENARIO.tariff().steps() - firstStep;
        double[] avail = new double[h], load = new double[h], q = new double[h], buy = new double[h],
                sell = new double[h], p2p = new double[h];
        for (int k = 0; k < h; k++) {
            int s = firstStep + k;
            avail[k] = spec.rdg().installedKw() * rnd.nextDouble();
            load[k] = spec.load().averagePowerKw() * (0.5 + rnd.nextDouble());
            q[k] = load[k] * spec.load().reactivePerActive();
            buy[k] = SCENARIO.tariff().buyAt(s);
            sell[k] = SCENARIO.tariff().sellAt(s);
            p2p[k] = SCENARIO.p2p().p2pPriceAt(SCENARIO.tariff(), s);
        }
        return new ProsumerForecast(firstStep, SCENARIO.dtHours(), avail, load, q, buy, sell, p2p,
                SCENARIO.p2p().dsoFeeCnyPerKwh());
    }

    @ParameterizedTest
    @EnumSource(ProsumerType.class)
    void assembledModelIsByteIdenticalToTheCommittedReferenceModel(ProsumerType type) {
        String assembled = ModelAssembler.source(type);
        String committed = ReferenceModels.source(type);
        if (!assembled.equals(committed)) {
            String[] a = assembled.split("\n", -1), c = committed.split("\n", -1);
            for (int i = 0; i < Math.min(a.length, c.length); i++) {
                assertEquals(c[i], a[i], ReferenceModels.resourcePath(type) + " line " + (i + 1)
                        + " differs from the knowledge base; regenerate with ModelAssembler.main");
            }
            assertEquals(c.length, a.length, "line count of " + ReferenceModels.resourcePath(type));
        }
    }

    @ParameterizedTest
    @EnumSource(ProsumerType.class)
    void assembledModelCompilesPlacesAndMatchesTheReferenceModelAtRandomPoints(ProsumerType type) {
        Program assembled = Program.compile(ModelAssembler.source(type));
        Program reference = ReferenceModels.program(type);
        assertEquals(reference.params(), assembled.params());
        assertEquals(reference.variableNames(), assembled.variableNames());
        assertEquals(reference.constraintNames(), assembled.constraintNames());
        assertEquals(reference.exportNames(), assembled.exportNames());

        ProsumerSpec spec = specOf(type);
        Random rnd = new Random(42 + type.ordinal());
        for (int firstStep : new int[] {0, 50, 95}) {
            ProsumerForecast f = forecast(spec, firstStep, rnd);
            Bindings b = ReferenceModelFactory.bindings(spec, DeviceState.initial(spec), f);
            ConvexModel ma = new ConvexModel();
            ConvexModel mr = new ConvexModel();
            PlacedProsumerModel pa = assembled.place(ma, "a.", b);
            PlacedProsumerModel pr = reference.place(mr, "r.", b);
            assertEquals(mr.variableCount(), ma.variableCount());
            assertEquals(mr.rows().size(), ma.rows().size());
            assertEquals(mr.discs().size(), ma.discs().size());
            assertEquals(mr.quadraticTermCount(), ma.quadraticTermCount());
            assertEquals(pr.exports(), pa.exports());
            for (int trial = 0; trial < 5; trial++) {
                double[] xa = new double[ma.variableCount()];
                double[] xr = new double[mr.variableCount()];
                for (String v : reference.variableNames()) {
                    int[] ia = pa.variable(v), ir = pr.variable(v);
                    for (int k = 0; k < ia.length; k++) {
                        double lo = Math.max(mr.lowerBound(ir[k]), -500), hi = Math.min(mr.upperBound(ir[k]), 500);
                        double x = lo + (hi - lo) * rnd.nextDouble();
                        xa[ia[k]] = x;
                        xr[ir[k]] = x;
                    }
                }
                pa.completeAuxiliaries(xa);
                pr.completeAuxiliaries(xr);
                double oa = ma.objectiveValue(xa), or = mr.objectiveValue(xr);
                assertEquals(or, oa, 1e-9 * Math.max(1, Math.abs(or)), type + " objective from step " + firstStep);
                for (String e : pr.exports()) {
                    for (int k = 0; k < f.horizon(); k++) {
                        assertEquals(pr.export(e, k).evaluate(xr), pa.export(e, k).evaluate(xa), 1e-9, e + "[" + k + "]");
                    }
                }
            }
        }
    }

    @Test
    void netExportsFollowTheDevicesOwned() {
        KnowledgeBase kb = KnowledgeBase.standard();
        assertEquals("P_RDG + P_CL - P_Load - P_BESS",
                ModelAssembler.netActive(kb, kb.ownedComponents(ProsumerType.RESIDENTIAL)));
        assertEquals("P_CDG + P_RDG + P_CL - P_Load",
                ModelAssembler.netActive(kb, kb.ownedComponents(ProsumerType.INDUSTRIAL)));
        assertEquals("Q_RDG - Q_Load", ModelAssembler.netReactive(kb, kb.ownedComponents(ProsumerType.ENERGY_HUB)));
        assertEquals("-P_Load", ModelAssembler.netActive(kb, Set.of("LOAD")));
    }

    @Test
    void aTypeWithoutADeviceLacksItsStatements() {
        String industrial = ModelAssembler.source(ProsumerType.INDUSTRIAL);
        for (String absent : List.of("SOC", "P_ch", "gamma", "soc_dynamics", "action.P_BESS")) {
            assertFalse(industrial.contains(absent), absent);
        }
        String residential = ModelAssembler.source(ProsumerType.RESIDENTIAL);
        for (String absent : List.of("P_CDG", "c_CDG", "cdg_ramp")) {
            assertFalse(residential.contains(absent), absent);
        }
        assertTrue(ModelAssembler.source(ProsumerType.ENERGY_HUB).contains("action.P_CDG = P_CDG"));
    }
}
