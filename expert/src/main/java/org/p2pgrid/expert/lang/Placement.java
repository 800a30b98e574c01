package org.p2pgrid.expert.lang;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.p2pgrid.expert.lang.Ir.Node;
import org.p2pgrid.expert.lang.PlacedProsumerModel.Aux;
import org.p2pgrid.expert.lang.PlacedProsumerModel.AuxKind;
import org.p2pgrid.expert.model.ConvexModel;
import org.p2pgrid.expert.model.LinearExpr;

/**
 * Compiles a checked program into a {@link ConvexModel} for one set of bindings (single use, not
 * thread-safe; {@link Program#place} creates one per call).
 *
 * <p>Every expression evaluates to one {@link LinearExpr} per element. A convex atom becomes a new
 * epigraph variable t with linear rows (abs: t ≥ x, t ≥ −x; pos: t ≥ x, t ≥ 0; max: t ≥ a, t ≥ b;
 * square: {@code addSquareEpigraph}) and evaluates to t; DCP guarantees t is only ever pushed down by
 * the objective/constraints, so at an optimum it equals the atom's value. Concave atoms (min) are the
 * mirror image. {@code cumsum} uses running-sum variables (s_k = s_{k−1} + x_k) so rows stay sparse.
 * In the objective, {@code w·square(affine)} with w ≥ 0 goes to {@code addQuadraticObjective}
 * directly (no epigraph), which is exact for QP backends and lets LP backends choose their own
 * linearisation. Results are cached per node, so an expression named by {@code let} and used twice
 * creates its epigraph once. Epigraph and running-sum variables get the bounds interval arithmetic
 * gives from the operands' variable bounds (never cutting an optimum), not free columns, which slow
 * HiGHS's dual simplex (benchmarks/RESULTS.md, "Expert DSO solve").
 */
final class Placement {
    private static final double CONSTANT_TOLERANCE = 1e-9;

    private final Program program;
    private final Checker.Result ir;
    private final ConvexModel model;
    private final String prefix;
    private final Bindings bindings;
    private final int horizon;
    private final double[][] paramValues;
    private final int[][] varIndex;
    private final IdentityHashMap<Node, LinearExpr[]> linCache = new IdentityHashMap<>();
    private final IdentityHashMap<Node, double[]> constCache = new IdentityHashMap<>();
    private final List<Aux> aux = new ArrayList<>();
    private final int firstVariable;
    private int scalarVariables;
    private int auxCounter;
    private String context = "";

    Placement(Program program, ConvexModel model, String prefix, Bindings bindings) {
        this.program = program;
        this.ir = program.checked();
        this.model = model;
        this.prefix = prefix;
        this.bindings = bindings;
        this.horizon = bindings.horizon();
        this.paramValues = new double[ir.params().size()][];
        this.varIndex = new int[ir.vars().size()][];
        this.firstVariable = model.variableCount();
    }

    PlacedProsumerModel run() {
        if (horizon > program.limits().maxHorizon()) {
            throw fail(null, "limit", "horizon T = " + horizon + " exceeds the limit " + program.limits().maxHorizon(), null);
        }
        bindParams();
        Map<String, int[]> variables = new HashMap<>();
        for (int v = 0; v < ir.vars().size(); v++) {
            Ir.Var decl = ir.vars().get(v);
            varIndex[v] = createVariable(decl);
            variables.put(decl.name(), varIndex[v]);
        }
        for (Ir.Constraint c : ir.constraints()) {
            context = c.name();
            if (c instanceof Ir.Relations r) {
                relations(r);
            } else if (c instanceof Ir.Ranged r) {
                ranged(r);
            } else {
                disc((Ir.Disc) c);
            }
        }
        context = "objective";
        objective(ir.objective());
        Map<String, LinearExpr[]> exports = new HashMap<>();
        for (Ir.Export e : ir.exports()) {
            context = e.name();
            LinearExpr[] value = eval(e.value());
            LinearExpr[] perStep = new LinearExpr[horizon];
            for (int k = 0; k < horizon; k++) {
                perStep[k] = value[value.length == 1 ? 0 : k].copy();
            }
            exports.put(e.name(), perStep);
        }
        return new PlacedProsumerModel(bindings.prosumerId(), horizon, exports, variables, aux, firstVariable,
                model.variableCount());
    }

