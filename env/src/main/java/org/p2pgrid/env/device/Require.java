package org.p2pgrid.env.device;

/** Small validation helpers that throw {@link SpecViolation} naming the field and the value. */
public final class Require {
    private Require() {}

    public static double finite(String owner, String field, double value) {
        if (!Double.isFinite(value)) {
            throw new SpecViolation(owner, field, value, "must be a finite number");
        }
        return value;
    }

    public static double nonNegative(String owner, String field, double value) {
        finite(owner, field, value);
        if (value < 0) {
            throw new SpecViolation(owner, field, value, "must be >= 0");
        }
        return value;
    }

    public static double positive(String owner, String field, double value) {
        finite(owner, field, value);
        if (value <= 0) {
            throw new SpecViolation(owner, field, value, "must be > 0");
        }
        return value;
    }

    /** Closed interval check; {@code bounds} is how the interval is shown, e.g. {@code [0, soc-max]}. */
    public static double inRange(String owner, String field, double value, double lo, double hi, String bounds) {
        finite(owner, field, value);
        if (value < lo || value > hi) {
            throw new SpecViolation(owner, field, value, "must be in " + bounds);
        }
        return value;
    }

    public static <T> T present(String owner, String field, T value) {
        if (value == null) {
            throw new SpecViolation(owner, field, null, "is required");
        }
        return value;
    }
}
