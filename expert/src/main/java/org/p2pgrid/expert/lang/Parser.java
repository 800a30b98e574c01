package org.p2pgrid.expert.lang;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.p2pgrid.expert.lang.Token.Kind;

/**
 * Hand-written recursive-descent parser for the grammar in {@code expert/LANGUAGE.md}.
 *
 * <p>Why not ANTLR: the grammar is a dozen rules; a hand-written parser needs no generated code and
 * no runtime dependency, and — what matters most here — every error message is written for the LLM
 * that will read it (e.g. {@code x**2} gets "use square(x)", {@code cp.sum} gets "no modules"),
 * which generated parsers make awkward. Recursion depth is bounded by {@link Limits#maxDepth()}, so
 * no input can overflow the stack; every loop consumes a token, so none can hang.
 *
 * <p>On a syntax error the parser records a diagnostic, skips to the next statement keyword and
 * goes on, so several independent errors are reported at once.
 */
final class Parser {
    static final Set<String> STATEMENT_KEYWORDS = Set.of("param", "var", "let", "constraint", "minimize", "export");
    static final Set<String> KEYWORDS = Set.of("param", "var", "let", "constraint", "minimize", "export",
            "in", "nonneg", "nonpos", "inf", "T");

    /** Thrown inside the parser only, to unwind to the statement loop. */
    private static final class SyntaxError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Diagnostic diagnostic;

