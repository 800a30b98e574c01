package org.p2pgrid.expert.lang;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.p2pgrid.expert.lang.Ir.AtomKind;
import org.p2pgrid.expert.lang.Ir.Node;
import org.p2pgrid.expert.lang.Ir.Type;

/**
 * Resolves names, infers shapes and checks the disciplined-convex-programming rules, turning the
 * parse tree into {@link Ir}. Errors are reported where curvature would become unknown or a rule is
 * broken — the smallest sub-expression to blame — and checking goes on with the next statement, so a
 * program with several mistakes gets several messages. A failed sub-expression is represented by
 * {@code null} and silently propagates, so one mistake yields one message.
 */
final class Checker {
    static final Set<String> FUNCTIONS = Set.of("sum", "cumsum", "diff", "square", "abs", "pos", "neg", "max", "min",
            "disc");
    static final Set<String> REQUIRED_EXPORTS = Set.of("P_EX", "Q_EX", "P_P2P");
    static final Set<String> ALLOWED_EXPORTS = Set.of("P_EX", "Q_EX", "P_P2P", "action.P_CDG", "action.P_RDG",
            "action.Q_RDG", "action.P_BESS", "action.P_CL");

    /** What a name refers to. */
    private sealed interface Symbol permits ParamSym, VarSym, LetSym {
        Span declared();
    }

    private record ParamSym(int index, Span declared) implements Symbol {}

    private record VarSym(int index, Span declared) implements Symbol {}

    private record LetSym(Node value, Span declared) implements Symbol {}

    /** The checked program. */
    record Result(List<Ir.Param> params, List<Ir.Var> vars, List<Ir.Constraint> constraints, Node objective,
                  List<Ir.Export> exports) {}

    private final String src;
    private final Limits limits;
    private final List<Diagnostic> errors;
    private final Map<String, Symbol> symbols = new HashMap<>();
    private final List<Ir.Param> params = new ArrayList<>();
    private final List<Ir.Var> vars = new ArrayList<>();
    private final List<Ir.Constraint> constraints = new ArrayList<>();
    private final Map<String, Ir.Export> exports = new LinkedHashMap<>();
    private final Map<String, Span> constraintNames = new HashMap<>();
    /** Exports seen, valid or not: a rejected export must not also be reported as missing. */
    private final Set<String> exportNames = new java.util.HashSet<>();
    private final java.util.IdentityHashMap<Node, long[]> measured = new java.util.IdentityHashMap<>();
    private Node objective;
    private Span objectiveSpan;
    private int lets;

    Checker(String src, Limits limits, List<Diagnostic> errors) {
        this.src = src;
        this.limits = limits;
        this.errors = errors;
    }

    Result check(List<Ast.Stmt> program, Span endOfProgram) {
        for (Ast.Stmt s : program) {
            if (errors.size() >= limits.maxErrors()) {
                break;
            }
            if (s instanceof Ast.ParamDecl p) {
                param(p);
            } else if (s instanceof Ast.VarDecl v) {
                var(v);
            } else if (s instanceof Ast.LetDecl l) {
                let(l);
            } else if (s instanceof Ast.ConstraintStmt c) {
                constraint(c);
            } else if (s instanceof Ast.Minimize m) {
                minimize(m);
            } else if (s instanceof Ast.Export e) {
                export(e);
            }
        }
        if (objectiveSpan == null) {
            error(endOfProgram, "missing-objective", "the program has no `minimize` statement", null,
                    "add `minimize <convex scalar cost>`, e.g. `minimize dt * sum(lambda_B * P_buy - lambda_S * P_sell)`");
        }
        for (String required : new TreeSet<>(REQUIRED_EXPORTS)) {
            if (!exportNames.contains(required)) {
                error(endOfProgram, "missing-export", "the program does not export " + required, null,
                        "add `export " + required + " = <affine [T] expression>`; the DSO needs P_EX, Q_EX and P_P2P");
            }
        }
        return new Result(List.copyOf(params), List.copyOf(vars), List.copyOf(constraints), objective,
                List.copyOf(exports.values()));
    }

    // ---- declarations ----

    private boolean declare(String name, Span at, Symbol symbol) {
        if (FUNCTIONS.contains(name)) {
            error(at, "duplicate-name", "`" + name + "` is a built-in function and cannot be redefined", name,
                    "choose another name");
            return false;
        }
        Symbol old = symbols.get(name);
        if (old != null) {
            error(at, "duplicate-name", "`" + name + "` is already declared at line " + old.declared().line() + ":"
                    + old.declared().column(), name, "every param, var and let needs its own name");
            return false;
        }
        symbols.put(name, symbol);
        return true;
    }