    // ---- binding ----

    private void bindParams() {
        List<Diagnostic> problems = new ArrayList<>();
        for (int p = 0; p < paramValues.length; p++) {
            Ir.Param decl = ir.params().get(p);
            String name = decl.name();
            if (!bindings.has(name)) {
                problems.add(diagnostic(decl.span(), "unbound-param", "param `" + name + "` has no value for prosumer "
                        + bindings.prosumerId(), "use the standard param names of LANGUAGE.md; a device the prosumer "
                        + "does not own has no params (remove that device from the model)"));
                continue;
            }
            if (decl.vector() != bindings.isVector(name)) {
                problems.add(diagnostic(decl.span(), "param-shape", "param `" + name + "` is declared "
                        + (decl.vector() ? "[T] (per step)" : "scalar") + " but its value is "
                        + (bindings.isVector(name) ? "per step" : "a scalar"), "declare it as `param " + name
                        + (bindings.isVector(name) ? "[T]`" : "` (no [T])")));
                continue;
            }
            double[] values = bindings.raw(name);
            for (int k = 0; k < values.length; k++) {
                double v = values[k];
                String where = decl.vector() ? " at step " + k : "";
                if (!Double.isFinite(v)) {
                    problems.add(diagnostic(decl.span(), "param-value", "param `" + name + "` is " + v + where, null));
                    break;
                }
                if ((decl.sign() == Sign.NONNEG && v < 0) || (decl.sign() == Sign.NONPOS && v > 0)) {
                    problems.add(diagnostic(decl.span(), "param-sign", "param `" + name + "` is declared "
                            + decl.sign().word() + " but its value is " + v + where, "remove the sign declaration or "
                            + "fix the sign in the model"));
                    break;
                }
            }
            paramValues[p] = values;
        }
        if (!problems.isEmpty()) {
            throw new ModelException(problems.subList(0, Math.min(problems.size(), program.limits().maxErrors())));
        }
    }

    private int[] createVariable(Ir.Var decl) {
        int n = decl.vector() ? horizon : 1;
        double[] lo = decl.lower() == null ? null : constant(decl.lower());
        double[] hi = decl.upper() == null ? null : constant(decl.upper());
        int[] idx = new int[n];
        String base = prefix + decl.name();
        for (int k = 0; k < n; k++) {
            double l = lo == null ? Double.NEGATIVE_INFINITY : lo[lo.length == 1 ? 0 : k];
            double h = hi == null ? Double.POSITIVE_INFINITY : hi[hi.length == 1 ? 0 : k];
            if (l > h) {
                throw fail(decl.span(), "empty-bounds", "var `" + decl.name() + "` has lower bound " + l
                        + " > upper bound " + h + (decl.vector() ? " at step " + k : ""), "check the bound params");
            }
            idx[k] = newVariable(decl.vector() ? base + "[" + k + "]" : base, l, h, decl.span());
        }
        return idx;
    }

    private int newVariable(String name, double lo, double hi, Span span) {
        if (++scalarVariables > program.limits().maxScalarVariables()) {
            throw fail(span, "limit", "the model needs more than " + program.limits().maxScalarVariables()
                    + " scalar variables at T = " + horizon, "use fewer variables or atoms");
        }
        return model.addVariable(name, lo, hi);
    }

    private int newAux(String atom, double lo, double hi, Span span) {
        return newVariable(prefix + context + "~" + atom + (auxCounter++), lo, hi, span);
    }

    // ---- constraints ----

    private void relations(Ir.Relations c) {
        int j = 0;
        for (Ir.Relation r : c.relations()) {
            LinearExpr[] l = eval(r.lhs());
            LinearExpr[] rr = eval(r.rhs());
            int n = broadcastLength(r.lhs(), r.rhs());
            double lb = r.rel().equals(">=") || r.rel().equals("==") ? 0 : Double.NEGATIVE_INFINITY;
            double ub = r.rel().equals("<=") || r.rel().equals("==") ? 0 : Double.POSITIVE_INFINITY;
            boolean vector = r.lhs().shape().vector() || r.rhs().shape().vector();
            for (int k = 0; k < n; k++) {
                LinearExpr e = new LinearExpr().add(l[l.length == 1 ? 0 : k], 1).add(rr[rr.length == 1 ? 0 : k], -1);
                String name = prefix + c.name() + (vector ? "[" + k + "]" : "") + (c.relations().size() > 1 ? "#" + j : "");
                row(name, e, lb, ub, r.span(), k, vector);
            }
            j++;
        }
    }

