package org.p2pgrid.expert.lang;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.p2pgrid.expert.model.LinearExpr;
import org.p2pgrid.expert.model.ProsumerModel;

/**
 * A program placed into a {@code ConvexModel} for one prosumer: the exported expressions per
 * horizon step, the model indices of its declared variables, and the auxiliary (epigraph) variables
 * the compiler introduced, which {@link #completeAuxiliaries} can fill in for a given point.
 */
public final class PlacedProsumerModel implements ProsumerModel {

    /** How an auxiliary variable relates to the expressions it was introduced for. */
    enum AuxKind {
        /** aux = terms[0] (an equality row) */
        DEFINE,
        /** aux ≥ terms[0]² (a square epigraph) */
        SQUARE,
        /** aux ≥ every term (abs, pos, neg, max) */
        MAX,
        /** aux ≤ every term (min) */
        MIN
    }

    record Aux(int var, AuxKind kind, LinearExpr[] terms) {}

    private final String prosumerId;
    private final int horizon;
    private final Map<String, LinearExpr[]> exports;
    private final Map<String, int[]> variables;
    private final List<Aux> auxiliaries;
    private final int firstVariable;
    private final int endVariable;

    PlacedProsumerModel(String prosumerId, int horizon, Map<String, LinearExpr[]> exports, Map<String, int[]> variables,
                        List<Aux> auxiliaries, int firstVariable, int endVariable) {
        this.prosumerId = prosumerId;
        this.horizon = horizon;
        this.exports = Map.copyOf(exports);
        this.variables = Map.copyOf(variables);
        this.auxiliaries = List.copyOf(auxiliaries);
        this.firstVariable = firstVariable;
        this.endVariable = endVariable;
    }

    @Override
    public String prosumerId() {
        return prosumerId;
    }

    @Override
    public int horizon() {
        return horizon;
    }

    @Override
    public Set<String> exports() {
        return new TreeSet<>(exports.keySet());
    }

    /** A copy of the exported expression (callers may modify it). */
    @Override
    public LinearExpr export(String name, int k) {
        LinearExpr[] e = exports.get(name);
        if (e == null) {
            throw new IllegalArgumentException("prosumer " + prosumerId + " does not export " + name + "; it exports "
                    + exports());
        }
        return e[k].copy();
    }

    /** Model indices of a declared variable, one per element (length 1 for a scalar var). */
    public int[] variable(String name) {
        int[] v = variables.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no variable " + name + "; declared: " + new TreeSet<>(variables.keySet()));
        }
        return v.clone();
    }

    public Set<String> variableNames() {
        return new TreeSet<>(variables.keySet());
    }

    /** First model variable index this placement created (inclusive). */
    public int firstVariable() {
        return firstVariable;
    }

    /** One past the last model variable index this placement created. */
    public int endVariable() {
        return endVariable;
    }

    public int auxiliaryCount() {
        return auxiliaries.size();
    }

    /**
     * Sets every auxiliary variable in {@code point} to its smallest feasible value given the declared
     * variables (|x| for abs, x² for square, the running sum for cumsum, ...), in creation order, so
     * that a point chosen for the declared variables becomes a point of the whole placed model — with
     * the objective equal to the program's objective expression at that point. Useful for checking a
     * model against an independent computation and for warm starts.
     */
    public void completeAuxiliaries(double[] point) {
        for (Aux a : auxiliaries) {
            double v;
            switch (a.kind()) {
                case DEFINE -> v = a.terms()[0].evaluate(point);
                case SQUARE -> {
                    double x = a.terms()[0].evaluate(point);
                    v = x * x;
                }
                case MAX -> {
                    v = Double.NEGATIVE_INFINITY;
                    for (LinearExpr t : a.terms()) {
                        v = Math.max(v, t.evaluate(point));
                    }
                }
                case MIN -> {
                    v = Double.POSITIVE_INFINITY;
                    for (LinearExpr t : a.terms()) {
                        v = Math.min(v, t.evaluate(point));
                    }
                }
                default -> throw new IllegalStateException(a.kind().toString());
            }
            point[a.var()] = v;
        }
    }
}