    private void param(Ast.ParamDecl p) {
        if (params.size() >= limits.maxParams()) {
            error(p.nameSpan(), "limit", "more than " + limits.maxParams() + " params", p.name(), null);
            return;
        }
        if (declare(p.name(), p.nameSpan(), new ParamSym(params.size(), p.nameSpan()))) {
            params.add(new Ir.Param(p.name(), p.vector(), p.sign(), p.span()));
        }
    }

    private void var(Ast.VarDecl v) {
        if (vars.size() >= limits.maxVars()) {
            error(v.nameSpan(), "limit", "more than " + limits.maxVars() + " vars", v.name(), null);
            return;
        }
        Shape shape = v.vector() ? Shape.HORIZON : Shape.SCALAR;
        Node lower = v.lower() == null ? null : bound(v.lower(), shape, v.name(), "lower");
        Node upper = v.upper() == null ? null : bound(v.upper(), shape, v.name(), "upper");
        if ((v.lower() != null && lower == null) || (v.upper() != null && upper == null)) {
            return;
        }
        Sign sign = Sign.UNKNOWN;
        if (lower != null && lower.type().sign() == Sign.NONNEG) {
            sign = Sign.NONNEG;
        } else if (upper != null && upper.type().sign() == Sign.NONPOS) {
            sign = Sign.NONPOS;
        }
        if (declare(v.name(), v.nameSpan(), new VarSym(vars.size(), v.nameSpan()))) {
            vars.add(new Ir.Var(v.name(), v.vector(), lower, upper, sign, v.span()));
        }
    }

    private Node bound(Ast.Expr e, Shape varShape, String var, String side) {
        Node n = top(e);
        if (n == null) {
            return null;
        }
        if (!n.isConstant()) {
            error(e.span(), "var-bound", "the " + side + " bound of `" + var + "` contains a variable", e,
                    "bounds are numbers or param expressions; write relations between variables as constraints");
            return null;
        }
        if (n.shape().vector() && !n.shape().equals(varShape)) {
            error(e.span(), "shape-mismatch", "the " + side + " bound of `" + var + "` has shape " + n.shape()
                    + " but the variable has shape " + varShape, e, "use a scalar bound or a [T] param");
            return null;
        }
        return n;
    }

    private void let(Ast.LetDecl l) {
        if (lets >= limits.maxLets()) {
            error(l.nameSpan(), "limit", "more than " + limits.maxLets() + " lets", l.name(), null);
            return;
        }
        Node value = top(l.value());
        if (value != null && declare(l.name(), l.nameSpan(), new LetSym(value, l.nameSpan()))) {
            lets++;
        }
    }

    // ---- statements ----

    private void constraint(Ast.ConstraintStmt c) {
        if (constraints.size() >= limits.maxConstraints()) {
            error(c.nameSpan(), "limit", "more than " + limits.maxConstraints() + " constraints", c.name(), null);
            return;
        }
        Span old = constraintNames.putIfAbsent(c.name(), c.nameSpan());
        if (old != null) {
            error(c.nameSpan(), "duplicate-name", "constraint `" + c.name() + "` is already declared at line "
                    + old.line() + ":" + old.column(), c.name(), "give every constraint its own name");
            return;
        }
        if (c.relations().isEmpty()) {
            Ast.Expr only = c.operands().get(0);
            if (only instanceof Ast.Call call && call.function().equals("disc")) {
                disc(c, call);
            } else {
                error(only.span(), "syntax", "a constraint needs a relation (<=, >= or ==)", only,
                        "write `constraint name: lhs <= rhs`, or `constraint name: disc(P, Q, S)` for P^2 + Q^2 <= S^2");
            }
            return;
        }
        if (squareSumDisc(c)) {
            return;
        }
        List<Node> nodes = new ArrayList<>();
        for (Ast.Expr e : c.operands()) {
            nodes.add(top(e));
        }
        if (nodes.contains(null)) {
            return;
        }
        // lower <= affine <= upper with constant ends: one ranged row per element instead of two.
        if (nodes.size() == 3 && c.relations().get(0).equals(c.relations().get(1)) && !c.relations().get(0).equals("==")
                && nodes.get(0).isConstant() && nodes.get(2).isConstant() && nodes.get(1).curvature().isAffine()
                && broadcastAll(c, nodes) != null) {
            boolean le = c.relations().get(0).equals("<=");
            constraints.add(new Ir.Ranged(c.name(), c.span(), le ? nodes.get(0) : nodes.get(2), nodes.get(1),
                    le ? nodes.get(2) : nodes.get(0)));
            return;
        }
        List<Ir.Relation> relations = new ArrayList<>();
        boolean ok = true;
        for (int k = 0; k < c.relations().size(); k++) {
            Ast.Expr le = c.operands().get(k);
            Ast.Expr re = c.operands().get(k + 1);
            Node l = nodes.get(k);
            Node r = nodes.get(k + 1);
            String rel = c.relations().get(k);
            Span span = le.span().to(re.span());
            if (Shape.broadcast(l.shape(), r.shape()) == null) {
                error(span, "shape-mismatch", "the two sides of `" + rel + "` have shapes " + l.shape() + " and "
                        + r.shape(), snippet(span), sliceHint(l.shape(), r.shape()));
                ok = false;
                continue;
            }
            ok &= relationIsDcp(l, rel, r, le, re, span);
            relations.add(new Ir.Relation(l, rel, r, span));
        }
        if (ok) {
            constraints.add(new Ir.Relations(c.name(), c.span(), List.copyOf(relations)));
        }
    }