    private void ranged(Ir.Ranged c) {
        double[] lo = constant(c.lower());
        double[] hi = constant(c.upper());
        LinearExpr[] m = eval(c.middle());
        int n = broadcastLength(c.lower(), c.middle(), c.upper());
        boolean vector = c.lower().shape().vector() || c.middle().shape().vector() || c.upper().shape().vector();
        for (int k = 0; k < n; k++) {
            double l = lo[lo.length == 1 ? 0 : k];
            double h = hi[hi.length == 1 ? 0 : k];
            if (l > h) {
                throw fail(c.span(), "infeasible-constant", "constraint `" + c.name() + "` has lower end " + l
                        + " > upper end " + h + (vector ? " at step " + k : ""), "check the params bounding it");
            }
            row(prefix + c.name() + (vector ? "[" + k + "]" : ""), m[m.length == 1 ? 0 : k], l, h, c.span(), k, vector);
        }
    }

    private void row(String name, LinearExpr e, double lb, double ub, Span span, int k, boolean vector) {
        if (e.isConstant()) {
            double v = e.constant();
            double tol = CONSTANT_TOLERANCE * (1 + Math.abs(v));
            if (v < lb - tol || v > ub + tol) {
                throw fail(span, "infeasible-constant", "constraint `" + context + "` involves no variable"
                        + (vector ? " at step " + k : "") + " and is false for these param values (" + v
                        + " not in [" + lb + ", " + ub + "])", "constraints must involve variables; check the params");
            }
            return;
        }
        model.addConstraint(name, e, lb, ub);
    }

    private void disc(Ir.Disc d) {
        LinearExpr[] p = eval(d.p());
        LinearExpr[] q = eval(d.q());
        double[] r = constant(d.radius());
        int n = broadcastLength(d.p(), d.q(), d.radius());
        boolean vector = d.p().shape().vector() || d.q().shape().vector() || d.radius().shape().vector();
        for (int k = 0; k < n; k++) {
            double rk = r[r.length == 1 ? 0 : k];
            if (rk < 0) {
                throw fail(d.span(), "param-sign", "the " + (d.radiusSquared() ? "squared " : "") + "radius of disc `"
                        + d.name() + "` is " + rk + (vector ? " at step " + k : "") + "; it must be >= 0", null);
            }
            int x = asVariable(p[p.length == 1 ? 0 : k], d.span());
            int y = asVariable(q[q.length == 1 ? 0 : k], d.span());
            model.addDisc(prefix + d.name() + (vector ? "[" + k + "]" : ""), x, y, d.radiusSquared() ? Math.sqrt(rk) : rk);
        }
    }

    /** Length of the elementwise combination of checked (broadcast-compatible) nodes. */
    private int broadcastLength(Node... nodes) {
        for (Node n : nodes) {
            if (n.shape().vector()) {
                return length(n);
            }
        }
        return 1;
    }

    /** The variable an affine expression is, or a new variable defined equal to it. */
    private int asVariable(LinearExpr e, Span span) {
        if (e.termCount() == 1 && e.coef(0) == 1 && e.constant() == 0) {
            return e.var(0);
        }
        int w = newAux("def", Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, span);
        model.addEquality(model.varName(w), new LinearExpr().add(w, 1).add(e, -1), 0);
        aux.add(new Aux(w, AuxKind.DEFINE, new LinearExpr[] {e}));
        return w;
    }

    // ---- objective ----

    private void objective(Node n) {
        LinearExpr linear = new LinearExpr();
        objectiveTerms(n, new double[] {1}, linear);
        model.addObjective(linear);
    }

