package org.p2pgrid.expert.model;

import java.util.Arrays;

/**
 * A sparse affine expression Σ a_j·x_j + c over the variables of one {@link ConvexModel}. Mutable
 * builder (expressions are built once while compiling and then handed to the model, which copies
 * them); duplicate variables are merged when the model stores the row.
 */
public final class LinearExpr {
    private int[] vars = new int[4];
    private double[] coefs = new double[4];
    private int size;
    private double constant;

    public LinearExpr() {}

    public static LinearExpr constant(double c) {
        return new LinearExpr().addConstant(c);
    }

    public static LinearExpr of(int var, double coef) {
        return new LinearExpr().add(var, coef);
    }

    /** Adds coef·x_var. */
    public LinearExpr add(int var, double coef) {
        if (!Double.isFinite(coef)) {
            throw new IllegalArgumentException("coefficient of variable " + var + " is " + coef);
        }
        if (coef == 0) {
            return this;
        }
        if (size == vars.length) {
            vars = Arrays.copyOf(vars, size * 2);
            coefs = Arrays.copyOf(coefs, size * 2);
        }
        vars[size] = var;
        coefs[size] = coef;
        size++;
        return this;
    }

    public LinearExpr addConstant(double c) {
        if (!Double.isFinite(c)) {
            throw new IllegalArgumentException("constant is " + c);
        }
        constant += c;
        return this;
    }

    /** Adds scale·other. */
    public LinearExpr add(LinearExpr other, double scale) {
        for (int k = 0; k < other.size; k++) {
            add(other.vars[k], other.coefs[k] * scale);
        }
        return addConstant(other.constant * scale);
    }

    public LinearExpr copy() {
        return new LinearExpr().add(this, 1.0);
    }

    public int termCount() {
        return size;
    }

    public int var(int k) {
        return vars[k];
    }

    public double coef(int k) {
        return coefs[k];
    }

    public double constant() {
        return constant;
    }

    public boolean isConstant() {
        return size == 0;
    }

    /** Value at a point x (indexed by variable). */
    public double evaluate(double[] x) {
        double v = constant;
        for (int k = 0; k < size; k++) {
            v += coefs[k] * x[vars[k]];
        }
        return v;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < size; k++) {
            b.append(k == 0 ? "" : " + ").append(coefs[k]).append("*x").append(vars[k]);
        }
        if (constant != 0 || size == 0) {
            b.append(size == 0 ? "" : " + ").append(constant);
        }
        return b.toString();
    }
}
