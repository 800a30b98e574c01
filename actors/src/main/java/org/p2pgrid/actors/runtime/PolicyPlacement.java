package org.p2pgrid.actors.runtime;

import java.util.Locale;

/**
 * Where a node's prosumer policies run ({@code p2pgrid.runtime.policy-actors}). Either way each
 * prosumer's decisions come from an actor executing that prosumer's own policy; the difference is how
 * many worlds one such actor serves.
 */
public enum PolicyPlacement {
    /** One {@link ProsumerActor} per prosumer per world, deciding one observation at a time. */
    PER_WORLD,
    /**
     * One {@link ProsumerActor} per prosumer on the node, serving it in every world and deciding the
     * worlds' queued observations in one batched forward pass.
     */
    PER_NODE;

    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static PolicyPlacement parse(String s) {
        for (PolicyPlacement p : values()) {
            if (p.configName().equals(s)) {
                return p;
            }
        }
        throw new IllegalArgumentException(RuntimeSettings.PATH + ".policy-actors = " + s + ": must be per-world or per-node");
    }
}