    /** Adds Σ_k w_k · n_k to the objective, sending nonnegative multiples of squares to the quadratic part. */
    private void objectiveTerms(Node n, double[] w, LinearExpr linear) {
        int len = length(n);
        if (n.isConstant()) {
            double[] c = constant(n);
            for (int k = 0; k < len; k++) {
                linear.addConstant(w[k] * c[c.length == 1 ? 0 : k]);
            }
            return;
        }
        if (n instanceof Ir.Add a) {
            objectiveTerms(a.a(), reduce(w, length(a.a()), 1), linear);
            objectiveTerms(a.b(), reduce(w, length(a.b()), a.subtract() ? -1 : 1), linear);
        } else if (n instanceof Ir.Negate g) {
            objectiveTerms(g.a(), reduce(w, len, -1), linear);
        } else if (n instanceof Ir.Scale s) {
            double[] c = constant(s.factor());
            double[] wc = new double[len];
            for (int k = 0; k < len; k++) {
                double ck = c[c.length == 1 ? 0 : k];
                if (s.divide() && ck == 0) {
                    throw fail(s.span(), "division-by-zero", "the denominator is 0" + (len > 1 ? " at step " + k : ""),
                            null);
                }
                wc[k] = s.divide() ? w[k] / ck : w[k] * ck;
            }
            objectiveTerms(s.other(), reduce(wc, length(s.other()), 1), linear);
        } else if (n instanceof Ir.Atom a && a.kind() == Ir.AtomKind.SUM) {
            double[] spread = new double[length(a.args().get(0))];
            java.util.Arrays.fill(spread, w[0]);
            objectiveTerms(a.args().get(0), spread, linear);
        } else if (n instanceof Ir.Atom a && a.kind() == Ir.AtomKind.SQUARE && a.args().get(0).curvature().isAffine()
                    && allNonNegative(w)) {
            LinearExpr[] x = eval(a.args().get(0));
            for (int k = 0; k < len; k++) {
                if (w[k] == 0) {
                    continue;
                }
                LinearExpr xk = x[x.length == 1 ? 0 : k];
                if (xk.termCount() == 1) {
                    // w·(a·v + c)² = w·a²·v² + 2·w·a·c·v + w·c²
                    double av = xk.coef(0);
                    double c = xk.constant();
                    model.addQuadraticObjective(xk.var(0), w[k] * av * av);
                    linear.add(xk.var(0), 2 * w[k] * av * c).addConstant(w[k] * c * c);
                } else {
                    model.addQuadraticObjective(asVariable(xk, a.span()), w[k]);
                }
            }
        } else {
            LinearExpr[] e = eval(n);
            for (int k = 0; k < len; k++) {
                linear.add(e[e.length == 1 ? 0 : k], w[k]);
            }
        }
    }

    private static boolean allNonNegative(double[] w) {
        for (double v : w) {
            if (v < 0) {
                return false;
            }
        }
        return true;
    }

    /** Weights for a child of length {@code childLen} under broadcasting: a scalar child gets Σ w. */
    private static double[] reduce(double[] w, int childLen, double factor) {
        if (childLen == w.length) {
            if (factor == 1) {
                return w;
            }
            double[] out = new double[w.length];
            for (int k = 0; k < w.length; k++) {
                out[k] = factor * w[k];
            }
            return out;
        }
        double s = 0;
        for (double v : w) {
            s += v;
        }
        return new double[] {factor * s};
    }

    // ---- expressions ----

    private int length(Node n) {
        int len = n.shape().length(horizon);
        if (len < 0) {
            throw fail(n.span(), "index-range", "this expression has negative length " + len + " at T = " + horizon,
                    "the horizon is too short for this slice");
        }
        return len;
    }

    private LinearExpr[] eval(Node n) {
        LinearExpr[] cached = linCache.get(n);
        if (cached != null) {
            return cached;
        }
        LinearExpr[] out;
        if (n.isConstant()) {
            double[] c = constant(n);
            out = new LinearExpr[c.length];
            for (int k = 0; k < c.length; k++) {
                out[k] = LinearExpr.constant(c[k]);
            }
        } else {
            out = evalVariable(n);
        }
        linCache.put(n, out);
        return out;
    }

