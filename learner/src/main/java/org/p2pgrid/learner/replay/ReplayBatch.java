package org.p2pgrid.learner.replay;

import java.util.Arrays;
import java.util.List;

/**
 * A sampled mini-batch. For each row: the opaque reference of the sampled transition (to pass back
 * to {@code updatePriorities} and {@code attachLabel}), its normalised importance-sampling weight in
 * (0, 1], whether it carries an expert label (the mask for the imitation term of eqs 38–40:
 * unlabelled rows enter the critic and Q terms only), and its data, gathered once into flat
 * row-major float arrays ready for the networks ({@code [row][agent][dim]} flattened). Rows may
 * repeat (sampling is with replacement). {@link #transition(int)} materialises a row as a
 * {@link Transition} on demand.
 *
 * <p>The {@code *Flat()} accessors return the batch's own arrays without copying (a batch is a
 * short-lived, single-owner object; hand them to the tensor library and drop the batch). The other
 * array accessors return copies.
 */
public final class ReplayBatch {
    private final ReplayShape shape;
    final long[] refs;
    final double[] weights;
    final boolean[] labelled;
    final float[] obs;
    final float[] nextObs;
    final float[] act;
    final float[] labels;
    final double[] rewards;
    final boolean[] dones;
    final boolean[] violations;
    final long[] episodes;
    final int[] days;
    final int[] steps;

    ReplayBatch(ReplayShape shape, int n) {
        this.shape = shape;
        refs = new long[n];
        weights = new double[n];
        labelled = new boolean[n];
        obs = new float[n * shape.jointObsLength()];
        nextObs = new float[n * shape.jointObsLength()];
        act = new float[n * shape.jointActionLength()];
        labels = new float[n * shape.jointActionLength()];
        rewards = new double[n];
        dones = new boolean[n];
        violations = new boolean[n];
        episodes = new long[n];
        days = new int[n];
        steps = new int[n];
    }

    public ReplayShape shape() {
        return shape;
    }

    public int size() {
        return refs.length;
    }

    /** Opaque references, one per row (encode shard and insertion sequence); a copy. */
    public long[] refs() {
        return refs.clone();
    }

    public long ref(int row) {
        return refs[row];
    }

    /** Importance-sampling weights w_i = (N·P(i))^−β / max_j w_j, each in (0, 1]; a copy. */
    public double[] weights() {
        return weights.clone();
    }

    public double weight(int row) {
        return weights[row];
    }

    /** Imitation mask: true where the row has an expert label; a copy. */
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

    /** s_t of every row, {@code [row][agent][obsDim]} flattened (not a copy). */
    public float[] observationsFlat() {
        return obs;
    }

    /** s_{t+1} of every row, like {@link #observationsFlat()} (not a copy). */
    public float[] nextObservationsFlat() {
        return nextObs;
    }

    /** a_t of every row, {@code [row][agent][actionDim]} flattened (not a copy). */
    public float[] actionsFlat() {
        return act;
    }

    /** Expert labels, like {@link #actionsFlat()}; zeros where unlabelled, see {@link #labelledMask()} (not a copy). */
    public float[] expertLabelsFlat() {
        return labels;
    }

    /** Rewards r_t; a copy. */
    public double[] rewards() {
        return rewards.clone();
    }

    /** Done flags; a copy. */
    public boolean[] dones() {
        return dones.clone();
    }

    /** Violation flags (equivalently: rows from the violation shard); a copy. */
    public boolean[] violations() {
        return violations.clone();
    }

    /** Row {@code row} as a {@link Transition} (a fresh copy). */
    public Transition transition(int row) {
        int ol = shape.jointObsLength();
        int al = shape.jointActionLength();
        return Transition.wrap(episodes[row], days[row], steps[row], shape.agents(), shape.obsDim(),
                shape.actionDim(), Arrays.copyOfRange(obs, row * ol, row * ol + ol),
                Arrays.copyOfRange(act, row * al, row * al + al), rewards[row],
                Arrays.copyOfRange(nextObs, row * ol, row * ol + ol), dones[row], violations[row],
                labelled[row] ? Arrays.copyOfRange(labels, row * al, row * al + al) : null);
    }

    /** All rows as transitions (fresh copies). */
    public List<Transition> transitions() {
        Transition[] ts = new Transition[refs.length];
        for (int r = 0; r < ts.length; r++) {
            ts[r] = transition(r);
        }
        return List.of(ts);
    }

    @Override
    public String toString() {
        return "ReplayBatch[size=" + refs.length + ", labelled=" + labelledCount() + ", refs="
                + Arrays.toString(Arrays.copyOf(refs, Math.min(refs.length, 8))) + (refs.length > 8 ? "…" : "") + "]";
    }
}
