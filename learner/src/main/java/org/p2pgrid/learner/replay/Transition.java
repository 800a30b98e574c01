package org.p2pgrid.learner.replay;

import java.util.Arrays;
import java.util.Objects;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.pomdp.StepResult;

/**
 * One joint experience (s_t, a_t, r_t, s_{t+1}) of the Dec-POMDP, as stored in the replay
 * (paper §III-B-5, DESIGN.md §3 step 2), plus the violation flag that routes it to the normal or
 * the violation shard and the expert's (LLM / reference optimisation model) action for s_t, which
 * may arrive later than the transition itself.
 *
 * <p>Immutable and compact: the joint arrays are kept as flat, row-major {@code float} arrays
 * ({@code [agent * dim + d]}); the {@code float[][]} accessors return fresh copies. Observations
 * and actions are narrowed to {@code float} (the networks compute in float32 anyway); the reward
 * stays a {@code double}.
 *
 * <p>Memory inside a replay shard (flat primitive storage, not these objects) is given by
 * {@link ReplayShape#bytesPerTransition()}; for 20 agents × (10 obs × 2 + 5 action + 5 label)
 * floats that is 2 400 B of floats + 42 B of per-slot bookkeeping = 2 442 B, i.e. ≈ 244 MB for a
 * full 1e5 shard.
 */
public final class Transition {
    private final long episodeId;
    private final int day;
    private final int step;
    private final int agents;
    private final int obsDim;
    private final int actionDim;
    private final float[] observation;
    private final float[] action;
    private final double reward;
    private final float[] nextObservation;
    private final boolean done;
    private final boolean violation;
    private final float[] expertLabel; // null until the expert answers

    private Transition(long episodeId, int day, int step, int agents, int obsDim, int actionDim,
                       float[] observation, float[] action, double reward, float[] nextObservation,
                       boolean done, boolean violation, float[] expertLabel) {
        this.episodeId = episodeId;
        this.day = day;
        this.step = step;
        this.agents = agents;
        this.obsDim = obsDim;
        this.actionDim = actionDim;
        this.observation = observation;
        this.action = action;
        this.reward = reward;
        this.nextObservation = nextObservation;
        this.done = done;
        this.violation = violation;
        this.expertLabel = expertLabel;
    }

    /**
     * A transition from joint arrays {@code [agent][feature]}, copied (and narrowed to float).
     *
     * @param expertLabel the expert's joint action {@code [agent][5]} for s_t, or {@code null} if
     *                    not known yet (see {@link #withExpertLabel(float[][])})
     */
    public static Transition of(long episodeId, int day, int step, float[][] observation, float[][] action,
                                double reward, float[][] nextObservation, boolean done, boolean violation,
                                float[][] expertLabel) {
        int agents = rows(observation, "observation");
        int obsDim = cols(observation, "observation");
        int actionDim = cols(action, "action");
        checkJoint(action, agents, actionDim, "action");
        checkJoint(nextObservation, agents, obsDim, "nextObservation");
        if (expertLabel != null) {
            checkJoint(expertLabel, agents, actionDim, "expertLabel");
        }
        if (!Double.isFinite(reward)) {
            throw new IllegalArgumentException("reward must be finite, got " + reward);
        }
        return new Transition(episodeId, day, step, agents, obsDim, actionDim, flatten(observation),
                flatten(action), reward, flatten(nextObservation), done, violation,
                expertLabel == null ? null : flatten(expertLabel));
    }

    /**
     * The transition produced by one {@code P2pTradingEnv.step}: observation s_t that the policy
     * saw, the joint action actually applied after projection ({@code result.info().applied()},
     * the action that produced r_t and s_{t+1}), and the step's reward, next observation, done and
     * voltage-violation flags. Unlabelled.
     */
    public static Transition fromStep(long episodeId, int day, double[][] observation, StepResult result) {
        Objects.requireNonNull(result, "result");
        ProsumerAction[] applied = result.info().applied();
        float[][] act = new float[applied.length][ProsumerAction.DIMS];
        for (int i = 0; i < applied.length; i++) {
            for (int d = 0; d < ProsumerAction.DIMS; d++) {
                act[i][d] = (float) applied[i].get(d);
            }
        }
        return of(episodeId, day, result.info().step(), toFloat(observation), act, result.reward(),
                toFloat(result.observations()), result.done(), result.info().violated(), null);
    }

    /** Package-private: wraps flat arrays owned by the caller (no copy). */
    static Transition wrap(long episodeId, int day, int step, int agents, int obsDim, int actionDim,
                           float[] observation, float[] action, double reward, float[] nextObservation,
                           boolean done, boolean violation, float[] expertLabel) {
        return new Transition(episodeId, day, step, agents, obsDim, actionDim, observation, action, reward,
                nextObservation, done, violation, expertLabel);
    }

    /** This transition with the expert's joint action {@code [agent][actionDim]} attached. */
    public Transition withExpertLabel(float[][] label) {
        checkJoint(label, agents, actionDim, "expertLabel");
        return new Transition(episodeId, day, step, agents, obsDim, actionDim, observation, action, reward,
                nextObservation, done, violation, flatten(label));
    }

