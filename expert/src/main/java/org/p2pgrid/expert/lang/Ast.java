package org.p2pgrid.expert.lang;

import java.util.List;

/** The parse tree: what the program says, before names, shapes and curvature are checked. */
final class Ast {
    private Ast() {}

    /** Expressions. {@code depth} is the height of the subtree, bounded by {@link Limits#maxDepth()}. */
    sealed interface Expr permits Num, Name, Neg, Binary, Call, Index, Slice {
        Span span();

        int depth();
    }

    record Num(Span span, double value) implements Expr {
        public int depth() {
            return 1;
        }
    }

    record Name(Span span, String name) implements Expr {
        public int depth() {
            return 1;
        }
    }

    record Neg(Span span, Expr operand, int depth) implements Expr {}

    /** {@code op} is one of + - * /. */
    record Binary(Span span, char op, Expr left, Expr right, int depth) implements Expr {}

    record Call(Span span, Span nameSpan, String function, List<Expr> args, int depth) implements Expr {}

    /** {@code target[index]}; a negative index counts from the end. */
    record Index(Span span, Expr target, int index, int depth) implements Expr {}

    /** {@code target[start:end]}; null = omitted; negative counts from the end. */
    record Slice(Span span, Expr target, Integer start, Integer end, int depth) implements Expr {}

    /** Statements; {@code span} covers the whole statement, {@code nameSpan} the declared name. */
    sealed interface Stmt permits ParamDecl, VarDecl, LetDecl, ConstraintStmt, Minimize, Export {
        Span span();
    }

    /** {@code sign} is the declared sign (UNKNOWN if none). */
    record ParamDecl(Span span, Span nameSpan, String name, boolean vector, Sign sign) implements Stmt {}

    /** Bounds null = unbounded on that side. */
    record VarDecl(Span span, Span nameSpan, String name, boolean vector, Expr lower, Expr upper) implements Stmt {}

    record LetDecl(Span span, Span nameSpan, String name, Expr value) implements Stmt {}

    /**
     * {@code constraint name: e0 r1 e1 r2 e2 ...} with relations "<=", ">=", "=="; a single operand
     * (no relation) is only valid for {@code disc(p, q, s)}.
     */
    record ConstraintStmt(Span span, Span nameSpan, String name, List<Expr> operands, List<String> relations)
            implements Stmt {}

    record Minimize(Span span, Expr objective) implements Stmt {}

    record Export(Span span, Span nameSpan, String name, Expr value) implements Stmt {}
}