    private boolean relationIsDcp(Node l, String rel, Node r, Ast.Expr le, Ast.Expr re, Span span) {
        switch (rel) {
            case "==" -> {
                if (!l.curvature().isAffine() || !r.curvature().isAffine()) {
                    Ast.Expr bad = l.curvature().isAffine() ? re : le;
                    Node badNode = l.curvature().isAffine() ? r : l;
                    error(bad.span(), "dcp-constraint", "`==` needs affine == affine, but this side is "
                                    + badNode.curvature().word(), bad,
                            "equalities must be linear; for a convex f write `f <= bound` instead");
                    return false;
                }
                return true;
            }
            case "<=", ">=" -> {
                Node small = rel.equals("<=") ? l : r;
                Node big = rel.equals("<=") ? r : l;
                Ast.Expr smallE = rel.equals("<=") ? le : re;
                Ast.Expr bigE = rel.equals("<=") ? re : le;
                boolean ok = true;
                if (!small.curvature().isConvex()) {
                    error(smallE.span(), "dcp-constraint", need(rel) + ", but the "
                                    + (rel.equals("<=") ? "left" : "right") + " side is " + small.curvature().word(),
                            smallE, "only a convex expression may be bounded from above, e.g. `square(x) <= c`, not `c <= square(x)`");
                    ok = false;
                }
                if (!big.curvature().isConcave()) {
                    error(bigE.span(), "dcp-constraint", need(rel) + ", but the "
                                    + (rel.equals("<=") ? "right" : "left") + " side is " + big.curvature().word(),
                            bigE, "a convex expression cannot be bounded from below (non-convex set); reformulate, e.g. "
                                    + "split a variable into two nonnegative parts instead of `abs(x) >= c`");
                    ok = false;
                }
                return ok;
            }
            default -> throw new IllegalStateException(rel);
        }
    }

    private static String need(String rel) {
        return rel.equals("<=") ? "`<=` needs convex <= concave" : "`>=` needs concave >= convex";
    }

    private Shape broadcastAll(Ast.ConstraintStmt c, List<Node> nodes) {
        Shape s = Shape.SCALAR;
        for (Node n : nodes) {
            s = Shape.broadcast(s, n.shape());
            if (s == null) {
                return null;
            }
        }
        return s;
    }

