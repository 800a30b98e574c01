package org.p2pgrid.expert.lang;

import java.util.List;

/**
 * The checked program: expressions resolved to declarations and annotated with shape, curvature and
 * sign. Immutable; {@link Placement} compiles it to a {@code ConvexModel} once per placement.
 */
final class Ir {
    private Ir() {}

    record Type(Shape shape, Curvature curvature, Sign sign) {}

    /** Expression nodes. {@code source} is the program text of the node, for bind-time messages. */
    sealed interface Node permits Const, ParamRef, VarRef, Add, Negate, Scale, Atom, Pick, Range {
        Type type();

        Span span();

        default Curvature curvature() {
            return type().curvature();
        }

        default Shape shape() {
            return type().shape();
        }

        default boolean isConstant() {
            return type().curvature() == Curvature.CONSTANT;
        }
    }

    record Const(Type type, Span span, double value) implements Node {}

    record ParamRef(Type type, Span span, int param) implements Node {}

    record VarRef(Type type, Span span, int var) implements Node {}

    /** a + b, or a − b when {@code subtract}. */
    record Add(Type type, Span span, Node a, Node b, boolean subtract) implements Node {}

    record Negate(Type type, Span span, Node a) implements Node {}

    /** other · factor, or other / factor when {@code divide}; {@code factor} is constant. */
    record Scale(Type type, Span span, Node factor, Node other, boolean divide) implements Node {}

    enum AtomKind { SUM, CUMSUM, DIFF, SQUARE, ABS, POS, NEG, MAX, MIN, MAX_OF, MIN_OF }

    /** Atom application; MAX/MIN are elementwise of two args, MAX_OF/MIN_OF reduce one vector. */
    record Atom(Type type, Span span, AtomKind kind, List<Node> args) implements Node {}

    /** target[index] (index may be negative: from the end). */
    record Pick(Type type, Span span, Node target, int index) implements Node {}

    /** target[start:end], nulls omitted. */
    record Range(Type type, Span span, Node target, Integer start, Integer end) implements Node {}

    // ---- declarations and statements ----

    /** A declared parameter. */
    record Param(String name, boolean vector, Sign sign, Span span) {}

    /** A declared variable; bounds null = unbounded. */
    record Var(String name, boolean vector, Node lower, Node upper, Sign sign, Span span) {}

    /** One relation of a (possibly chained) constraint: lhs rel rhs, rel one of "<=", ">=", "==". */
    record Relation(Node lhs, String rel, Node rhs, Span span) {}

    /**
     * A constraint statement. Either relations (pairs of a chain), or a ranged row
     * {@code lower <= middle <= upper} (constant ends, affine middle: one row per element), or a disc.
     */
    sealed interface Constraint permits Relations, Ranged, Disc {
        String name();

        Span span();
    }

    record Relations(String name, Span span, List<Relation> relations) implements Constraint {}

    record Ranged(String name, Span span, Node lower, Node middle, Node upper) implements Constraint {}

    /** p² + q² ≤ r² elementwise; {@code radiusSquared} says r is given squared (from `<= CONSTANT`). */
    record Disc(String name, Span span, Node p, Node q, Node radius, boolean radiusSquared) implements Constraint {}

    record Export(String name, Node value, Span span) {}
}