        SyntaxError(Diagnostic diagnostic) {
            super(null, null, false, false);
            this.diagnostic = diagnostic;
        }
    }

    private final String src;
    private final List<Token> tokens;
    private final Limits limits;
    private final List<Diagnostic> errors;
    private int pos;
    private int nesting;

    Parser(String src, List<Token> tokens, Limits limits, List<Diagnostic> errors) {
        this.src = src;
        this.tokens = tokens;
        this.limits = limits;
        this.errors = errors;
    }

    List<Ast.Stmt> program() {
        List<Ast.Stmt> out = new ArrayList<>();
        while (!peek().is(Kind.EOF)) {
            if (peek().is(Kind.SEMICOLON)) {
                pos++;
                continue;
            }
            int before = pos;
            try {
                statement(out);
            } catch (SyntaxError e) {
                errors.add(e.diagnostic);
                nesting = 0;
                if (errors.size() >= limits.maxErrors()) {
                    return out;
                }
                if (pos == before) {
                    pos++; // always make progress
                }
                while (!peek().is(Kind.EOF) && !(peek().is(Kind.IDENT) && STATEMENT_KEYWORDS.contains(peek().text()))) {
                    pos++;
                }
            }
        }
        return out;
    }

    private void statement(List<Ast.Stmt> out) {
        Token t = peek();
        if (!t.is(Kind.IDENT) || !STATEMENT_KEYWORDS.contains(t.text())) {
            throw error(t, "a statement must start with param, var, let, constraint, minimize or export, found "
                    + describe(t), hintForStatementStart(t));
        }
        pos++;
        switch (t.text()) {
            case "param" -> out.add(param(t));
            case "var" -> out.add(var(t));
            case "let" -> {
                Token name = declaredName("let");
                expect(Kind.ASSIGN, "`=` after the let name", "write `let name = expression`");
                Ast.Expr value = expr();
                out.add(new Ast.LetDecl(t.span().to(value.span()), name.span(), name.text(), value));
            }
            case "constraint" -> out.add(constraint(t));
            case "minimize" -> {
                Ast.Expr e = expr();
                out.add(new Ast.Minimize(t.span().to(e.span()), e));
            }
            case "export" -> {
                do {
                    Token name = expect(Kind.IDENT, "an export name such as P_EX or action.P_CDG", null);
                    String full = name.text();
                    Span nameSpan = name.span();
                    if (peek().is(Kind.DOT)) {
                        pos++;
                        Token member = expect(Kind.IDENT, "a name after `.`", "e.g. `export action.P_CDG = P_CDG`");
                        full = full + "." + member.text();
                        nameSpan = nameSpan.to(member.span());
                    }
                    expect(Kind.ASSIGN, "`=` after the export name", "write `export P_EX = expression`");
                    Ast.Expr value = expr();
                    out.add(new Ast.Export(nameSpan.to(value.span()), nameSpan, full, value));
                } while (accept(Kind.COMMA));
            }
            default -> throw new IllegalStateException(t.text());
        }
    }

    private Ast.ParamDecl param(Token kw) {
        Token name = declaredName("param");
        boolean vector = horizonShape();
        Sign sign = Sign.UNKNOWN;
        Span end = tokens.get(pos - 1).span();
        if (peek().isWord("nonneg") || peek().isWord("nonpos")) {
            sign = peek().text().equals("nonneg") ? Sign.NONNEG : Sign.NONPOS;
            end = next().span();
        } else if (peek().is(Kind.GE) || peek().is(Kind.LE)) {
            boolean ge = next().is(Kind.GE);
            Token zero = next();
            if (!zero.is(Kind.NUMBER) || zero.number() != 0) {
                throw error(zero, "a parameter's sign is declared as `>= 0` or `<= 0`, found " + describe(zero),
                        "only the sign can be declared; bounds on values are checked where you use them");
            }
            sign = ge ? Sign.NONNEG : Sign.NONPOS;
            end = zero.span();
        }
        return new Ast.ParamDecl(kw.span().to(end), name.span(), name.text(), vector, sign);
    }

    private Ast.VarDecl var(Token kw) {
        Token name = declaredName("var");
        boolean vector = horizonShape();
        Ast.Expr lower = null;
        Ast.Expr upper = null;
        Span end = tokens.get(pos - 1).span();
        if (peek().isWord("in")) {
            pos++;
            expect(Kind.LBRACKET, "`[` after `in`", "write `var x[T] in [lower, upper]`");
            lower = boundOrInf();
            expect(Kind.COMMA, "`,` between the lower and upper bound", "write `var x[T] in [lower, upper]`");
            upper = boundOrInf();
            end = expect(Kind.RBRACKET, "`]` after the upper bound", "write `var x[T] in [lower, upper]`").span();
        } else if (peek().isWord("nonneg")) {
            lower = new Ast.Num(peek().span(), 0);
            end = next().span();
        } else if (peek().isWord("nonpos")) {
            upper = new Ast.Num(peek().span(), 0);
            end = next().span();
        } else if (peek().is(Kind.GE) || peek().is(Kind.LE)) {
            throw error(peek(), "variable bounds are written `in [lower, upper]`",
                    "e.g. `var x[T] in [0, P_max]`, or `var x[T] nonneg`");
        }
        return new Ast.VarDecl(kw.span().to(end), name.span(), name.text(), vector, lower, upper);
    }

    /** A bound: {@code inf}/{@code -inf} mean "none". */
    private Ast.Expr boundOrInf() {
        if (peek().isWord("inf")) {
            pos++;
            return null;
        }
        if (peek().is(Kind.MINUS) && peekAt(1).isWord("inf")) {
            pos += 2;
            return null;
        }
        return expr();
    }

    private boolean horizonShape() {
        if (!peek().is(Kind.LBRACKET)) {
            return false;
        }
        pos++;
        Token t = next();
        if (!t.isWord("T")) {
            throw error(t, "declared shapes are `[T]` (one value per horizon step) or none (a scalar), found "
                    + describe(t), "the horizon length T is set when the model is bound; write `[T]`");
        }
        expect(Kind.RBRACKET, "`]` after `[T`", null);
        return true;
    }

    private Ast.ConstraintStmt constraint(Token kw) {
        Token name = declaredName("constraint");
        expect(Kind.COLON, "`:` after the constraint name", "write `constraint name: lhs <= rhs`");
        List<Ast.Expr> operands = new ArrayList<>();
        List<String> relations = new ArrayList<>();
        operands.add(expr());
        while (peek().is(Kind.LE) || peek().is(Kind.GE) || peek().is(Kind.EQ)) {
            relations.add(next().text());
            operands.add(expr());
        }
        Token t = peek();
        if (t.is(Kind.ASSIGN)) {
            throw error(t, "`=` is not a relation", "use `==` for an equality constraint");
        }
        if (t.is(Kind.UNSUPPORTED) && (t.text().equals("<") || t.text().equals(">"))) {
            throw error(t, "strict inequality `" + t.text() + "` is not allowed in a convex program",
                    "use `" + t.text() + "=`");
        }
        Ast.Expr last = operands.get(operands.size() - 1);
        return new Ast.ConstraintStmt(kw.span().to(last.span()), name.span(), name.text(), operands, relations);
    }

    private Token declaredName(String what) {
        Token t = next();
        if (!t.is(Kind.IDENT)) {
            throw error(t, "expected a name after `" + what + "`, found " + describe(t), null);
        }
        if (KEYWORDS.contains(t.text())) {
            throw error(t, "`" + t.text() + "` is a keyword and cannot be used as a name", "choose another name");
        }
        return t;
    }

    // ---- expressions ----

    Ast.Expr expr() {
        Ast.Expr left = term();
        while (peek().is(Kind.PLUS) || peek().is(Kind.MINUS)) {
            char op = next().text().charAt(0);
            Ast.Expr right = term();
            left = new Ast.Binary(left.span().to(right.span()), op, left, right, depth(left, right));
        }
        return left;
    }

    private Ast.Expr term() {
        Ast.Expr left = unary();
        while (peek().is(Kind.STAR) || peek().is(Kind.SLASH)) {
            char op = next().text().charAt(0);
            Ast.Expr right = unary();
            left = new Ast.Binary(left.span().to(right.span()), op, left, right, depth(left, right));
        }
        unsupportedOperator();
        return left;
    }

    private void unsupportedOperator() {
        Token t = peek();
        if (!t.is(Kind.UNSUPPORTED)) {
            return;
        }
        switch (t.text()) {
            case "**", "^" -> throw error(t, "there is no power operator `" + t.text() + "`",
                    "write square(x) for x squared; other powers are not supported");
            case "@" -> throw error(t, "there is no matrix product `@`",
                    "products are elementwise: `c * x` with c a param; use sum(c * x) for a dot product");
            case "!=" -> throw error(t, "`!=` is not a convex constraint", "use <=, >= or ==");
            default -> { } // < and > are reported by the constraint rule, with its hint
        }
    }

    private Ast.Expr unary() {
        if (peek().is(Kind.MINUS) || peek().is(Kind.PLUS)) {
            Token sign = next();
            enter(sign);
            Ast.Expr operand = unary();
            nesting--;
            if (sign.is(Kind.PLUS)) {
                return operand;
            }
            return new Ast.Neg(sign.span().to(operand.span()), operand, depth(operand, operand));
        }
        return postfix();
    }

    private Ast.Expr postfix() {
        Ast.Expr e = primary();
        while (peek().is(Kind.LBRACKET)) {
            next();
            Integer start = optionalInt();
            if (accept(Kind.COLON)) {
                Integer end = optionalInt();
                Token close = expect(Kind.RBRACKET, "`]` to close the slice", "slices are `x[a:b]`, `x[1:]`, `x[:-1]`");
                e = new Ast.Slice(e.span().to(close.span()), e, start, end, depth(e, e));
            } else {
                if (start == null) {
                    throw error(peek(), "expected an integer index or a slice, found " + describe(peek()),
                            "indices are integer literals: `x[0]`, `x[-1]`, `x[1:]`; use sum/cumsum/diff instead of loops");
                }
                Token close = expect(Kind.RBRACKET, "`]` to close the index", null);
                e = new Ast.Index(e.span().to(close.span()), e, start, depth(e, e));
            }
        }
        return e;
    }

    private Integer optionalInt() {
        boolean negative = false;
        if (peek().is(Kind.MINUS) && peekAt(1).is(Kind.NUMBER)) {
            pos++;
            negative = true;
        }
        if (!peek().is(Kind.NUMBER)) {
            if (negative) {
                pos--;
            }
            if (peek().is(Kind.IDENT) || peek().is(Kind.LPAREN)) {
                throw error(peek(), "indices must be integer literals, found " + describe(peek()),
                        "write `x[0]`, `x[-1]` (last), `x[1:]`, `x[:-1]`; there are no index variables or loops");
            }
            return null;
        }
        Token n = next();
        double v = n.number();
        if (v != Math.rint(v) || Math.abs(v) > 1_000_000 || n.text().contains(".") || n.text().contains("e")
                || n.text().contains("E")) {
            throw error(n, "index must be an integer literal, found `" + n.text() + "`", null);
        }
        return (int) (negative ? -v : v);
    }

    private Ast.Expr primary() {
        Token t = next();
        switch (t.kind()) {
            case NUMBER -> {
                return new Ast.Num(t.span(), t.number());
            }
            case LPAREN -> {
                enter(t);
                Ast.Expr inner = expr();
                nesting--;
                Token close = expect(Kind.RPAREN, "`)`", "parentheses must balance");
                return withSpan(inner, t.span().to(close.span()));
            }
            case IDENT -> {
                if (t.text().equals("inf")) {
                    throw error(t, "`inf` is only allowed as a variable bound", "write `var x[T] in [0, inf]`");
                }
                if (peek().is(Kind.DOT)) {
                    throw error(peek(), "there are no modules, attributes or methods (`" + t.text() + ".`)",
                            "call atoms directly, e.g. sum(x), square(x) — not cp.sum(x) or np.sum(x)");
                }
                if (peek().is(Kind.LPAREN)) {
                    enter(t);
                    pos++;
                    List<Ast.Expr> args = new ArrayList<>();
                    if (!peek().is(Kind.RPAREN)) {
                        do {
                            args.add(expr());
                        } while (accept(Kind.COMMA));
                    }
                    Token close = expect(Kind.RPAREN, "`,` or `)` in the argument list of " + t.text() + "(...)", null);
                    nesting--;
                    int d = 1;
                    for (Ast.Expr a : args) {
                        d = Math.max(d, a.depth() + 1);
                    }
                    checkDepth(d, t);
                    return new Ast.Call(t.span().to(close.span()), t.span(), t.text(), List.copyOf(args), d);
                }
                return new Ast.Name(t.span(), t.text());
            }
            default -> {
                pos--;
                unsupportedOperator();
                throw error(t, "expected a number, a name, a function call or `(`, found " + describe(t), null);
            }
        }
    }

    /** Parenthesised expressions keep their node but report the span including the parentheses. */
    private static Ast.Expr withSpan(Ast.Expr e, Span s) {
        if (e instanceof Ast.Num n) {
            return new Ast.Num(s, n.value());
        } else if (e instanceof Ast.Name n) {
            return new Ast.Name(s, n.name());
        } else if (e instanceof Ast.Neg n) {
            return new Ast.Neg(s, n.operand(), n.depth());
        } else if (e instanceof Ast.Binary b) {
            return new Ast.Binary(s, b.op(), b.left(), b.right(), b.depth());
        } else if (e instanceof Ast.Call c) {
            return new Ast.Call(s, c.nameSpan(), c.function(), c.args(), c.depth());
        } else if (e instanceof Ast.Index i) {
            return new Ast.Index(s, i.target(), i.index(), i.depth());
        }
        Ast.Slice l = (Ast.Slice) e;
        return new Ast.Slice(s, l.target(), l.start(), l.end(), l.depth());
    }

    private int depth(Ast.Expr a, Ast.Expr b) {
        int d = Math.max(a.depth(), b.depth()) + 1;
        checkDepth(d, null);
        return d;
    }

    private void enter(Token t) {
        nesting++;
        checkDepth(nesting, t);
    }

    private void checkDepth(int d, Token at) {
        if (d > limits.maxDepth()) {
            Token t = at != null ? at : tokens.get(Math.max(0, pos - 1));
            throw error(t, "expression is nested deeper than " + limits.maxDepth() + " levels",
                    "split it with `let` definitions or use sum(...) over a vector instead of long chains");
        }
    }

    // ---- token helpers ----

    private Token peek() {
        return tokens.get(pos);
    }

    private Token peekAt(int k) {
        return tokens.get(Math.min(pos + k, tokens.size() - 1));
    }

    private Token next() {
        Token t = tokens.get(pos);
        if (!t.is(Kind.EOF)) {
            pos++;
        }
        return t;
    }

    private boolean accept(Kind k) {
        if (peek().is(k)) {
            pos++;
            return true;
        }
        return false;
    }

    private Token expect(Kind k, String what, String hint) {
        Token t = peek();
        if (!t.is(k)) {
            throw error(t, "expected " + what + ", found " + describe(t), hint);
        }
        return next();
    }

    private static String describe(Token t) {
        return t.is(Kind.EOF) ? "end of program" : "`" + t.text() + "`";
    }

    private static String hintForStatementStart(Token t) {
        if (t.is(Kind.IDENT) && (t.text().equals("def") || t.text().equals("import") || t.text().equals("return")
                || t.text().equals("for") || t.text().equals("if"))) {
            return "this is not Python: there are no functions, imports, loops or ifs; write vector statements";
        }
        if (t.is(Kind.IDENT) && t.text().equals("maximize")) {
            return "there is no maximize: write `minimize -(...)` of the concave (e.g. revenue) expression, or minimize cost";
        }
        if (t.is(Kind.IDENT) && (t.text().equals("cp") || t.text().equals("np") || t.text().equals("from"))) {
            return "this is not cvxpy/Python: declare with `param`/`var`, write constraints as `constraint name: ...`";
        }
        if (t.is(Kind.IDENT) && t.text().equals("subject")) {
            return "write each constraint as `constraint name: lhs <= rhs`";
        }
        if (t.is(Kind.IDENT)) {
            return "to define an expression write `let " + t.text() + " = ...`; constraints are `constraint name: ...`";
        }
        return null;
    }

    private SyntaxError error(Token t, String message, String hint) {
        String snippet = t.is(Kind.EOF) ? null : src.substring(t.span().start(), t.span().end());
        return new SyntaxError(new Diagnostic(t.span().line(), t.span().column(), "syntax", message, snippet, hint));
    }
}