    /** Recognises {@code square(p) + square(q) <= square(s)} or {@code <= CONSTANT} as eq (4)'s disc. */
    private boolean squareSumDisc(Ast.ConstraintStmt c) {
        if (c.relations().size() != 1 || !c.relations().get(0).equals("<=")
                || !(c.operands().get(0) instanceof Ast.Binary sum) || sum.op() != '+'
                || !(sum.left() instanceof Ast.Call a) || !a.function().equals("square") || a.args().size() != 1
                || !(sum.right() instanceof Ast.Call b) || !b.function().equals("square") || b.args().size() != 1) {
            return false;
        }
        int before = errors.size();
        Ast.Expr rhs = c.operands().get(1);
        boolean squared = !(rhs instanceof Ast.Call s && s.function().equals("square") && s.args().size() == 1);
        Node p = top(a.args().get(0));
        Node q = top(b.args().get(0));
        Node r = top(squared ? rhs : ((Ast.Call) rhs).args().get(0));
        if (errors.size() > before || p == null || q == null || r == null) {
            return true; // already reported; do not report again through the generic path
        }
        if (!p.curvature().isAffine() || !q.curvature().isAffine() || !r.isConstant()) {
            return false; // not the disc pattern: the generic epigraph path handles (or rejects) it
        }
        List<Node> all = List.of(p, q, r);
        if (broadcastAll(c, all) == null) {
            error(c.operands().get(0).span(), "shape-mismatch", "the arguments of the disc constraint have shapes " + p.shape() + ", "
                    + q.shape() + " and " + r.shape(), c.operands().get(0), "all must be [T] or scalars");
            return true;
        }
        constraints.add(new Ir.Disc(c.name(), c.span(), p, q, r, squared));
        return true;
    }

    private void disc(Ast.ConstraintStmt c, Ast.Call call) {
        if (call.args().size() != 3) {
            error(call.span(), "arity", "disc takes 3 arguments (P, Q, S) meaning P^2 + Q^2 <= S^2, got "
                    + call.args().size(), call, "write `disc(P_RDG, Q_RDG, S_max)`");
            return;
        }
        Node p = top(call.args().get(0));
        Node q = top(call.args().get(1));
        Node s = top(call.args().get(2));
        if (p == null || q == null || s == null) {
            return;
        }
        boolean ok = true;
        for (int k = 0; k < 2; k++) {
            Node n = k == 0 ? p : q;
            if (!n.curvature().isAffine()) {
                error(call.args().get(k).span(), "dcp-atom", "disc needs affine P and Q, but this argument is "
                        + n.curvature().word(), call.args().get(k), "pass variables or linear expressions");
                ok = false;
            }
        }
        if (!s.isConstant()) {
            error(call.args().get(2).span(), "dcp-atom", "the radius S of disc must be a constant (number or param)",
                    call.args().get(2), "disc(P, Q, S) means P^2 + Q^2 <= S^2 with S a rating");
            ok = false;
        }
        if (ok && broadcastAll(c, List.of(p, q, s)) == null) {
            error(call.span(), "shape-mismatch", "the arguments of disc have shapes " + p.shape() + ", " + q.shape()
                    + " and " + s.shape(), call, "all must be [T] or scalars");
            ok = false;
        }
        if (ok) {
            constraints.add(new Ir.Disc(c.name(), c.span(), p, q, s, false));
        }
    }

    private void minimize(Ast.Minimize m) {
        if (objectiveSpan != null) {
            error(m.span(), "duplicate-objective", "a second `minimize` (the first is at line " + objectiveSpan.line()
                    + ")", m.objective(), "combine the costs into one objective with +");
            return;
        }
        objectiveSpan = m.span();
        Node n = top(m.objective());
        if (n == null) {
            return;
        }
        if (n.shape().vector()) {
            error(m.objective().span(), "shape-mismatch", "the objective must be a scalar, but it has shape "
                    + n.shape(), m.objective(), "sum over the horizon: `minimize sum(...)`");
            return;
        }
        if (!n.curvature().isConvex()) {
            error(m.objective().span(), "dcp-objective", "the objective must be convex, but it is "
                    + n.curvature().word(), m.objective(), "minimize a convex cost; a concave term such as -square(x) "
                            + "or -abs(x) makes the problem non-convex");
            return;
        }
        objective = n;
    }

    private void export(Ast.Export e) {
        if (!ALLOWED_EXPORTS.contains(e.name())) {
            error(e.nameSpan(), "export", "unknown export `" + e.name() + "`", e.name(),
                    "exports are " + String.join(", ", new TreeSet<>(ALLOWED_EXPORTS)));
            return;
        }
        if (!exportNames.add(e.name())) {
            error(e.nameSpan(), "duplicate-name", "`" + e.name() + "` is exported twice", e.name(), null);
            return;
        }
        Node n = top(e.value());
        if (n == null) {
            return;
        }
        if (!n.curvature().isAffine()) {
            error(e.value().span(), "export", "exported expressions must be affine, but `" + e.name() + "` is "
                    + n.curvature().word(), e.value(), "export variables or linear expressions of them");
            return;
        }
        if (n.shape().vector() && !n.shape().equals(Shape.HORIZON)) {
            error(e.value().span(), "shape-mismatch", "`" + e.name() + "` must have shape [T] (or be a scalar), but "
                    + "it has shape " + n.shape(), e.value(), "export one value per horizon step");
            return;
        }
        exports.put(e.name(), new Ir.Export(e.name(), n, e.span()));
    }

