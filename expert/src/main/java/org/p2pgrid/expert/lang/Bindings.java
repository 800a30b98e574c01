package org.p2pgrid.expert.lang;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Run-time values of a program's params (the paper's {@code state} dictionary) and the horizon
 * length T. Extra values the program does not declare are ignored, so one standard set of bindings
 * (see {@code ReferenceModelFactory#bindings}) serves every model. Immutable.
 */
public final class Bindings {
    private final String prosumerId;
    private final int horizon;
    private final Map<String, double[]> values;
    private final Set<String> vectors;

    private Bindings(Builder b) {
        this.prosumerId = b.prosumerId;
        this.horizon = b.horizon;
        this.values = Map.copyOf(b.values);
        this.vectors = Set.copyOf(b.vectors);
    }

    /** @param horizon T, the number of steps from the current one to the end of the day (≥ 1) */
    public static Builder builder(String prosumerId, int horizon) {
        return new Builder(prosumerId, horizon);
    }

    public String prosumerId() {
        return prosumerId;
    }

    public int horizon() {
        return horizon;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public boolean isVector(String name) {
        return vectors.contains(name);
    }

    /** The bound values (a scalar has length 1); do not modify. */
    double[] raw(String name) {
        return values.get(name);
    }

    public Set<String> names() {
        return values.keySet();
    }

    public static final class Builder {
        private final String prosumerId;
        private final int horizon;
        private final Map<String, double[]> values = new HashMap<>();
        private final java.util.HashSet<String> vectors = new java.util.HashSet<>();

        private Builder(String prosumerId, int horizon) {
            if (horizon < 1) {
                throw new IllegalArgumentException("horizon T = " + horizon + " must be >= 1");
            }
            this.prosumerId = prosumerId;
            this.horizon = horizon;
        }

        public Builder scalar(String name, double value) {
            values.put(name, new double[] {value});
            vectors.remove(name);
            return this;
        }

        /** A per-step value; must have length T (checked here, so a wrong forecast fails early). */
        public Builder vector(String name, double[] value) {
            if (value.length != horizon) {
                throw new IllegalArgumentException("binding " + name + " has length " + value.length
                        + " but the horizon is T = " + horizon);
            }
            values.put(name, value.clone());
            vectors.add(name);
            return this;
        }

        public Bindings build() {
            return new Bindings(this);
        }
    }
}