    public long episodeId() { return episodeId; }
    public int day() { return day; }
    public int step() { return step; }
    public int agents() { return agents; }
    public int obsDim() { return obsDim; }
    public int actionDim() { return actionDim; }
    public double reward() { return reward; }
    public boolean done() { return done; }
    /** Whether the step violated a voltage limit (routes to the violation shard). */
    public boolean violation() { return violation; }
    public boolean hasExpertLabel() { return expertLabel != null; }

    /** Joint observation s_t, {@code [agent][obsDim]}, a copy. */
    public float[][] observation() { return unflatten(observation, agents, obsDim); }
    /** Joint action a_t, {@code [agent][actionDim]}, a copy. */
    public float[][] action() { return unflatten(action, agents, actionDim); }
    /** Joint observation s_{t+1}, {@code [agent][obsDim]}, a copy. */
    public float[][] nextObservation() { return unflatten(nextObservation, agents, obsDim); }
    /** The expert's joint action for s_t, {@code [agent][actionDim]}, a copy; {@code null} if unlabelled. */
    public float[][] expertLabel() { return expertLabel == null ? null : unflatten(expertLabel, agents, actionDim); }

    /** Copies s_t row-major into {@code dst} at {@code offset} ({@code agents * obsDim} floats). */
    public void copyObservation(float[] dst, int offset) {
        System.arraycopy(observation, 0, dst, offset, observation.length);
    }
    public void copyAction(float[] dst, int offset) {
        System.arraycopy(action, 0, dst, offset, action.length);
    }
    public void copyNextObservation(float[] dst, int offset) {
        System.arraycopy(nextObservation, 0, dst, offset, nextObservation.length);
    }
    /** Copies the label if present, else writes zeros; returns whether a label was present. */
    public boolean copyExpertLabel(float[] dst, int offset) {
        if (expertLabel == null) {
            Arrays.fill(dst, offset, offset + action.length, 0f);
            return false;
        }
        System.arraycopy(expertLabel, 0, dst, offset, expertLabel.length);
        return true;
    }

    // Flat views for the replay (package-private, never mutated).
    float[] observationFlat() { return observation; }
    float[] actionFlat() { return action; }
    float[] nextObservationFlat() { return nextObservation; }
    float[] expertLabelFlat() { return expertLabel; }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Transition t)) {
            return false;
        }
        return episodeId == t.episodeId && day == t.day && step == t.step && agents == t.agents
                && obsDim == t.obsDim && actionDim == t.actionDim
                && Double.compare(reward, t.reward) == 0 && done == t.done && violation == t.violation
                && Arrays.equals(observation, t.observation) && Arrays.equals(action, t.action)
                && Arrays.equals(nextObservation, t.nextObservation) && Arrays.equals(expertLabel, t.expertLabel);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(episodeId, day, step, agents, obsDim, actionDim, reward, done, violation);
        h = 31 * h + Arrays.hashCode(observation);
        h = 31 * h + Arrays.hashCode(action);
        h = 31 * h + Arrays.hashCode(nextObservation);
        return 31 * h + Arrays.hashCode(expertLabel);
    }

    @Override
    public String toString() {
        return "Transition[episode=" + episodeId + ", day=" + day + ", step=" + step + ", agents=" + agents
                + ", reward=" + reward + ", done=" + done + ", violation=" + violation
                + ", labelled=" + hasExpertLabel() + "]";
    }

    // ---- helpers ----

    private static int rows(float[][] a, String name) {
        if (a == null || a.length == 0) {
            throw new IllegalArgumentException(name + " must have at least one agent row");
        }
        return a.length;
    }

    private static int cols(float[][] a, String name) {
        rows(a, name);
        if (a[0] == null || a[0].length == 0) {
            throw new IllegalArgumentException(name + "[0] must be non-empty");
        }
        return a[0].length;
    }

    static void checkJoint(float[][] a, int agents, int dim, String name) {
        if (a == null || a.length != agents) {
            throw new IllegalArgumentException(name + " must have " + agents + " agent rows, got "
                    + (a == null ? "null" : a.length));
        }
        for (int i = 0; i < agents; i++) {
            if (a[i] == null || a[i].length != dim) {
                throw new IllegalArgumentException(name + "[" + i + "] must have length " + dim + ", got "
                        + (a[i] == null ? "null" : a[i].length));
            }
            for (int d = 0; d < dim; d++) {
                if (!Float.isFinite(a[i][d])) {
                    throw new IllegalArgumentException(name + "[" + i + "][" + d + "] is not finite: " + a[i][d]);
                }
            }
        }
    }

    static float[] flatten(float[][] a) {
        int cols = a[0].length;
        float[] flat = new float[a.length * cols];
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(a[i], 0, flat, i * cols, cols);
        }
        return flat;
    }

    static float[][] unflatten(float[] flat, int rows, int cols) {
        float[][] a = new float[rows][cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(flat, i * cols, a[i], 0, cols);
        }
        return a;
    }

    private static float[][] toFloat(double[][] a) {
        if (a == null) {
            throw new IllegalArgumentException("observation must not be null");
        }
        float[][] f = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            f[i] = new float[a[i].length];
            for (int d = 0; d < a[i].length; d++) {
                f[i][d] = (float) a[i][d];
            }
        }
        return f;
    }
}