    // ---- expressions ----

    /** A statement-level expression, with its let-expanded size and depth bounded (see {@link Limits}). */
    private Node top(Ast.Expr e) {
        Node n = expr(e);
        if (n == null) {
            return null;
        }
        long[] m = measure(n);
        if (m[0] > 2L * limits.maxDepth() || m[1] > limits.maxExpressionNodes()) {
            error(e.span(), "limit", "with its lets expanded this expression has " + (m[1] > limits.maxExpressionNodes()
                    ? "more than " + limits.maxExpressionNodes() + " nodes" : "depth " + m[0] + " > " + 2 * limits.maxDepth()),
                    e, "do not build lets from lets that double in size (e.g. `let b = a + a`); use sum(...) or scale by a number");
            return null;
        }
        return n;
    }

    /** {depth, node count} of a node's expanded tree; memoised, so shared let values are measured once. */
    private long[] measure(Node n) {
        long[] m = measured.get(n);
        if (m != null) {
            return m;
        }
        long depth = 0;
        long size = 0;
        for (Node child : children(n)) {
            long[] c = measure(child);
            depth = Math.max(depth, c[0]);
            size = Math.min(Long.MAX_VALUE / 4, size + c[1]);
        }
        m = new long[] {depth + 1, size + 1};
        measured.put(n, m);
        return m;
    }

    private static List<Node> children(Node n) {
        if (n instanceof Ir.Add a) {
            return List.of(a.a(), a.b());
        } else if (n instanceof Ir.Negate g) {
            return List.of(g.a());
        } else if (n instanceof Ir.Scale s) {
            return List.of(s.factor(), s.other());
        } else if (n instanceof Ir.Atom a) {
            return a.args();
        } else if (n instanceof Ir.Pick p) {
            return List.of(p.target());
        } else if (n instanceof Ir.Range r) {
            return List.of(r.target());
        }
        return List.of();
    }

    private Node expr(Ast.Expr e) {
        if (e instanceof Ast.Num n) {
            return new Ir.Const(new Type(Shape.SCALAR, Curvature.CONSTANT, Sign.of(n.value())), n.span(), n.value());
        } else if (e instanceof Ast.Name n) {
            return name(n);
        } else if (e instanceof Ast.Neg n) {
            Node a = expr(n.operand());
            return a == null ? null : new Ir.Negate(new Type(a.shape(), a.curvature().negate(), a.type().sign().negate()),
                    n.span(), a);
        } else if (e instanceof Ast.Binary b) {
            return binary(b);
        } else if (e instanceof Ast.Call c) {
            return call(c);
        } else if (e instanceof Ast.Index i) {
            return index(i);
        } else {
            return slice((Ast.Slice) e);
        }
    }

    private Node name(Ast.Name n) {
        Symbol s = symbols.get(n.name());
        if (s == null) {
            if (FUNCTIONS.contains(n.name())) {
                error(n.span(), "undefined-name", "`" + n.name() + "` is a function", n, "call it: " + n.name() + "(x)");
            } else if (n.name().equals("T")) {
                error(n.span(), "undefined-name", "`T` is the horizon length and only appears in shapes `[T]`", n,
                        "use sum(...) over vectors, or x[-1] for the last step");
            } else {
                String close = closest(n.name());
                error(n.span(), "undefined-name", "`" + n.name() + "` is not declared (names must be declared "
                        + "before use)", n, close != null ? "did you mean `" + close + "`?"
                        : "declare it with `param " + n.name() + "[T]`, `var " + n.name() + "[T] in [lo, hi]` or `let "
                                + n.name() + " = ...` above this line");
            }
            return null;
        }
        if (s instanceof ParamSym p) {
            Ir.Param decl = params.get(p.index());
            return new Ir.ParamRef(new Type(decl.vector() ? Shape.HORIZON : Shape.SCALAR, Curvature.CONSTANT,
                    decl.sign()), n.span(), p.index());
        } else if (s instanceof VarSym v) {
            Ir.Var decl = vars.get(v.index());
            return new Ir.VarRef(new Type(decl.vector() ? Shape.HORIZON : Shape.SCALAR, Curvature.AFFINE,
                    decl.sign()), n.span(), v.index());
        }
        return ((LetSym) s).value();
    }

