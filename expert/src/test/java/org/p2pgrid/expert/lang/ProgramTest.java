package org.p2pgrid.expert.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.device.ProsumerType;
import org.p2pgrid.expert.model.ConvexModel;
import org.p2pgrid.expert.model.ProsumerForecast;

class ProgramTest {
    static final String ALL_ATOMS = """
            # every atom once; random points in the var boxes satisfy every constraint
            param c[T] >= 0
            param d
            var x[T] in [-5, 5]
            var y[T] in [-5, 5]
            var z
            let e = x[1:] - y[:-1]
            constraint r1: max(x, y) + pos(x - 1) <= 20
            constraint r2: min(x, y) >= -20
            constraint r3: -10 <= diff(x) <= 10
            constraint r4: sum(abs(y)) <= 100
            constraint r5: square(x) + square(y) <= 64
            constraint r6: z == x[0] + y[-1]
            constraint r7: cumsum(x) <= 50
            constraint r8: square(x[0] + y[0]) <= 100
            minimize sum(c * square(x - 1)) + 2 * sum(abs(e)) + max(y) + neg(z) + sum(square(y)) / 4 - d * sum(x)
            export P_EX = x, Q_EX = y * d, P_P2P = z
            """;

    static Bindings bindings(int horizon, double[] c, double d) {
        return Bindings.builder("t", horizon).vector("c", c).scalar("d", d).build();
    }

