package org.p2pgrid.expert.lang;

/**
 * DCP curvature. CONSTANT is what contains no variable (numbers and params); AFFINE is linear in the
 * variables; UNKNOWN is never produced by the checker (it reports an error where curvature would
 * become unknown, which is the most precise place to blame).
 */
enum Curvature {
    CONSTANT, AFFINE, CONVEX, CONCAVE, UNKNOWN;

    boolean isConvex() {
        return this == CONSTANT || this == AFFINE || this == CONVEX;
    }

    boolean isConcave() {
        return this == CONSTANT || this == AFFINE || this == CONCAVE;
    }

    boolean isAffine() {
        return this == CONSTANT || this == AFFINE;
    }

    Curvature negate() {
        return this == CONVEX ? CONCAVE : this == CONCAVE ? CONVEX : this;
    }

    Curvature plus(Curvature o) {
        if (this == CONSTANT && o == CONSTANT) {
            return CONSTANT;
        }
        if (isAffine() && o.isAffine()) {
            return AFFINE;
        }
        if (isConvex() && o.isConvex()) {
            return CONVEX;
        }
        if (isConcave() && o.isConcave()) {
            return CONCAVE;
        }
        return UNKNOWN;
    }

    /** Multiplication by a constant of the given sign. */
    Curvature scaledBy(Sign s) {
        if (isAffine()) {
            return this;
        }
        return switch (s) {
            case NONNEG -> this;
            case NONPOS -> negate();
            case UNKNOWN -> UNKNOWN;
        };
    }

    String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