    private Node binary(Ast.Binary b) {
        Node l = expr(b.left());
        Node r = expr(b.right());
        if (l == null || r == null) {
            return null;
        }
        Shape shape = Shape.broadcast(l.shape(), r.shape());
        if (shape == null) {
            error(b.span(), "shape-mismatch", "cannot combine shapes " + l.shape() + " and " + r.shape() + " with `"
                    + b.op() + "`", b, sliceHint(l.shape(), r.shape()));
            return null;
        }
        switch (b.op()) {
            case '+', '-' -> {
                boolean sub = b.op() == '-';
                Curvature rc = sub ? r.curvature().negate() : r.curvature();
                Curvature c = l.curvature().plus(rc);
                if (c == Curvature.UNKNOWN) {
                    error(b.span(), "dcp-sum", (sub ? "subtracting " : "adding ") + describe(r, b.right()) + (sub
                                    ? " from " : " to ") + describe(l, b.left()) + " gives an expression of unknown curvature",
                            b, "a sum must be all convex (plus affine) or all concave (plus affine)");
                    return null;
                }
                Sign sign = l.type().sign().plus(sub ? r.type().sign().negate() : r.type().sign());
                return new Ir.Add(new Type(shape, c, sign), b.span(), l, r, sub);
            }
            case '*' -> {
                if (!l.isConstant() && !r.isConstant()) {
                    error(b.span(), "dcp-product", "product of two expressions that both contain variables ("
                                    + describe(l, b.left()) + " * " + describe(r, b.right()) + ")", b,
                            "one side of `*` must be a number or param; for x*x write square(x)");
                    return null;
                }
                boolean leftFactor = l.isConstant();
                Node factor = leftFactor ? l : r;
                Node other = leftFactor ? r : l;
                return scaled(b, factor, other, leftFactor ? b.left() : b.right(), leftFactor ? b.right() : b.left(),
                        shape, false);
            }
            case '/' -> {
                if (!r.isConstant()) {
                    error(b.span(), "dcp-division", "division by " + describe(r, b.right())
                                    + ", which contains variables", b,
                            "divide only by numbers or params (e.g. `x / eta`); x / y with y a variable is not convex");
                    return null;
                }
                if (r instanceof Ir.Const k && k.value() == 0) {
                    error(b.right().span(), "dcp-division", "division by zero", b, null);
                    return null;
                }
                return scaled(b, r, l, b.right(), b.left(), shape, true);
            }
            default -> throw new IllegalStateException("op " + b.op());
        }
    }

    private Node scaled(Ast.Binary b, Node factor, Node other, Ast.Expr factorE, Ast.Expr otherE, Shape shape,
                        boolean divide) {
        Curvature c = other.curvature().scaledBy(factor.type().sign());
        if (c == Curvature.UNKNOWN) {
            String paramHint = factorE instanceof Ast.Name n
                    ? "declare its sign: `param " + n.name() + " >= 0` (or `<= 0`)"
                    : "make the sign of the factor known, e.g. declare params `>= 0`";
            error(b.span(), divide ? "dcp-division" : "dcp-product", (divide ? "dividing " : "multiplying ")
                    + describe(other, otherE) + " by `" + snippet(factorE.span()) + "`, which is of unknown sign, "
                    + "gives unknown curvature", b, paramHint);
            return null;
        }
        Sign sign = factor.type().sign().times(other.type().sign());
        return new Ir.Scale(new Type(shape, c, sign), b.span(), factor, other, divide);
    }

