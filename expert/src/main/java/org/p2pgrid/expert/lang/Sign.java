package org.p2pgrid.expert.lang;

/** What is known about the sign of an expression's values (DCP sign analysis). */
public enum Sign {
    NONNEG, NONPOS, UNKNOWN;

    Sign negate() {
        return this == NONNEG ? NONPOS : this == NONPOS ? NONNEG : UNKNOWN;
    }

    Sign times(Sign o) {
        if (this == UNKNOWN || o == UNKNOWN) {
            return UNKNOWN;
        }
        return this == o ? NONNEG : NONPOS;
    }

    Sign plus(Sign o) {
        return this == o ? this : UNKNOWN;
    }

    static Sign of(double value) {
        return value >= 0 ? NONNEG : NONPOS;
    }

    String word() {
        return switch (this) {
            case NONNEG -> "nonnegative";
            case NONPOS -> "nonpositive";
            case UNKNOWN -> "of unknown sign";
        };
    }
}