    private LinearExpr[] evalVariable(Node n) {
        int len = length(n);
        LinearExpr[] out = new LinearExpr[len];
        if (n instanceof Ir.VarRef v) {
            int[] idx = varIndex[v.var()];
            for (int k = 0; k < len; k++) {
                out[k] = LinearExpr.of(idx[k], 1);
            }
        } else if (n instanceof Ir.Add a) {
            LinearExpr[] x = eval(a.a());
            LinearExpr[] y = eval(a.b());
            for (int k = 0; k < len; k++) {
                out[k] = new LinearExpr().add(x[x.length == 1 ? 0 : k], 1).add(y[y.length == 1 ? 0 : k],
                        a.subtract() ? -1 : 1);
            }
        } else if (n instanceof Ir.Negate g) {
            LinearExpr[] x = eval(g.a());
            for (int k = 0; k < len; k++) {
                out[k] = new LinearExpr().add(x[k], -1);
            }
        } else if (n instanceof Ir.Scale s) {
            double[] c = constant(s.factor());
            LinearExpr[] x = eval(s.other());
            for (int k = 0; k < len; k++) {
                double ck = c[c.length == 1 ? 0 : k];
                if (s.divide() && ck == 0) {
                    throw fail(s.span(), "division-by-zero", "the denominator is 0" + (len > 1 ? " at step " + k : ""),
                            null);
                }
                out[k] = new LinearExpr().add(x[x.length == 1 ? 0 : k], s.divide() ? 1 / ck : ck);
            }
        } else if (n instanceof Ir.Atom a) {
            atom(a, out);
        } else if (n instanceof Ir.Pick p) {
            LinearExpr[] x = eval(p.target());
            out[0] = x[index(p, x.length)];
        } else if (n instanceof Ir.Range r) {
            LinearExpr[] x = eval(r.target());
            int[] se = range(r, x.length);
            System.arraycopy(x, se[0], out, 0, se[1] - se[0]);
        } else {
            throw new IllegalStateException("constant node evaluated as variable: " + n);
        }
        return out;
    }

    private void atom(Ir.Atom a, LinearExpr[] out) {
        LinearExpr[] x = eval(a.args().get(0));
        int len = out.length;
        switch (a.kind()) {
            case SUM -> {
                LinearExpr s = new LinearExpr();
                for (LinearExpr e : x) {
                    s.add(e, 1);
                }
                out[0] = s;
            }
            case CUMSUM -> {
                int prev = -1;
                double runLo = 0;
                double runHi = 0;
                for (int k = 0; k < len; k++) {
                    double[] r = interval(x[k]);
                    runLo += r[0];
                    runHi += r[1];
                    // bounds implied by the operands' bounds (never cut a feasible point; keep HiGHS off free columns)
                    int s = newAux("cumsum", runLo, runHi, a.span());
                    LinearExpr def = new LinearExpr().add(x[k], 1);
                    if (prev >= 0) {
                        def.add(prev, 1);
                    }
                    model.addEquality(model.varName(s), new LinearExpr().add(s, 1).add(def, -1), 0);
                    aux.add(new Aux(s, AuxKind.DEFINE, new LinearExpr[] {def}));
                    out[k] = LinearExpr.of(s, 1);
                    prev = s;
                }
            }
            case DIFF -> {
                for (int k = 0; k < len; k++) {
                    out[k] = new LinearExpr().add(x[k + 1], 1).add(x[k], -1);
                }
            }
            case SQUARE -> {
                for (int k = 0; k < len; k++) {
                    int v = asVariable(x[k], a.span());
                    int t = newAux("square", 0, Double.POSITIVE_INFINITY, a.span());
                    model.addSquareEpigraph(model.varName(t), v, t);
                    aux.add(new Aux(t, AuxKind.SQUARE, new LinearExpr[] {LinearExpr.of(v, 1)}));
                    out[k] = LinearExpr.of(t, 1);
                }
            }
            case ABS, POS, NEG -> {
                for (int k = 0; k < len; k++) {
                    LinearExpr[] terms = switch (a.kind()) {
                        case ABS -> new LinearExpr[] {x[k], new LinearExpr().add(x[k], -1)};
                        case POS -> new LinearExpr[] {x[k], LinearExpr.constant(0)};
                        default -> new LinearExpr[] {new LinearExpr().add(x[k], -1), LinearExpr.constant(0)};
                    };
                    out[k] = LinearExpr.of(bound(a, terms, true), 1);
                }
            }
            case MAX, MIN -> {
                LinearExpr[] y = eval(a.args().get(1));
                for (int k = 0; k < len; k++) {
                    LinearExpr[] terms = {x[x.length == 1 ? 0 : k], y[y.length == 1 ? 0 : k]};
                    out[k] = LinearExpr.of(bound(a, terms, a.kind() == Ir.AtomKind.MAX), 1);
                }
            }
            case MAX_OF, MIN_OF -> {
                if (x.length == 0) {
                    throw fail(a.span(), "index-range", "max/min of an empty vector at T = " + horizon, null);
                }
                out[0] = LinearExpr.of(bound(a, x, a.kind() == Ir.AtomKind.MAX_OF), 1);
            }
        }
    }