    private Node call(Ast.Call c) {
        String f = c.function();
        if (!FUNCTIONS.contains(f)) {
            String hint = switch (f) {
                case "multiply" -> "elementwise product is `c * x`";
                case "power", "pow", "quad_over_lin", "sum_squares" -> "use square(x) (and sum(square(x)))";
                case "maximum", "minimum" -> "use max(a, b) / min(a, b)";
                case "norm", "norm2" -> "for P^2 + Q^2 <= S^2 use `disc(P, Q, S)`; for |x| use abs(x)";
                case "Variable", "Parameter", "Minimize", "Problem" -> "this is not cvxpy: declare with `var`/`param`,"
                        + " write `minimize expr`";
                default -> "available functions: sum, cumsum, diff, square, abs, pos, neg, max, min, disc";
            };
            error(c.nameSpan(), "undefined-function", "unknown function `" + f + "`", c, hint);
            return null;
        }
        if (f.equals("disc")) {
            error(c.span(), "dcp-atom", "disc(P, Q, S) is a constraint by itself, not an expression", c,
                    "write `constraint name: disc(P, Q, S)`");
            return null;
        }
        int arity = c.args().size();
        boolean twoOk = f.equals("max") || f.equals("min");
        if (arity != 1 && !(twoOk && arity == 2)) {
            error(c.span(), "arity", f + " takes " + (twoOk ? "1 or 2 arguments" : "1 argument") + ", got " + arity, c,
                    twoOk ? f + "(x) reduces a vector; " + f + "(a, b) is elementwise" : null);
            return null;
        }
        List<Node> args = new ArrayList<>();
        for (Ast.Expr a : c.args()) {
            args.add(expr(a));
        }
        if (args.contains(null)) {
            return null;
        }
        Node x = args.get(0);
        Curvature cx = x.curvature();
        Sign sx = x.type().sign();
        boolean constant = cx == Curvature.CONSTANT;
        switch (f) {
            case "sum" -> {
                return atom(c, AtomKind.SUM, args, Shape.SCALAR, cx, sx);
            }
            case "cumsum" -> {
                return atom(c, AtomKind.CUMSUM, args, x.shape(), cx, sx);
            }
            case "diff" -> {
                if (!x.shape().vector()) {
                    error(c.span(), "shape-mismatch", "diff needs a vector, got a scalar", c, null);
                    return null;
                }
                if (!cx.isAffine()) {
                    error(c.span(), "dcp-atom", "diff of a " + cx.word() + " expression has unknown curvature", c,
                            "apply diff to affine expressions (variables), e.g. diff(P_CDG) <= R");
                    return null;
                }
                Shape s = new Shape(true, x.shape().tCoef(), x.shape().offset() - 1);
                return atom(c, AtomKind.DIFF, args, s, cx, Sign.UNKNOWN);
            }
            case "square", "abs" -> {
                boolean ok = cx.isAffine() || (cx == Curvature.CONVEX && sx == Sign.NONNEG)
                        || (cx == Curvature.CONCAVE && sx == Sign.NONPOS);
                if (!ok) {
                    error(c.span(), "dcp-atom", f + " of a " + cx.word() + " expression" + (sx == Sign.UNKNOWN ? " of unknown sign" : "")
                            + " is not convex", c, f + " needs an affine argument (or a convex nonnegative one)");
                    return null;
                }
                return atom(c, f.equals("square") ? AtomKind.SQUARE : AtomKind.ABS, args, x.shape(),
                        constant ? Curvature.CONSTANT : Curvature.CONVEX, Sign.NONNEG);
            }
            case "pos", "neg" -> {
                boolean pos = f.equals("pos");
                if (pos ? !cx.isConvex() : !cx.isConcave()) {
                    error(c.span(), "dcp-atom", f + " of a " + cx.word() + " expression is not convex", c,
                            pos ? "pos(x) = max(x, 0) needs a convex or affine argument"
                                    : "neg(x) = max(-x, 0) needs a concave or affine argument");
                    return null;
                }
                return atom(c, pos ? AtomKind.POS : AtomKind.NEG, args, x.shape(),
                        constant ? Curvature.CONSTANT : Curvature.CONVEX, Sign.NONNEG);
            }
            case "max", "min" -> {
                boolean max = f.equals("max");
                Shape shape = x.shape();
                Sign sign = sx;
                boolean allConstant = constant;
                for (int k = 0; k < args.size(); k++) {
                    Node a = args.get(k);
                    if (max ? !a.curvature().isConvex() : !a.curvature().isConcave()) {
                        error(c.args().get(k).span(), "dcp-atom", f + " of a " + a.curvature().word()
                                + " expression has unknown curvature", c.args().get(k), max
                                ? "max needs convex or affine arguments" : "min needs concave or affine arguments");
                        return null;
                    }
                    allConstant &= a.isConstant();
                }
                if (args.size() == 2) {
                    Node y = args.get(1);
                    shape = Shape.broadcast(x.shape(), y.shape());
                    if (shape == null) {
                        error(c.span(), "shape-mismatch", f + "(a, b) needs equal shapes or a scalar, got " + x.shape()
                                + " and " + y.shape(), c, sliceHint(x.shape(), y.shape()));
                        return null;
                    }
                    Sign sy = y.type().sign();
                    Sign strong = max ? Sign.NONNEG : Sign.NONPOS;
                    sign = sx == strong || sy == strong ? strong : sx.plus(sy);
                } else {
                    shape = Shape.SCALAR;
                }
                Curvature curv = allConstant ? Curvature.CONSTANT : max ? Curvature.CONVEX : Curvature.CONCAVE;
                AtomKind kind = args.size() == 2 ? (max ? AtomKind.MAX : AtomKind.MIN) : (max ? AtomKind.MAX_OF : AtomKind.MIN_OF);
                return atom(c, kind, args, shape, curv, sign);
            }
            default -> throw new IllegalStateException(f);
        }
    }

