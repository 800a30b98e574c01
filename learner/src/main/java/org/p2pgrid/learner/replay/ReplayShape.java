package org.p2pgrid.learner.replay;

import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.pomdp.ObservationLayout;

/**
 * Fixed dimensions of the transitions a replay holds: number of agents, per-agent observation
 * length (eq 23) and per-agent action length (eq 22).
 */
public record ReplayShape(int agents, int obsDim, int actionDim) {

    /** Per-slot bookkeeping besides the float payload: episode id (8), day (4), step (4), reward (8), flags (1), slot sequence (8). */
    public static final int SLOT_BOOKKEEPING_BYTES = 8 + 4 + 4 + 8 + 1 + 8;

    public ReplayShape {
        if (agents < 1 || obsDim < 1 || actionDim < 1) {
            throw new IllegalArgumentException("agents, obsDim, actionDim must be >= 1, got "
                    + agents + ", " + obsDim + ", " + actionDim);
        }
        if ((long) agents * Math.max(obsDim, actionDim) > 1_000_000) {
            throw new IllegalArgumentException("transition too large: " + agents + " agents x " + obsDim + " obs");
        }
    }

    /** The env's layout: {@code agents} prosumers, {@link ObservationLayout#SIZE} features, {@link ProsumerAction#DIMS} action dims. */
    public static ReplayShape forEnv(int agents) {
        return new ReplayShape(agents, ObservationLayout.SIZE, ProsumerAction.DIMS);
    }

    public int jointObsLength() {
        return agents * obsDim;
    }

    public int jointActionLength() {
        return agents * actionDim;
    }

    /** Floats stored per transition: s_t, s_{t+1}, a_t and the expert label slot (always reserved). */
    public int floatsPerTransition() {
        return 2 * jointObsLength() + 2 * jointActionLength();
    }

    /**
     * Bytes one stored transition costs in a shard's flat arrays: {@code 4 × floatsPerTransition}
     * plus {@link #SLOT_BOOKKEEPING_BYTES}. Excludes the shard's two sum trees (48–96 B per slot
     * each, see {@link SumTree}). For 20 agents × 10 obs × 5 action dims: 4 × 600 + 33 = 2 433 B;
     * with the trees (capacity 1e5 → 131 072 leaves) ≈ 2 433 + 126 = 2 559 B, so a full 1e5 shard
     * is ≈ 256 MB.
     */
    public long bytesPerTransition() {
        return 4L * floatsPerTransition() + SLOT_BOOKKEEPING_BYTES;
    }

    boolean matches(Transition t) {
        return t.agents() == agents && t.obsDim() == obsDim && t.actionDim() == actionDim;
    }
}