    /**
     * A new variable t ≥ every term (upper) or ≤ every term (lower). Constant terms become the
     * variable's bound rather than rows.
     */
    private int bound(Ir.Atom a, LinearExpr[] terms, boolean upper) {
        double fixed = upper ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        for (LinearExpr e : terms) {
            if (e.isConstant()) {
                fixed = upper ? Math.max(fixed, e.constant()) : Math.min(fixed, e.constant());
            }
        }
        // Interval arithmetic on the terms' variable bounds: t ≥ every term gives t ≥ max of the terms'
        // lower ends; and max of the upper ends is ≥ max(terms) at every feasible point, so bounding t by it
        // (DCP: t is only pushed down, so t = max(terms) at an optimum) never cuts an optimum. Finite
        // bounds keep the epigraph column off HiGHS's free-column path (see benchmarks/RESULTS.md).
        double near = fixed;
        double far = upper ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        for (LinearExpr e : terms) {
            double[] r = interval(e);
            near = upper ? Math.max(near, r[0]) : Math.min(near, r[1]);
            far = upper ? Math.max(far, r[1]) : Math.min(far, r[0]);
        }
        if (a.kind() == Ir.AtomKind.ABS) {
            near = Math.max(near, 0);
        }
        String atomName = a.kind().name().toLowerCase(java.util.Locale.ROOT);
        int t = upper ? newAux(atomName, near, Math.max(near, far), a.span())
                : newAux(atomName, Math.min(near, far), near, a.span());
        int j = 0;
        for (LinearExpr e : terms) {
            if (!e.isConstant()) {
                LinearExpr row = new LinearExpr().add(t, 1).add(e, -1);
                model.addConstraint(model.varName(t) + "#" + j++, row, upper ? 0 : Double.NEGATIVE_INFINITY,
                        upper ? Double.POSITIVE_INFINITY : 0);
            }
        }
        aux.add(new Aux(t, upper ? AuxKind.MAX : AuxKind.MIN, terms));
        return t;
    }

    /** [lo, hi] of {@code e} over its variables' bounds (an end is infinite where a bound it needs is). */
    private double[] interval(LinearExpr e) {
        double lo = e.constant();
        double hi = e.constant();
        for (int j = 0; j < e.termCount() && (lo > Double.NEGATIVE_INFINITY || hi < Double.POSITIVE_INFINITY); j++) {
            double c = e.coef(j);
            if (c == 0) {
                continue;
            }
            double l = model.lowerBound(e.var(j));
            double h = model.upperBound(e.var(j));
            lo += c > 0 ? c * l : c * h;
            hi += c > 0 ? c * h : c * l;
        }
        return new double[] {Double.isNaN(lo) ? Double.NEGATIVE_INFINITY : lo, Double.isNaN(hi) ? Double.POSITIVE_INFINITY : hi};
    }

    private double[] constant(Node n) {
        double[] cached = constCache.get(n);
        if (cached != null) {
            return cached;
        }
        int len = length(n);
        double[] out = new double[len];
        if (n instanceof Ir.Const c) {
            out[0] = c.value();
        } else if (n instanceof Ir.ParamRef p) {
            out = paramValues[p.param()];
        } else if (n instanceof Ir.Add a) {
            double[] x = constant(a.a());
            double[] y = constant(a.b());
            for (int k = 0; k < len; k++) {
                double yk = y[y.length == 1 ? 0 : k];
                out[k] = x[x.length == 1 ? 0 : k] + (a.subtract() ? -yk : yk);
            }
        } else if (n instanceof Ir.Negate g) {
            double[] x = constant(g.a());
            for (int k = 0; k < len; k++) {
                out[k] = -x[k];
            }
        } else if (n instanceof Ir.Scale s) {
            double[] c = constant(s.factor());
            double[] x = constant(s.other());
            for (int k = 0; k < len; k++) {
                double ck = c[c.length == 1 ? 0 : k];
                if (s.divide() && ck == 0) {
                    throw fail(s.span(), "division-by-zero", "the denominator is 0" + (len > 1 ? " at step " + k : ""),
                            null);
                }
                double xk = x[x.length == 1 ? 0 : k];
                out[k] = s.divide() ? xk / ck : xk * ck;
            }
        } else if (n instanceof Ir.Atom a) {
            constantAtom(a, out);
        } else if (n instanceof Ir.Pick p) {
            double[] x = constant(p.target());
            out[0] = x[index(p, x.length)];
        } else if (n instanceof Ir.Range r) {
            double[] x = constant(r.target());
            int[] se = range(r, x.length);
            System.arraycopy(x, se[0], out, 0, se[1] - se[0]);
        } else {
            throw new IllegalStateException("variable in a constant expression: " + n);
        }
        for (double v : out) {
            if (!Double.isFinite(v)) {
                throw fail(n.span(), "param-value", "this constant expression evaluates to " + v, null);
            }
        }
        constCache.put(n, out);
        return out;
    }

