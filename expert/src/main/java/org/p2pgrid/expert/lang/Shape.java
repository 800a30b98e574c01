package org.p2pgrid.expert.lang;

/**
 * Shape of an expression: a scalar, or a vector whose length is {@code tCoef·T + offset} for the
 * horizon length T known only at bind time ({@code tCoef} is 0 or 1). Examples: {@code x} declared
 * {@code [T]} has (1, 0); {@code x[1:]} and {@code diff(x)} have (1, −1); {@code x[0:4]} has (0, 4).
 */
record Shape(boolean vector, int tCoef, int offset) {
    static final Shape SCALAR = new Shape(false, 0, 1);
    static final Shape HORIZON = new Shape(true, 1, 0);

    int length(int horizon) {
        return vector ? tCoef * horizon + offset : 1;
    }

    /** Result of an elementwise operation, or null if the shapes do not broadcast. */
    static Shape broadcast(Shape a, Shape b) {
        if (!a.vector) {
            return b;
        }
        if (!b.vector) {
            return a;
        }
        return a.equals(b) ? a : null;
    }

    @Override
    public String toString() {
        if (!vector) {
            return "scalar";
        }
        if (tCoef == 0) {
            return "[" + offset + "]";
        }
        return offset == 0 ? "[T]" : offset > 0 ? "[T+" + offset + "]" : "[T" + offset + "]";
    }
}
