package org.p2pgrid.env.device;

/**
 * A device, prosumer or market value that breaks its rule. Carries the offending field in its
 * configuration spelling (kebab-case, e.g. {@code soc-min}) so that a config loader can re-state
 * the error with the full configuration path; the message alone is already self-explanatory.
 */
public final class SpecViolation extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String owner;
    private final String field;
    private final transient Object value;
    private final String rule;

    public SpecViolation(String owner, String field, Object value, String rule) {
        super(owner + "." + field + " = " + value + ": " + rule);
        this.owner = owner;
        this.field = field;
        this.value = value;
        this.rule = rule;
    }

    /** The record or component that rejected the value, e.g. {@code BessSpec}. */
    public String owner() {
        return owner;
    }

    /** The field in configuration spelling, e.g. {@code soc-min}. */
    public String field() {
        return field;
    }

    public Object value() {
        return value;
    }

    /** What the value must satisfy, e.g. {@code must be in [0, soc-max]}. */
    public String rule() {
        return rule;
    }
}