    private void constantAtom(Ir.Atom a, double[] out) {
        double[] x = constant(a.args().get(0));
        switch (a.kind()) {
            case SUM -> {
                double s = 0;
                for (double v : x) {
                    s += v;
                }
                out[0] = s;
            }
            case CUMSUM -> {
                double s = 0;
                for (int k = 0; k < out.length; k++) {
                    s += x[k];
                    out[k] = s;
                }
            }
            case DIFF -> {
                for (int k = 0; k < out.length; k++) {
                    out[k] = x[k + 1] - x[k];
                }
            }
            case SQUARE, ABS, POS, NEG -> {
                for (int k = 0; k < out.length; k++) {
                    double v = x[k];
                    out[k] = switch (a.kind()) {
                        case SQUARE -> v * v;
                        case ABS -> Math.abs(v);
                        case POS -> Math.max(v, 0);
                        default -> Math.max(-v, 0);
                    };
                }
            }
            case MAX, MIN -> {
                double[] y = constant(a.args().get(1));
                for (int k = 0; k < out.length; k++) {
                    double xk = x[x.length == 1 ? 0 : k];
                    double yk = y[y.length == 1 ? 0 : k];
                    out[k] = a.kind() == Ir.AtomKind.MAX ? Math.max(xk, yk) : Math.min(xk, yk);
                }
            }
            case MAX_OF, MIN_OF -> {
                if (x.length == 0) {
                    throw fail(a.span(), "index-range", "max/min of an empty vector at T = " + horizon, null);
                }
                double m = x[0];
                for (double v : x) {
                    m = a.kind() == Ir.AtomKind.MAX_OF ? Math.max(m, v) : Math.min(m, v);
                }
                out[0] = m;
            }
        }
    }

    private int index(Ir.Pick p, int n) {
        int i = p.index() >= 0 ? p.index() : n + p.index();
        if (i < 0 || i >= n) {
            throw fail(p.span(), "index-range", "index " + p.index() + " is outside a vector of length " + n
                    + " (T = " + horizon + ")", "near the end of the day the horizon is short; index from the end "
                    + "(x[-1]) or use sum/max over slices");
        }
        return i;
    }

    private int[] range(Ir.Range r, int n) {
        int s = r.start() == null ? 0 : r.start() >= 0 ? r.start() : n + r.start();
        int e = r.end() == null ? n : r.end() >= 0 ? r.end() : n + r.end();
        if (s < 0 || e > n || s > e) {
            throw fail(r.span(), "index-range", "slice [" + (r.start() == null ? "" : r.start()) + ":"
                    + (r.end() == null ? "" : r.end()) + "] does not fit a vector of length " + n + " (T = " + horizon
                    + ")", "near the end of the day the horizon is short; prefer x[1:], x[:-1]");
        }
        return new int[] {s, e};
    }

    // ---- errors ----

    private Diagnostic diagnostic(Span span, String rule, String message, String hint) {
        if (span == null) {
            return new Diagnostic(0, 0, rule, message, null, hint);
        }
        String src = program.source();
        String snippet = src.substring(span.start(), Math.min(span.end(), src.length()));
        return new Diagnostic(span.line(), span.column(), rule, message, snippet, hint);
    }

    private ModelException fail(Span span, String rule, String message, String hint) {
        return new ModelException(diagnostic(span, rule, message, hint));
    }
}
