package org.p2pgrid.expert.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A solver-neutral convex minimisation problem: the target the modelling language compiles to and
 * the DSO composes into. It holds exactly what the paper's models need and nothing that breaks
 * convexity:
 * <ul>
 *   <li>variables with bounds (±∞ allowed);</li>
 *   <li>linear rows lb ≤ a·x + c ≤ ub;</li>
 *   <li>square epigraphs t ≥ x² (convex; e.g. {@code square} in a constraint);</li>
 *   <li>discs x² + y² ≤ r² (eq 4's inverter circle);</li>
 *   <li>a linear objective plus diagonal convex quadratic terms q·x² with q ≥ 0 (eq 16's CDG cost).</li>
 * </ul>
 * Backends either solve it exactly (a QP solver) or linearise the quadratic parts with a stated
 * error bound (see the solver package). Not thread-safe while being built; treat as read-only after.
 */
public final class ConvexModel {
    /** t ≥ x² */
    public record SquareEpigraph(String name, int x, int t) {}

    /** x² + y² ≤ radius² */
    public record Disc(String name, int x, int y, double radius) {}

    /** lb ≤ expr ≤ ub, with the expression's constant already moved into the bounds. */
    public record Row(String name, int[] vars, double[] coefs, double lb, double ub) {}

    private final List<String> varNames = new ArrayList<>();
    private final List<double[]> varBounds = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();
    private final List<SquareEpigraph> squares = new ArrayList<>();
    private final List<Disc> discs = new ArrayList<>();
    private final LinearExpr objective = new LinearExpr();
    private final List<int[]> quadVars = new ArrayList<>();
    private final List<Double> quadCoefs = new ArrayList<>();

    /** Adds a variable lb ≤ x ≤ ub and returns its index. */
    public int addVariable(String name, double lb, double ub) {
        if (Double.isNaN(lb) || Double.isNaN(ub) || lb > ub) {
            throw new IllegalArgumentException("variable " + name + ": bounds [" + lb + ", " + ub + "] are empty or NaN");
        }
        varNames.add(name);
        varBounds.add(new double[] {lb, ub});
        return varNames.size() - 1;
    }

    /** Changes variable i's bounds, e.g. lb = ub to fix it. */
    public void setBounds(int i, double lb, double ub) {
        if (Double.isNaN(lb) || Double.isNaN(ub) || lb > ub) {
            throw new IllegalArgumentException("variable " + varNames.get(i) + ": bounds [" + lb + ", " + ub
                    + "] are empty or NaN");
        }
        varBounds.set(i, new double[] {lb, ub});
    }

    /** Adds lb ≤ expr ≤ ub (use ±∞ for one-sided rows, lb = ub for equalities). */
    public void addConstraint(String name, LinearExpr expr, double lb, double ub) {
        if (Double.isNaN(lb) || Double.isNaN(ub) || lb > ub) {
            throw new IllegalArgumentException("constraint " + name + ": bounds [" + lb + ", " + ub + "] are empty or NaN");
        }
        // Merge duplicate variables so every backend sees one coefficient per variable.
        int n = expr.termCount();
        int[] v = new int[n];
        double[] a = new double[n];
        int m = 0;
        outer:
        for (int k = 0; k < n; k++) {
            int var = checkVar(expr.var(k));
            for (int j = 0; j < m; j++) {
                if (v[j] == var) {
                    a[j] += expr.coef(k);
                    continue outer;
                }
            }
            v[m] = var;
            a[m] = expr.coef(k);
            m++;
        }
        double c = expr.constant();
        rows.add(new Row(name, java.util.Arrays.copyOf(v, m), java.util.Arrays.copyOf(a, m), lb - c, ub - c));
    }

    public void addEquality(String name, LinearExpr expr, double rhs) {
        addConstraint(name, expr, rhs, rhs);
    }

    /** Adds t ≥ x². */
    public void addSquareEpigraph(String name, int x, int t) {
        squares.add(new SquareEpigraph(name, checkVar(x), checkVar(t)));
    }

    /** Adds x² + y² ≤ radius². */
    public void addDisc(String name, int x, int y, double radius) {
        if (!(radius >= 0) || Double.isInfinite(radius)) {
            throw new IllegalArgumentException("disc " + name + ": radius " + radius + " must be finite and >= 0");
        }
        discs.add(new Disc(name, checkVar(x), checkVar(y), radius));
    }

    /** Adds a linear part to the objective (minimised). */
    public void addObjective(LinearExpr expr) {
        for (int k = 0; k < expr.termCount(); k++) {
            checkVar(expr.var(k));
        }
        objective.add(expr, 1.0);
    }

    /** Adds q·x² (q ≥ 0) to the objective. */
    public void addQuadraticObjective(int x, double q) {
        if (!(q >= 0) || Double.isInfinite(q)) {
            throw new IllegalArgumentException("quadratic objective coefficient " + q + " on " + varName(x)
                    + " must be finite and >= 0 (convexity)");
        }
        quadVars.add(new int[] {checkVar(x)});
        quadCoefs.add(q);
    }

    public int variableCount() { return varNames.size(); }
    public String varName(int i) { return varNames.get(i); }
    public double lowerBound(int i) { return varBounds.get(i)[0]; }
    public double upperBound(int i) { return varBounds.get(i)[1]; }
    public List<Row> rows() { return Collections.unmodifiableList(rows); }
    public List<SquareEpigraph> squareEpigraphs() { return Collections.unmodifiableList(squares); }
    public List<Disc> discs() { return Collections.unmodifiableList(discs); }
    /** The linear objective (constant included). Do not modify. */
    public LinearExpr linearObjective() { return objective; }
    public int quadraticTermCount() { return quadCoefs.size(); }
    public int quadraticVar(int k) { return quadVars.get(k)[0]; }
    public double quadraticCoef(int k) { return quadCoefs.get(k); }

    /**
     * The model over a subset of its variables, the others replaced by given values. A row, disc or
     * square epigraph that involves a left-out variable whose value is NaN is dropped (that variable
     * is removed with its constraints); one with kept variables only keeps them (left-out terms move
     * into the bounds); one left with no kept variable is dropped (the caller vouches for it). Same for
     * the objective's terms. A disc or square epigraph must keep both of its variables or neither,
     * unless one of them is removed (NaN): then it is dropped (the caller bounds the other if needed). Variable {@code keep[i]} of the model is variable i of the result.
     *
     * @param keep   the variables kept, in the order they get in the result
     * @param values values of the others, indexed like this model's variables (NaN: drop what uses it)
     */
    public ConvexModel subModel(int[] keep, double[] values) {
        int[] map = new int[variableCount()];
        java.util.Arrays.fill(map, -1);
        ConvexModel m = new ConvexModel();
        for (int v : keep) {
            map[v] = m.addVariable(varNames.get(v), lowerBound(v), upperBound(v));
        }
        outer:
        for (Row r : rows) {
            LinearExpr e = new LinearExpr();
            double c = 0;
            for (int k = 0; k < r.vars().length; k++) {
                int v = r.vars()[k];
                if (map[v] >= 0) {
                    e.add(map[v], r.coefs()[k]);
                } else if (Double.isNaN(values[v])) {
                    continue outer;
                } else {
                    c += r.coefs()[k] * values[v];
                }
            }
            if (e.termCount() > 0) {
                m.addConstraint(r.name(), e, r.lb() - c, r.ub() - c);
            }
        }
        for (Disc d : discs) {
            if (map[d.x()] >= 0 && map[d.y()] >= 0) {
                m.addDisc(d.name(), map[d.x()], map[d.y()], d.radius());
            } else if ((map[d.x()] < 0 && Double.isNaN(values[d.x()])) || (map[d.y()] < 0 && Double.isNaN(values[d.y()]))) {
                continue; // a removed (NaN) variable removes the disc, as for rows
            } else if (map[d.x()] >= 0 || map[d.y()] >= 0) {
                throw new IllegalArgumentException("disc " + d.name() + ": keep both of its variables or neither");
            }
        }
        for (SquareEpigraph q : squares) {
            if (map[q.x()] >= 0 && map[q.t()] >= 0) {
                m.addSquareEpigraph(q.name(), map[q.x()], map[q.t()]);
            } else if ((map[q.x()] < 0 && Double.isNaN(values[q.x()])) || (map[q.t()] < 0 && Double.isNaN(values[q.t()]))) {
                continue;
            } else if (map[q.x()] >= 0 || map[q.t()] >= 0) {
                throw new IllegalArgumentException("square " + q.name() + ": keep both of its variables or neither");
            }
        }
        LinearExpr obj = LinearExpr.constant(objective.constant());
        for (int k = 0; k < objective.termCount(); k++) {
            int v = objective.var(k);
            if (map[v] >= 0) {
                obj.add(map[v], objective.coef(k));
            } else if (!Double.isNaN(values[v])) {
                obj.addConstant(objective.coef(k) * values[v]);
            }
        }
        m.addObjective(obj);
        for (int k = 0; k < quadCoefs.size(); k++) {
            int v = quadVars.get(k)[0];
            if (map[v] >= 0) {
                m.addQuadraticObjective(map[v], quadCoefs.get(k));
            } else if (!Double.isNaN(values[v])) {
                m.addObjective(LinearExpr.constant(quadCoefs.get(k) * values[v] * values[v]));
            }
        }
        return m;
    }

    /** Exact objective value at x. */
    public double objectiveValue(double[] x) {
        double v = objective.evaluate(x);
        for (int k = 0; k < quadCoefs.size(); k++) {
            double xi = x[quadVars.get(k)[0]];
            v += quadCoefs.get(k) * xi * xi;
        }
        return v;
    }

    private int checkVar(int var) {
        if (var < 0 || var >= varNames.size()) {
            throw new IllegalArgumentException("variable index " + var + " out of range 0.." + (varNames.size() - 1));
        }
        return var;
    }
}
