package org.p2pgrid.expert.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import org.p2pgrid.expert.lang.Ir.Node;
import org.p2pgrid.expert.model.ConvexModel;

/**
 * Differential test of the compiler: random well-formed programs (many rejected by the checker,
 * which is fine) are placed, a random point of the declared variables is completed with the
 * auxiliaries, and the compiled model must agree with a direct numeric interpretation of the
 * checked program: same objective value, same exports, and the compiled rows are violated exactly
 * when the program's constraints are. Also checks every diagnostic's line:column points at its
 * snippet.
 */
class CompilerDifferentialTest {

    @Property(tries = 1500)
    void compiledModelAgreesWithDirectEvaluation(@ForAll long seed) {
        Random r = new Random(seed);
        String source = new Generator(r).program();
        String outcome = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            Program p;
            try {
                p = Program.compile(source);
            } catch (ModelException e) {
                assertPositionsPointAtSnippets(source, e);
                return "rejected: " + e.diagnostics().get(0).rule();
            }
            int horizon = 1 + r.nextInt(6);
            Bindings.Builder b = Bindings.builder("g", horizon);
            for (Program.ParamInfo info : p.params()) {
                double[] v = new double[info.vector() ? horizon : 1];
                for (int k = 0; k < v.length; k++) {
                    double x = Math.round(r.nextGaussian() * 300) / 100.0;
                    v[k] = info.sign() == Sign.NONNEG ? Math.abs(x) : info.sign() == Sign.NONPOS ? -Math.abs(x) : x;
                }
                if (info.vector()) {
                    b.vector(info.name(), v);
                } else {
                    b.scalar(info.name(), v[0]);
                }
            }
            Bindings bindings = b.build();
            ConvexModel model = new ConvexModel();
            PlacedProsumerModel placed;
            try {
                placed = p.place(model, "g.", bindings);
            } catch (ModelException e) {
                return "bind-rejected: " + e.diagnostics().get(0).rule();
            }
            Interpreter direct = new Interpreter(p, bindings);
            double[] point = new double[model.variableCount()];
            for (int v = 0; v < p.checked().vars().size(); v++) {
                Ir.Var decl = p.checked().vars().get(v);
                int[] idx = placed.variable(decl.name());
                double[] lo = decl.lower() == null ? null : direct.value(decl.lower());
                double[] hi = decl.upper() == null ? null : direct.value(decl.upper());
                double[] values = new double[idx.length];
                for (int k = 0; k < idx.length; k++) {
                    double l = lo == null ? -6 : lo[lo.length == 1 ? 0 : k];
                    double h = hi == null ? 6 : hi[hi.length == 1 ? 0 : k];
                    if (lo == null && hi != null) {
                        l = h - 6;
                    }
                    if (hi == null && lo != null) {
                        h = l + 6;
                    }
                    values[k] = l + (h - l) * r.nextDouble();
                    point[idx[k]] = values[k];
                }
                direct.setVar(v, values);
            }
            placed.completeAuxiliaries(point);

            double expected = direct.value(p.checked().objective())[0];
            assertEquals(expected, model.objectiveValue(point), 1e-8 * (1 + Math.abs(expected)), source);
            for (Ir.Export e : p.checked().exports()) {
                double[] v = direct.value(e.value());
                for (int k = 0; k < horizon; k++) {
                    assertEquals(v[v.length == 1 ? 0 : k], placed.export(e.name(), k).evaluate(point),
                            1e-8 * (1 + Math.abs(v[v.length == 1 ? 0 : k])), source);
                }
            }
            double directViolation = direct.constraintViolation();
            double compiledViolation = compiledViolation(model, point);
            if (directViolation > 1e-6) {
                assertTrue(compiledViolation > 1e-9, "program violates its constraints by " + directViolation
                        + " but the compiled rows hold:\n" + source);
            } else if (directViolation == 0) {
                assertTrue(compiledViolation <= 1e-7, "program constraints hold but compiled rows are violated by "
                        + compiledViolation + ":\n" + source);
            }
            return "placed";
        });
        Statistics.collect(outcome);
    }

    static void assertPositionsPointAtSnippets(String source, ModelException e) {
        String[] lines = source.split("\n", -1);
        for (Diagnostic d : e.diagnostics()) {
            if (d.line() == 0 || d.snippet() == null) {
                continue;
            }
            assertTrue(d.line() >= 1 && d.line() <= lines.length, d.format());
            int offset = 0;
            for (int i = 0; i < d.line() - 1; i++) {
                offset += lines[i].length() + 1;
            }
            offset += d.column() - 1;
            String at = source.substring(offset);
            String want = d.snippet().length() > 20 ? d.snippet().substring(0, 20) : d.snippet();
            assertTrue(at.startsWith(want) || at.replaceAll("\\s+", " ").startsWith(want.replaceAll("\\s+", " ")),
                    d.format() + "\nnot at " + d.line() + ":" + d.column() + " of\n" + source);
        }
    }

    static double compiledViolation(ConvexModel model, double[] x) {
        double worst = 0;
        for (ConvexModel.Row row : model.rows()) {
            double v = 0;
            double scale = 1;
            for (int j = 0; j < row.vars().length; j++) {
                v += row.coefs()[j] * x[row.vars()[j]];
                scale += Math.abs(row.coefs()[j] * x[row.vars()[j]]);
            }
            worst = Math.max(worst, Math.max(row.lb() - v, v - row.ub()) / scale);
        }
        for (ConvexModel.SquareEpigraph s : model.squareEpigraphs()) {
            worst = Math.max(worst, (x[s.x()] * x[s.x()] - x[s.t()]) / (1 + x[s.t()]));
        }
        for (ConvexModel.Disc d : model.discs()) {
            worst = Math.max(worst, (Math.hypot(x[d.x()], x[d.y()]) - d.radius()) / (1 + d.radius()));
        }
        return worst;
    }

    /** Evaluates checked expressions numerically: the meaning of the language, independent of the compiler. */
    static final class Interpreter {
        private final Program program;
        private final Bindings bindings;
        private final double[][] vars;

        Interpreter(Program program, Bindings bindings) {
            this.program = program;
            this.bindings = bindings;
            this.vars = new double[program.checked().vars().size()][];
        }

        void setVar(int v, double[] values) {
            vars[v] = values;
        }

        double constraintViolation() {
            double worst = 0;
            for (Ir.Constraint c : program.checked().constraints()) {
                if (c instanceof Ir.Relations rel) {
                    for (Ir.Relation r : rel.relations()) {
                        worst = Math.max(worst, violation(value(r.lhs()), r.rel(), value(r.rhs())));
                    }
                } else if (c instanceof Ir.Ranged g) {
                    double[] m = value(g.middle());
                    worst = Math.max(worst, violation(value(g.lower()), "<=", m));
                    worst = Math.max(worst, violation(m, "<=", value(g.upper())));
                } else {
                    Ir.Disc d = (Ir.Disc) c;
                    double[] p = value(d.p());
                    double[] q = value(d.q());
                    double[] s = value(d.radius());
                    if (p.length == 0 || q.length == 0 || s.length == 0) {
                        continue; // an empty slice (e.g. x[1:] at T = 1) constrains nothing
                    }
                    int n = Math.max(p.length, Math.max(q.length, s.length));
                    for (int k = 0; k < n; k++) {
                        double rad = s[s.length == 1 ? 0 : k];
                        rad = d.radiusSquared() ? Math.sqrt(rad) : rad;
                        double h = Math.hypot(p[p.length == 1 ? 0 : k], q[q.length == 1 ? 0 : k]);
                        worst = Math.max(worst, (h - rad) / (1 + rad));
                    }
                }
            }
            return worst;
        }

        private static double violation(double[] a, String rel, double[] b) {
            double worst = 0;
            int n = Math.max(a.length, b.length);
            if (a.length == 0 || b.length == 0) {
                return 0;
            }
            for (int k = 0; k < n; k++) {
                double x = a[a.length == 1 ? 0 : k];
                double y = b[b.length == 1 ? 0 : k];
                double scale = 1 + Math.abs(x) + Math.abs(y);
                double v = switch (rel) {
                    case "<=" -> x - y;
                    case ">=" -> y - x;
                    default -> Math.abs(x - y);
                };
                worst = Math.max(worst, v / scale);
            }
            return worst;
        }

        double[] value(Node n) {
            int horizon = bindings.horizon();
            if (n instanceof Ir.Const c) {
                return new double[] {c.value()};
            } else if (n instanceof Ir.ParamRef p) {
                return bindings.raw(program.checked().params().get(p.param()).name());
            } else if (n instanceof Ir.VarRef v) {
                return vars[v.var()];
            } else if (n instanceof Ir.Add a) {
                double[] x = value(a.a());
                double[] y = value(a.b());
                return zip(x, y, n.shape().length(horizon), (p, q) -> a.subtract() ? p - q : p + q);
            } else if (n instanceof Ir.Negate g) {
                return map(value(g.a()), v -> -v);
            } else if (n instanceof Ir.Scale s) {
                double[] f = value(s.factor());
                double[] x = value(s.other());
                return zip(f, x, n.shape().length(horizon), (c, v) -> s.divide() ? v / c : v * c);
            } else if (n instanceof Ir.Pick p) {
                double[] x = value(p.target());
                return new double[] {x[p.index() >= 0 ? p.index() : x.length + p.index()]};
            } else if (n instanceof Ir.Range r) {
                double[] x = value(r.target());
                int s = r.start() == null ? 0 : r.start() >= 0 ? r.start() : x.length + r.start();
                int e = r.end() == null ? x.length : r.end() >= 0 ? r.end() : x.length + r.end();
                return java.util.Arrays.copyOfRange(x, s, e);
            }
            Ir.Atom a = (Ir.Atom) n;
            double[] x = value(a.args().get(0));
            switch (a.kind()) {
                case SUM:
                    return new double[] {java.util.Arrays.stream(x).sum()};
                case CUMSUM: {
                    double[] out = x.clone();
                    for (int k = 1; k < out.length; k++) {
                        out[k] += out[k - 1];
                    }
                    return out;
                }
                case DIFF: {
                    double[] out = new double[Math.max(0, x.length - 1)];
                    for (int k = 0; k < out.length; k++) {
                        out[k] = x[k + 1] - x[k];
                    }
                    return out;
                }
                case SQUARE:
                    return map(x, v -> v * v);
                case ABS:
                    return map(x, Math::abs);
                case POS:
                    return map(x, v -> Math.max(v, 0));
                case NEG:
                    return map(x, v -> Math.max(-v, 0));
                case MAX:
                    return zip(x, value(a.args().get(1)), n.shape().length(horizon), Math::max);
                case MIN:
                    return zip(x, value(a.args().get(1)), n.shape().length(horizon), Math::min);
                case MAX_OF:
                    return new double[] {java.util.Arrays.stream(x).max().orElseThrow()};
                default:
                    return new double[] {java.util.Arrays.stream(x).min().orElseThrow()};
            }
        }

        private static double[] map(double[] x, java.util.function.DoubleUnaryOperator f) {
            double[] out = new double[x.length];
            for (int k = 0; k < x.length; k++) {
                out[k] = f.applyAsDouble(x[k]);
            }
            return out;
        }

        private static double[] zip(double[] x, double[] y, int n, java.util.function.DoubleBinaryOperator f) {
            double[] out = new double[n];
            for (int k = 0; k < n; k++) {
                out[k] = f.applyAsDouble(x[x.length == 1 ? 0 : k], y[y.length == 1 ? 0 : k]);
            }
            return out;
        }
    }

    /** Random programs from the grammar, biased towards DCP-valid ones. */
    static final class Generator {
        private final Random r;
        private final List<String> scalars = new ArrayList<>();
        private final List<String> vectors = new ArrayList<>();
        private final List<String> varScalars = new ArrayList<>();
        private final List<String> varVectors = new ArrayList<>();

        Generator(Random r) {
            this.r = r;
        }

        String program() {
            StringBuilder s = new StringBuilder();
            int params = 1 + r.nextInt(4);
            for (int i = 0; i < params; i++) {
                boolean vector = r.nextBoolean();
                String name = "p" + i;
                (vector ? vectors : scalars).add(name);
                s.append("param ").append(name).append(vector ? "[T]" : "")
                        .append(pick(" >= 0", " >= 0", " <= 0", "", " nonneg")).append('\n');
            }
            int vars = 1 + r.nextInt(4);
            for (int i = 0; i < vars; i++) {
                boolean vector = r.nextInt(4) > 0;
                String name = "v" + i;
                (vector ? varVectors : varScalars).add(name);
                s.append("var ").append(name).append(vector ? "[T]" : "")
                        .append(pick(" in [-5, 5]", " nonneg", "", " in [0, 3]", " in [-2, inf]", " nonpos")).append('\n');
            }
            for (int i = r.nextInt(3); i > 0; i--) {
                String name = "l" + i;
                boolean vector = r.nextBoolean();
                s.append("let ").append(name).append(" = ").append(vector ? vec(3) : scal(3)).append('\n');
                (vector ? varVectors : varScalars).add(name);
            }
            for (int i = 0, n = r.nextInt(5); i < n; i++) {
                s.append("constraint c").append(i).append(": ");
                switch (r.nextInt(6)) {
                    case 0 -> s.append("disc(").append(vec(1)).append(", ").append(vec(1)).append(", 4)");
                    case 1 -> s.append("square(").append(vec(1)).append(") + square(").append(vec(1)).append(") <= 30");
                    case 2 -> s.append("-3 <= ").append(vec(2)).append(" <= 3");
                    case 3 -> s.append(vec(3)).append(" <= ").append(pick("4", "p0", "5 - abs(v0)", "min(v0, 2) + 6"));
                    case 4 -> s.append(scal(3)).append(pick(" <= ", " >= ", " == ")).append(scal(2));
                    default -> s.append(vec(3)).append(pick(" <= ", " >= ", " == ")).append(vec(3));
                }
                s.append('\n');
            }
            s.append("minimize ").append(pick("sum(", "max(", "")).append(r.nextBoolean() ? vec(4) : scal(4))
                    .append(s.toString().endsWith("(") ? "" : "").append(closeIfOpened(s)).append('\n');
            s.append("export P_EX = ").append(vec(2)).append(", Q_EX = ").append(vec(1)).append(", P_P2P = ")
                    .append(r.nextBoolean() ? vec(2) : scal(1)).append('\n');
            return s.toString();
        }

        private static String closeIfOpened(StringBuilder s) {
            int line = s.lastIndexOf("minimize ");
            String tail = s.substring(line);
            long open = tail.chars().filter(c -> c == '(').count();
            long close = tail.chars().filter(c -> c == ')').count();
            return ")".repeat((int) Math.max(0, open - close));
        }

        private String vec(int depth) {
            if (depth <= 0 || r.nextInt(4) == 0) {
                return r.nextInt(3) == 0 && !vectors.isEmpty() ? pick(vectors) : varVectors.isEmpty() ? "0" : pick(varVectors);
            }
            return switch (r.nextInt(24)) {
                case 0, 1, 12, 13, 14 -> vec(depth - 1) + pick(" + ", " - ") + vec(depth - 1);
                case 2 -> vec(depth - 1) + pick(" + ", " - ") + scal(depth - 1);
                case 3 -> constant() + " * " + vec(depth - 1);
                case 4 -> vec(depth - 1) + " / " + pick("2", "p0", "-4", "(1 + p0)");
                case 5 -> "-" + vec(depth - 1);
                case 6 -> pick("square", "abs", "pos", "neg", "cumsum") + "(" + vec(depth - 1) + ")";
                case 7 -> pick("max", "min") + "(" + vec(depth - 1) + ", " + (r.nextBoolean() ? vec(depth - 1) : scal(depth - 1)) + ")";
                case 8 -> "(" + vec(depth - 1) + ")";
                case 9 -> "diff(" + vec(depth - 1) + ")" + pick("", "[0:1]");
                case 10 -> vec(depth - 1) + pick("[1:]", "[:-1]", "[0:1]", "[-1:]");
                case 11, 15, 16 -> pick(vectors.isEmpty() ? List.of("2") : vectors) + " * " + vec(depth - 1);
                case 17 -> vec(depth - 1) + " * " + vec(depth - 1);
                case 18, 19 -> "cumsum(" + vec(depth - 1) + ")";
                default -> vec(depth - 1);
            };
        }

        private String scal(int depth) {
            if (depth <= 0 || r.nextInt(4) == 0) {
                return r.nextInt(3) == 0 ? constant() : varScalars.isEmpty() ? constant() : pick(varScalars);
            }
            return switch (r.nextInt(12)) {
                case 0 -> "sum(" + vec(depth - 1) + ")";
                case 1 -> pick("max", "min") + "(" + vec(depth - 1) + ")";
                case 2 -> vec(depth - 1) + pick("[0]", "[-1]", "[1]");
                case 3 -> scal(depth - 1) + pick(" + ", " - ") + scal(depth - 1);
                case 4 -> constant() + " * " + scal(depth - 1);
                case 5 -> pick("square", "abs", "pos", "neg") + "(" + scal(depth - 1) + ")";
                case 6 -> "-" + scal(depth - 1);
                case 7 -> scal(depth - 1) + " / " + pick("3", "p0");
                case 8 -> scal(depth - 1) + " * " + scal(depth - 1);
                default -> scal(depth - 1);
            };
        }

        private String constant() {
            return r.nextBoolean() ? pick("2", "0.5", "-1", "0") : scalars.isEmpty() ? "1.5" : pick(scalars);
        }

        private String pick(String... options) {
            return options[r.nextInt(options.length)];
        }

        private String pick(List<String> options) {
            return options.get(r.nextInt(options.size()));
        }
    }
}