    @Test
    void allAtomsCompileToTheirDefinitions() {
        Program p = Program.compile(ALL_ATOMS);
        Random random = new Random(7);
        for (int horizon : new int[] {1, 2, 6}) {
            double[] c = random.doubles(horizon, 0, 3).toArray();
            double d = -0.7;
            ConvexModel model = new ConvexModel();
            PlacedProsumerModel placed = p.place(model, "a.", bindings(horizon, c, d));
            assertEquals(horizon, model.discs().size(), "square(x)+square(y) <= 64 is recognised as a disc");
            assertEquals(horizon, model.quadraticTermCount() - horizon, "c*square(x-1) and square(y)/4 are quadratic objective terms");
            assertEquals(1, model.squareEpigraphs().size(), "square in a constraint is an epigraph");
            for (int trial = 0; trial < 20; trial++) {
                double[] x = new double[model.variableCount()];
                double[] xs = random.doubles(horizon, -5, 5).toArray();
                double[] ys = random.doubles(horizon, -5, 5).toArray();
                for (int k = 0; k < horizon; k++) {
                    x[placed.variable("x")[k]] = xs[k];
                    x[placed.variable("y")[k]] = ys[k];
                }
                double z = xs[0] + ys[horizon - 1];
                x[placed.variable("z")[0]] = z;
                placed.completeAuxiliaries(x);
                ReferenceModelsTest.assertFeasible(model, x, "T=" + horizon);
                double expected = 0;
                double maxY = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < horizon; k++) {
                    expected += c[k] * (xs[k] - 1) * (xs[k] - 1) + ys[k] * ys[k] / 4 - d * xs[k];
                    maxY = Math.max(maxY, ys[k]);
                    if (k + 1 < horizon) {
                        expected += 2 * Math.abs(xs[k + 1] - ys[k]);
                    }
                }
                expected += maxY + Math.max(-z, 0);
                assertEquals(expected, model.objectiveValue(x), 1e-9 * (1 + Math.abs(expected)));
                assertEquals(d * ys[horizon - 1], placed.export("Q_EX", horizon - 1).evaluate(x), 1e-12);
                assertEquals(z, placed.export("P_P2P", horizon - 1).evaluate(x), 1e-12, "scalar exports broadcast");
            }
        }
    }

    @Test
    void chainedConstantBoundsBecomeOneRangedRowPerElement() {
        Program p = Program.compile("""
                param R >= 0
                var x[T]
                constraint ramp: -R <= diff(x) <= R
                minimize sum(x)
                export P_EX = x, Q_EX = x, P_P2P = x
                """);
        ConvexModel model = new ConvexModel();
        p.place(model, "", Bindings.builder("t", 10).scalar("R", 2).build());
        assertEquals(9, model.rows().size());
        assertEquals(-2, model.rows().get(0).lb());
        assertEquals(2, model.rows().get(0).ub());
        assertEquals("ramp[0]", model.rows().get(0).name());
    }

    @Test
    void declaredSignsAndBoundsFeedDcp() {
        // x >= 0 from its bounds makes square(pos-like) compositions and sign-dependent products valid
        Program.compile("""
                var x[T] in [0, 1]
                var y[T]
                constraint a: square(abs(y)) <= 4
                constraint b: square(max(y, 0)) <= 4
                minimize sum(square(x))
                export P_EX = x, Q_EX = y, P_P2P = x
                """);
        ModelException e = assertThrows(ModelException.class, () -> Program.compile("""
                var y[T]
                constraint a: square(abs(y) - 1) <= 4
                minimize sum(y)
                export P_EX = y, Q_EX = y, P_P2P = y
                """));
        assertTrue(e.getMessage().contains("dcp-atom"), e.getMessage());
    }

    @Test
    void errorsCarryLineColumnRuleSnippetAndHint() {
        ModelException e = assertThrows(ModelException.class, () -> Program.compile("var x[T]\n  minimize sum(x * x)\n"));
        Diagnostic d = e.diagnostics().get(0);
        assertEquals(2, d.line());
        assertEquals(16, d.column());
        assertEquals("dcp-product", d.rule());
        assertEquals("x * x", d.snippet());
        assertTrue(d.format().startsWith("2:16: dcp-product: "), d.format());
        assertTrue(d.format().contains(" \u2014 hint: "), d.format());
    }

    @Test
    void limitsAreEnforcedWithClearErrors() {
        Limits small = new Limits(200, 40, 8, 2, 2, 2, 2, 50, 30, 5, 1000);
        assertRule("limit", () -> Program.compile("#".repeat(201), small));
        assertRule("limit", () -> Program.compile("var x[T] ".repeat(20), small));
        assertRule("limit", () -> Program.compile("param a param b param c", small));
        assertRule("syntax", () -> Program.compile("minimize ((((((((((1))))))))))", small));
        Program p = Program.compile("var x[T]\nminimize sum(abs(x))\nexport P_EX = x, Q_EX = x, P_P2P = x", small);
        p.place(new ConvexModel(), "", Bindings.builder("t", 15).build()); // 15 + 15 abs epigraphs = 30
        assertRule("limit", () -> p.place(new ConvexModel(), "", Bindings.builder("t", 16).build()));
        assertRule("limit", () -> p.place(new ConvexModel(), "", Bindings.builder("t", 51).build()));
        // many independent errors are reported together, capped at maxErrors
        ModelException many = assertThrows(ModelException.class, () -> Program.compile(
                "var x[T]\n" + "constraint c%d: x * x <= 1\n".repeat(1).replace("%d", "0") + "let a = x * x\nlet b = x * x\n"
                        + "minimize sum(x * x)\n", Limits.DEFAULT));
        assertTrue(many.diagnostics().size() >= 4, many.getMessage());
    }

    @Test
    void letsThatDoubleCannotBlowUpExponentially() {
        StringBuilder src = new StringBuilder("var x[T]\nlet a0 = x\n");
        for (int i = 1; i <= 60; i++) {
            src.append("let a").append(i).append(" = a").append(i - 1).append(" + a").append(i - 1).append('\n');
        }
        src.append("minimize sum(a60)\nexport P_EX = x, Q_EX = x, P_P2P = x\n");
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(2), () -> assertRule("limit", () -> Program.compile(src.toString())));
    }

    @Test
    void programsAreDataWithoutAnEscapeHatch() {
        for (String attempt : List.of("import os", "var x[T]\nexport java.lang.System = x", "include \"/etc/passwd\"",
                "var x[T]\nminimize sum(x).getClass()", "var x[T]\nminimize __import__(x)")) {
            assertThrows(ModelException.class, () -> Program.compile(attempt), attempt);
        }
    }

    @Test
    void placingIsThreadSafeAndRepeatable() throws Exception {
        Program p = ReferenceModels.program(ProsumerType.ENERGY_HUB);
        ProsumerSpec spec = ReferenceModelsTest.specOf(ProsumerType.ENERGY_HUB);
        ProsumerForecast f = ReferenceModelsTest.forecast(spec, 0);
        Bindings b = ReferenceModelFactory.bindings(spec, DeviceState.initial(spec), f);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                results.add(pool.submit(() -> {
                    ConvexModel m = new ConvexModel();
                    p.place(m, "e.", b);
                    return m.variableCount() + "/" + m.rows().size() + "/" + m.linearObjective();
                }));
            }
            String first = results.get(0).get();
            for (Future<String> r : results) {
                assertEquals(first, r.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertRule(String rule, org.junit.jupiter.api.function.Executable e) {
        ModelException ex = assertThrows(ModelException.class, e);
        assertEquals(rule, ex.diagnostics().get(0).rule(), ex.getMessage());
    }
}
