package org.p2pgrid.expert.lang;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.p2pgrid.expert.model.ConvexModel;

/**
 * A parsed and checked model program: immutable, thread-safe, and reusable — parse once, then
 * {@link #place} it at every step with fresh bindings (no re-parsing).
 *
 * <pre>{@code
 * Program p = Program.compile(source);                       // ModelException lists every problem found
 * PlacedProsumerModel m = p.place(model, "R1.", bindings);   // adds vars/rows/objective to model
 * LinearExpr pEx = m.export("P_EX", 0);
 * }</pre>
 *
 * Nothing in a program can reach files, the network or the JVM: it is data, interpreted by
 * {@link Placement}; the only outputs are variables, rows and objective terms of the
 * {@link ConvexModel} it is placed into.
 */
public final class Program {

    /** A declared param: its name, whether it is per-step ({@code [T]}), and its declared sign. */
    public record ParamInfo(String name, boolean vector, Sign sign) {}

    private final String source;
    private final Limits limits;
    private final Checker.Result checked;

    private Program(String source, Limits limits, Checker.Result checked) {
        this.source = source;
        this.limits = limits;
        this.checked = checked;
    }

    /** Parses and checks with the {@link Limits#DEFAULT default limits}. */
    public static Program compile(String source) {
        return compile(source, Limits.DEFAULT);
    }

    /**
     * Parses and checks {@code source}.
     *
     * @throws ModelException listing every syntax, name, shape, DCP or limit problem found (capped at
     *                        {@link Limits#maxErrors()})
     */
    public static Program compile(String source, Limits limits) {
        if (source.length() > limits.maxSourceChars()) {
            throw new ModelException(new Diagnostic(1, 1, "limit", "program is " + source.length()
                    + " characters long; the limit is " + limits.maxSourceChars(), null,
                    "write the model with vector expressions over the horizon instead of per-step statements"));
        }
        List<Diagnostic> errors = new ArrayList<>();
        List<Token> tokens = new Lexer(source, limits, errors).tokens();
        List<Ast.Stmt> statements = new Parser(source, tokens, limits, errors).program();
        if (!errors.isEmpty()) {
            throw new ModelException(errors); // names/DCP checks on a broken parse would only add noise
        }
        Span end = tokens.get(tokens.size() - 1).span();
        Checker.Result result = new Checker(source, limits, errors).check(statements, end);
        if (!errors.isEmpty()) {
            throw new ModelException(errors);
        }
        return new Program(source, limits, result);
    }

    /**
     * Compiles this program into {@code model} for one prosumer: creates its variables (named
     * {@code namePrefix + var + "[" + k + "]"}), constraint rows, epigraph/disc constraints and
     * objective terms, and returns its exported expressions. Safe to call concurrently on different
     * models.
     *
     * @throws ModelException for bind-time problems: an unbound or mis-shaped param, a param value
     *                        of the wrong sign, an index outside the horizon, division by zero, empty
     *                        bounds, a constraint that is false for these values, or the variable limit
     */
    public PlacedProsumerModel place(ConvexModel model, String namePrefix, Bindings bindings) {
        return new Placement(this, model, namePrefix, bindings).run();
    }

    public String source() {
        return source;
    }

    public Limits limits() {
        return limits;
    }

    public List<ParamInfo> params() {
        return checked.params().stream().map(p -> new ParamInfo(p.name(), p.vector(), p.sign())).toList();
    }

    public List<String> variableNames() {
        return checked.vars().stream().map(Ir.Var::name).toList();
    }

    public List<String> constraintNames() {
        return checked.constraints().stream().map(Ir.Constraint::name).toList();
    }

    public Set<String> exportNames() {
        Set<String> names = new TreeSet<>();
        checked.exports().forEach(e -> names.add(e.name()));
        return names;
    }

    Checker.Result checked() {
        return checked;
    }
}