    private static Node atom(Ast.Call c, AtomKind kind, List<Node> args, Shape shape, Curvature curv, Sign sign) {
        return new Ir.Atom(new Type(shape, curv, sign), c.span(), kind, List.copyOf(args));
    }

    private Node index(Ast.Index i) {
        Node t = expr(i.target());
        if (t == null) {
            return null;
        }
        if (!t.shape().vector()) {
            error(i.span(), "shape-mismatch", "cannot index a scalar", i, "only [T] vectors can be indexed");
            return null;
        }
        Shape s = t.shape();
        if (s.tCoef() == 0 && (i.index() >= s.offset() || i.index() < -s.offset())) {
            error(i.span(), "index-range", "index " + i.index() + " is outside a vector of length " + s.offset(), i,
                    null);
            return null;
        }
        return new Ir.Pick(new Type(Shape.SCALAR, t.curvature(), t.type().sign()), i.span(), t, i.index());
    }

    private Node slice(Ast.Slice sl) {
        Node t = expr(sl.target());
        if (t == null) {
            return null;
        }
        if (!t.shape().vector()) {
            error(sl.span(), "shape-mismatch", "cannot slice a scalar", sl, "only [T] vectors can be sliced");
            return null;
        }
        Shape s = t.shape();
        int cs = 0;
        int os = 0;
        if (sl.start() != null) {
            if (sl.start() >= 0) {
                os = sl.start();
            } else {
                cs = s.tCoef();
                os = s.offset() + sl.start();
            }
        }
        int ce = s.tCoef();
        int oe = s.offset();
        if (sl.end() != null) {
            if (sl.end() >= 0) {
                ce = 0;
                oe = sl.end();
            } else {
                oe = s.offset() + sl.end();
            }
        }
        int c = ce - cs;
        int o = oe - os;
        if (c < 0 || c > 1 || (c == 0 && o < 0)) {
            error(sl.span(), "index-range", "this slice's length (" + (c == 0 ? "" : c + "*T") + (o >= 0 && c != 0 ? "+" : "")
                    + o + ") is not a fixed count or T minus a constant", sl,
                    "use slices like x[1:], x[:-1], x[0:4] or x[-4:]");
            return null;
        }
        return new Ir.Range(new Type(new Shape(true, c, o), t.curvature(), t.type().sign()), sl.span(), t,
                sl.start(), sl.end());
    }

    // ---- messages ----

    private String describe(Node n, Ast.Expr e) {
        return "the " + n.curvature().word() + " `" + Diagnostic.shorten(snippet(e.span())) + "`";
    }

    private static String sliceHint(Shape a, Shape b) {
        return "elementwise operations need equal shapes or a scalar; slice to align, e.g. x[1:] and x[:-1] "
                + "both have shape [T-1]";
    }

    private String closest(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : symbols.keySet()) {
            int d = editDistance(name.toLowerCase(java.util.Locale.ROOT), candidate.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best != null && bestDistance <= Math.max(2, name.length() / 3) ? best : null;
    }

    private static int editDistance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 3 || a.length() > 64 || b.length() > 64) {
            return Integer.MAX_VALUE;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1, prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private String snippet(Span s) {
        return src.substring(s.start(), Math.min(s.end(), src.length()));
    }

    private void error(Span at, String rule, String message, Object offending, String hint) {
        String snippet = offending == null ? null
                : offending instanceof Ast.Expr e ? snippet(e.span()) : offending.toString();
        if (errors.size() < limits.maxErrors()) {
            errors.add(new Diagnostic(at.line(), at.column(), rule, message, snippet, hint));
        }
    }
}
