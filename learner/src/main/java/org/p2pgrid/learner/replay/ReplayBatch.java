package org.p2pgrid.learner.replay;

import java.util.Arrays;
import java.util.List;

/**
 * A sampled mini-batch: for each row, the opaque reference of the sampled transition (to pass back
 * to {@code updatePriorities} and {@code attachLabel}), a copy of the transition, its normalised
 * importance-sampling weight in (0, 1], and whether it carries an expert label (the mask for the
 * imitation term of eqs 38–40: unlabelled rows contribute to the critic and Q terms only).
 * Rows may repeat (sampling is with replacement). The arrays are owned by the batch; do not mutate.
 */
public final class ReplayBatch {
    private final long[] refs;
    private final Transition[] transitions;
    private final double[] weights;
    private final boolean[] labelled;

    ReplayBatch(long[] refs, Transition[] transitions, double[] weights, boolean[] labelled) {
        this.refs = refs;
        this.transitions = transitions;
        this.weights = weights;
        this.labelled = labelled;
    }

    public int size() {
        return refs.length;
    }

    /** Opaque references, one per row (encode shard and insertion sequence). */
    public long[] refs() {
        return refs.clone();
    }

    public long ref(int row) {
        return refs[row];
    }

    public Transition transition(int row) {
        return transitions[row];
    }

    public List<Transition> transitions() {
        return List.of(transitions);
    }

    /** Importance-sampling weights w_i = (N·P(i))^−β / max_j w_j, each in (0, 1]. */
    public double[] weights() {
        return weights.clone();
    }

    public double weight(int row) {
        return weights[row];
    }

    /** Imitation mask: true where the row has an expert label. */
    public boolean[] labelledMask() {
        return labelled.clone();
    }

    public boolean labelled(int row) {
        return labelled[row];
    }

    public int labelledCount() {
        int c = 0;
        for (boolean b : labelled) {
            if (b) {
                c++;
            }
        }
        return c;
    }

    // ---- flat row-major gathers, convenient for NDArray creation ----

    /** s_t of every row: {@code [row][agent][obsDim]} flattened. */
    public float[] observationsFlat() {
        if (transitions.length == 0) {
            return new float[0];
        }
        int len = transitions[0].agents() * transitions[0].obsDim();
        float[] out = new float[transitions.length * len];
        for (int r = 0; r < transitions.length; r++) {
            transitions[r].copyObservation(out, r * len);
        }
        return out;
    }

    /** s_{t+1} of every row, flattened like {@link #observationsFlat()}. */
    public float[] nextObservationsFlat() {
        if (transitions.length == 0) {
            return new float[0];
        }
        int len = transitions[0].agents() * transitions[0].obsDim();
        float[] out = new float[transitions.length * len];
        for (int r = 0; r < transitions.length; r++) {
            transitions[r].copyNextObservation(out, r * len);
        }
        return out;
    }

    /** a_t of every row: {@code [row][agent][actionDim]} flattened. */
    public float[] actionsFlat() {
        if (transitions.length == 0) {
            return new float[0];
        }
        int len = transitions[0].agents() * transitions[0].actionDim();
        float[] out = new float[transitions.length * len];
        for (int r = 0; r < transitions.length; r++) {
            transitions[r].copyAction(out, r * len);
        }
        return out;
    }

    /** Expert labels of every row, flattened like {@link #actionsFlat()}; zeros where unlabelled (see the mask). */
    public float[] expertLabelsFlat() {
        if (transitions.length == 0) {
            return new float[0];
        }
        int len = transitions[0].agents() * transitions[0].actionDim();
        float[] out = new float[transitions.length * len];
        for (int r = 0; r < transitions.length; r++) {
            transitions[r].copyExpertLabel(out, r * len);
        }
        return out;
    }

    public double[] rewards() {
        double[] out = new double[transitions.length];
        for (int r = 0; r < transitions.length; r++) {
            out[r] = transitions[r].reward();
        }
        return out;
    }

    public boolean[] dones() {
        boolean[] out = new boolean[transitions.length];
        for (int r = 0; r < transitions.length; r++) {
            out[r] = transitions[r].done();
        }
        return out;
    }

    @Override
    public String toString() {
        return "ReplayBatch[size=" + refs.length + ", labelled=" + labelledCount() + ", refs="
                + Arrays.toString(Arrays.copyOf(refs, Math.min(refs.length, 8))) + (refs.length > 8 ? "…" : "") + "]";
    }
}
