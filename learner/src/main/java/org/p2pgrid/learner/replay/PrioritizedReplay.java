package org.p2pgrid.learner.replay;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * One prioritised replay shard (paper §III-B-5; Schaul et al. 2016): a capacity-bounded ring of
 * transitions (the oldest is overwritten once full) with loss-based priorities in a {@link SumTree}.
 *
 * <ul>
 *   <li>Priority of a transition with sample loss L: {@code p = (|L| + ε)^α}; sampling probability
 *       {@code P(i) = p_i / Σ_j p_j}. A new transition gets the current maximum priority in the
 *       shard (1 if the shard is empty), so it is sampled at least once soon.</li>
 *   <li>Importance weights {@code w_i = (N·P(i))^−β / max_j w_j = (p_min / p_i)^β} ∈ (0, 1]; β is
 *       passed in (annealed by {@link DualReplay} via {@link ReplayConfig#beta(long)}).</li>
 *   <li>Sampling is stratified: the total priority is cut into {@code n} equal segments and one
 *       uniform draw is made in each (with replacement across segments).</li>
 *   <li>References: {@link #add} returns the transition's insertion sequence number (0, 1, 2, …);
 *       its slot is {@code seq mod capacity}, and each slot remembers the sequence number of its
 *       occupant (a per-slot generation stamp). A reference is <em>live</em> while its slot still
 *       holds it; priority updates and labels for stale references (the slot was overwritten since
 *       sampling) are ignored.</li>
 *   <li>Expert labels may arrive after the transition ({@link #attachLabel}). A second sum tree
 *       holds the priorities of labelled transitions only, so {@code sample(..., labelledOnly=true)}
 *       draws from labelled transitions with the same priority rule.</li>
 * </ul>
 *
 * <p>Storage is flat primitive arrays, grown by doubling up to the capacity (never beyond), so an
 * under-used shard (e.g. the violation shard early on) costs little. Memory per transition: see
 * {@link ReplayShape#bytesPerTransition()} plus the two trees. Deterministic: all randomness comes
 * from the {@link SplittableRandom} passed to {@code sample}. Not thread-safe (one owner, e.g. one
 * replay-shard actor).
 */
public final class PrioritizedReplay {
    static final int FLAG_DONE = 1;
    static final int FLAG_VIOLATION = 2;
    static final int FLAG_LABELLED = 4;
    private static final int INITIAL_SLOTS = 1024;
    static final double MAX_PRIORITY = 1e250;

    private final ReplayShape shape;
    private final int capacity;
    private final double alpha;
    private final double epsilon;
    private final SumTree tree;
    private final SumTree labelledTree;

    private int allocated;
    private float[] obs;
    private float[] nextObs;
    private float[] act;
    private float[] label;
    private long[] episode;
    private int[] day;
    private int[] step;
    private double[] reward;
    private byte[] flags;
    private long[] slotSeq;

    private long nextSeq;
    private int size;
    private int labelledCount;

    public PrioritizedReplay(ReplayShape shape, int capacity, double alpha, double epsilon) {
        this.shape = Objects.requireNonNull(shape, "shape");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        if ((long) capacity * shape.jointObsLength() > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("capacity " + capacity + " x " + shape.jointObsLength()
                    + " floats exceeds a Java array");
        }
        if (!(alpha >= 0) || !(epsilon > 0)) {
            throw new IllegalArgumentException("need alpha >= 0 and epsilon > 0");
        }
        this.capacity = capacity;
        this.alpha = alpha;
        this.epsilon = epsilon;
        this.tree = new SumTree(capacity);
        this.labelledTree = new SumTree(capacity);
        grow(Math.min(capacity, INITIAL_SLOTS));
    }

    public ReplayShape shape() { return shape; }
    public int capacity() { return capacity; }
    /** Transitions currently held (≤ capacity). */
    public int size() { return size; }
    /** Transitions currently held that carry an expert label. */
    public int labelledSize() { return labelledCount; }
    /** Transitions ever added (the next reference). */
    public long totalAdded() { return nextSeq; }
    public double alpha() { return alpha; }
    public double epsilon() { return epsilon; }

    /** p = (|loss| + ε)^α. */
    public double priorityOf(double loss) {
        if (Double.isNaN(loss)) {
            throw new IllegalArgumentException("loss is NaN");
        }
        // Clamped so that even capacity × p stays finite in the sum tree (an infinite loss is a bug
        // upstream, but must not poison the buffer).
        double p = Math.pow(Math.min(Math.abs(loss), 1e30) + epsilon, alpha);
        return Math.min(Math.max(p, Double.MIN_NORMAL), MAX_PRIORITY);
    }

    /** Priority given to new transitions: the current maximum in the shard, or 1 when empty. */
    public double maxPriority() {
        double m = tree.max();
        return m > 0 ? m : 1.0;
    }

    /**
     * Stores a transition (overwriting the oldest if full) with the current max priority.
     *
     * @return its reference (insertion sequence number)
     */
    public long add(Transition t) {
        Objects.requireNonNull(t, "transition");
        if (!shape.matches(t)) {
            throw new IllegalArgumentException("transition shape " + t.agents() + "x" + t.obsDim() + "/"
                    + t.actionDim() + " does not match replay shape " + shape);
        }
        long seq = nextSeq;
        int slot = (int) (seq % capacity);
        if (slot >= allocated) {
            grow(Math.min(capacity, Math.max(allocated * 2, slot + 1)));
        }
        double p = maxPriority();
        boolean wasLabelled = size > slot && (flags[slot] & FLAG_LABELLED) != 0;
        int o = slot * shape.jointObsLength();
        int a = slot * shape.jointActionLength();
        System.arraycopy(t.observationFlat(), 0, obs, o, shape.jointObsLength());
        System.arraycopy(t.nextObservationFlat(), 0, nextObs, o, shape.jointObsLength());
        System.arraycopy(t.actionFlat(), 0, act, a, shape.jointActionLength());
        byte f = (byte) ((t.done() ? FLAG_DONE : 0) | (t.violation() ? FLAG_VIOLATION : 0));
        if (t.hasExpertLabel()) {
            System.arraycopy(t.expertLabelFlat(), 0, label, a, shape.jointActionLength());
            f |= FLAG_LABELLED;
        } else {
            Arrays.fill(label, a, a + shape.jointActionLength(), 0f);
        }
        flags[slot] = f;
        episode[slot] = t.episodeId();
        day[slot] = t.day();
        step[slot] = t.step();
        reward[slot] = t.reward();
        slotSeq[slot] = seq;
        nextSeq = seq + 1;
        if (size < capacity) {
            size++;
        }
        if (wasLabelled) {
            labelledCount--;
        }
        if (t.hasExpertLabel()) {
            labelledCount++;
        }
        tree.set(slot, p);
        labelledTree.set(slot, t.hasExpertLabel() ? p : 0.0);
        return seq;
    }

    /** Whether {@code ref} still refers to a held transition (its slot was not overwritten). */
    public boolean isLive(long ref) {
        if (ref < 0 || ref >= nextSeq) {
            return false;
        }
        int slot = (int) (ref % capacity);
        return slot < size && slotSeq[slot] == ref;
    }

    /** A copy of the transition behind a live reference. */
    public Transition get(long ref) {
        if (!isLive(ref)) {
            throw new IllegalArgumentException("stale or unknown replay reference " + ref);
        }
        return materialise((int) (ref % capacity));
    }

    /** Current priority of a live reference (NaN if stale). */
    public double priority(long ref) {
        return isLive(ref) ? tree.get((int) (ref % capacity)) : Double.NaN;
    }

    /**
     * Attaches (or replaces) the expert's joint action {@code [agent][actionDim]} for a stored
     * transition. Returns false, changing nothing, if the reference is stale.
     */
    public boolean attachLabel(long ref, float[][] expertLabel) {
        Transition.checkJoint(expertLabel, shape.agents(), shape.actionDim(), "expertLabel");
        if (!isLive(ref)) {
            return false;
        }
        int slot = (int) (ref % capacity);
        int a = slot * shape.jointActionLength();
        for (int i = 0; i < shape.agents(); i++) {
            System.arraycopy(expertLabel[i], 0, label, a + i * shape.actionDim(), shape.actionDim());
        }
        if ((flags[slot] & FLAG_LABELLED) == 0) {
            flags[slot] |= FLAG_LABELLED;
            labelledCount++;
            labelledTree.set(slot, tree.get(slot));
        }
        return true;
    }

    /** Sets the priority of a live reference from its new loss; returns false (no change) if stale. */
    public boolean updatePriority(long ref, double loss) {
        if (!isLive(ref)) {
            return false;
        }
        int slot = (int) (ref % capacity);
        double p = priorityOf(loss);
        tree.set(slot, p);
        if ((flags[slot] & FLAG_LABELLED) != 0) {
            labelledTree.set(slot, p);
        }
        return true;
    }

    /** Batch form of {@link #updatePriority}; returns how many were applied (stale ones are skipped). */
    public int updatePriorities(long[] refs, double[] losses) {
        if (refs.length != losses.length) {
            throw new IllegalArgumentException(refs.length + " refs but " + losses.length + " losses");
        }
        int applied = 0;
        for (int i = 0; i < refs.length; i++) {
            if (updatePriority(refs[i], losses[i])) {
                applied++;
            }
        }
        return applied;
    }

    /**
     * Draws {@code n} transitions with probability ∝ priority (stratified), with IS weights for
     * exponent {@code beta}. References in the batch are this shard's sequence numbers.
     *
     * @param labelledOnly draw only among transitions that carry an expert label
     * @throws IllegalStateException if there is nothing to draw from
     */
    public ReplayBatch sample(int n, SplittableRandom rng, double beta, boolean labelledOnly) {
        ReplayBatch b = new ReplayBatch(shape, Math.max(n, 0));
        sampleInto(n, rng, beta, labelledOnly, b, 0);
        return b;
    }

    /** Draws {@code n} rows into {@code b} starting at row {@code offset}; refs are this shard's sequence numbers. */
    void sampleInto(int n, SplittableRandom rng, double beta, boolean labelledOnly, ReplayBatch b, int offset) {
        if (n < 0) {
            throw new IllegalArgumentException("batch size must be >= 0, got " + n);
        }
        if (n == 0) {
            return;
        }
        Objects.requireNonNull(rng, "rng");
        SumTree t = labelledOnly ? labelledTree : tree;
        if ((labelledOnly ? labelledCount : size) == 0 || !(t.total() > 0)) {
            throw new IllegalStateException("cannot sample " + n + " from an empty shard"
                    + (labelledOnly ? " (no labelled transitions)" : ""));
        }
        int ol = shape.jointObsLength();
        int al = shape.jointActionLength();
        double total = t.total();
        double pMin = t.min();
        double segment = total / n;
        for (int j = 0; j < n; j++) {
            double u = (j + rng.nextDouble()) * segment;
            int slot = t.find(u);
            double p = t.get(slot);
            int r = offset + j;
            b.refs[r] = slotSeq[slot];
            // w_i = (N·P(i))^−β / max_j (N·P(j))^−β = (p_min / p_i)^β, in (0, 1].
            b.weights[r] = Math.max(Math.pow(pMin / p, beta), Double.MIN_NORMAL);
            byte f = flags[slot];
            boolean lab = (f & FLAG_LABELLED) != 0;
            b.labelled[r] = lab;
            System.arraycopy(obs, slot * ol, b.obs, r * ol, ol);
            System.arraycopy(nextObs, slot * ol, b.nextObs, r * ol, ol);
            System.arraycopy(act, slot * al, b.act, r * al, al);
            if (lab) {
                System.arraycopy(label, slot * al, b.labels, r * al, al);
            }
            b.rewards[r] = reward[slot];
            b.dones[r] = (f & FLAG_DONE) != 0;
            b.violations[r] = (f & FLAG_VIOLATION) != 0;
            b.episodes[r] = episode[slot];
            b.days[r] = day[slot];
            b.steps[r] = step[slot];
        }
    }

    private Transition materialise(int slot) {
        int ol = shape.jointObsLength();
        int al = shape.jointActionLength();
        float[] o = Arrays.copyOfRange(obs, slot * ol, slot * ol + ol);
        float[] no = Arrays.copyOfRange(nextObs, slot * ol, slot * ol + ol);
        float[] a = Arrays.copyOfRange(act, slot * al, slot * al + al);
        byte f = flags[slot];
        float[] l = (f & FLAG_LABELLED) != 0 ? Arrays.copyOfRange(label, slot * al, slot * al + al) : null;
        return Transition.wrap(episode[slot], day[slot], step[slot], shape.agents(), shape.obsDim(),
                shape.actionDim(), o, a, reward[slot], no, (f & FLAG_DONE) != 0, (f & FLAG_VIOLATION) != 0, l);
    }

    private void grow(int slots) {
        if (slots <= allocated) {
            return;
        }
        int ol = shape.jointObsLength();
        int al = shape.jointActionLength();
        obs = obs == null ? new float[slots * ol] : Arrays.copyOf(obs, slots * ol);
        nextObs = nextObs == null ? new float[slots * ol] : Arrays.copyOf(nextObs, slots * ol);
        act = act == null ? new float[slots * al] : Arrays.copyOf(act, slots * al);
        label = label == null ? new float[slots * al] : Arrays.copyOf(label, slots * al);
        episode = episode == null ? new long[slots] : Arrays.copyOf(episode, slots);
        day = day == null ? new int[slots] : Arrays.copyOf(day, slots);
        step = step == null ? new int[slots] : Arrays.copyOf(step, slots);
        reward = reward == null ? new double[slots] : Arrays.copyOf(reward, slots);
        flags = flags == null ? new byte[slots] : Arrays.copyOf(flags, slots);
        long[] seqs = slotSeq == null ? new long[slots] : Arrays.copyOf(slotSeq, slots);
        Arrays.fill(seqs, allocated, slots, -1L);
        slotSeq = seqs;
        allocated = slots;
    }

    /** Heap bytes currently allocated by this shard (payload arrays + trees). */
    public long allocatedBytes() {
        return allocated * shape.bytesPerTransition() + tree.allocatedBytes() + labelledTree.allocatedBytes();
    }

    // ---- snapshot ----

    void writeState(DataOutputStream out) throws IOException {
        out.writeInt(capacity);
        out.writeDouble(alpha);
        out.writeDouble(epsilon);
        out.writeLong(nextSeq);
        out.writeInt(size);
        int ol = shape.jointObsLength();
        int al = shape.jointActionLength();
        SnapshotIO.writeFloats(out, obs, 0, size * ol);
        SnapshotIO.writeFloats(out, nextObs, 0, size * ol);
        SnapshotIO.writeFloats(out, act, 0, size * al);
        SnapshotIO.writeFloats(out, label, 0, size * al);
        double[] leaves = new double[capacity];
        tree.copyLeaves(leaves);
        for (int s = 0; s < size; s++) {
            out.writeLong(slotSeq[s]);
            out.writeLong(episode[s]);
            out.writeInt(day[s]);
            out.writeInt(step[s]);
            out.writeDouble(reward[s]);
            out.writeByte(flags[s]);
            out.writeDouble(leaves[s]);
        }
    }

    static PrioritizedReplay readState(DataInputStream in, ReplayShape shape, String name) throws IOException {
        int capacity = in.readInt();
        double alpha = in.readDouble();
        double epsilon = in.readDouble();
        if (capacity < 1 || (long) capacity * shape.jointObsLength() > Integer.MAX_VALUE - 16) {
            throw new ReplaySnapshotException(name + ": implausible capacity " + capacity);
        }
        if (!(alpha >= 0 && alpha <= 10) || !(epsilon > 0 && Double.isFinite(epsilon))) {
            throw new ReplaySnapshotException(name + ": implausible alpha/epsilon " + alpha + "/" + epsilon);
        }
        long nextSeq = in.readLong();
        int size = in.readInt();
        if (nextSeq < 0 || size < 0 || size != (int) Math.min(nextSeq, capacity)) {
            throw new ReplaySnapshotException(name + ": inconsistent counters nextSeq=" + nextSeq + " size=" + size
                    + " capacity=" + capacity);
        }
        PrioritizedReplay r = new PrioritizedReplay(shape, capacity, alpha, epsilon);
        r.grow(Math.min(capacity, Math.max(size, INITIAL_SLOTS)));
        int ol = shape.jointObsLength();
        int al = shape.jointActionLength();
        SnapshotIO.readFloats(in, r.obs, 0, size * ol);
        SnapshotIO.readFloats(in, r.nextObs, 0, size * ol);
        SnapshotIO.readFloats(in, r.act, 0, size * al);
        SnapshotIO.readFloats(in, r.label, 0, size * al);
        double[] leaves = new double[capacity];
        double[] labelledLeaves = new double[capacity];
        int labelled = 0;
        for (int s = 0; s < size; s++) {
            long seq = in.readLong();
            if (seq < 0 || seq >= nextSeq || seq < nextSeq - capacity || seq % capacity != s) {
                throw new ReplaySnapshotException(name + ": slot " + s + " holds impossible sequence " + seq
                        + " (nextSeq " + nextSeq + ", capacity " + capacity + ")");
            }
            r.slotSeq[s] = seq;
            r.episode[s] = in.readLong();
            r.day[s] = in.readInt();
            r.step[s] = in.readInt();
            r.reward[s] = in.readDouble();
            byte f = in.readByte();
            if ((f & ~(FLAG_DONE | FLAG_VIOLATION | FLAG_LABELLED)) != 0) {
                throw new ReplaySnapshotException(name + ": slot " + s + " has unknown flags " + f);
            }
            r.flags[s] = f;
            double p = in.readDouble();
            if (!(p > 0) || Double.isInfinite(p)) {
                throw new ReplaySnapshotException(name + ": slot " + s + " has invalid priority " + p);
            }
            leaves[s] = p;
            if ((f & FLAG_LABELLED) != 0) {
                labelledLeaves[s] = p;
                labelled++;
            }
        }
        r.tree.setAll(leaves);
        r.labelledTree.setAll(labelledLeaves);
        r.nextSeq = nextSeq;
        r.size = size;
        r.labelledCount = labelled;
        return r;
    }

    /** Structural equality of contents, priorities, references and counters (for tests and checks). */
    boolean sameState(PrioritizedReplay o) {
        if (capacity != o.capacity || nextSeq != o.nextSeq || size != o.size || labelledCount != o.labelledCount
                || Double.compare(alpha, o.alpha) != 0 || Double.compare(epsilon, o.epsilon) != 0
                || !shape.equals(o.shape)) {
            return false;
        }
        int ol = shape.jointObsLength();
        int al = shape.jointActionLength();
        for (int s = 0; s < size; s++) {
            if (slotSeq[s] != o.slotSeq[s] || episode[s] != o.episode[s] || day[s] != o.day[s] || step[s] != o.step[s]
                    || Double.compare(reward[s], o.reward[s]) != 0 || flags[s] != o.flags[s]
                    || Double.compare(tree.get(s), o.tree.get(s)) != 0
                    || Double.compare(labelledTree.get(s), o.labelledTree.get(s)) != 0
                    || !Arrays.equals(obs, s * ol, s * ol + ol, o.obs, s * ol, s * ol + ol)
                    || !Arrays.equals(nextObs, s * ol, s * ol + ol, o.nextObs, s * ol, s * ol + ol)
                    || !Arrays.equals(act, s * al, s * al + al, o.act, s * al, s * al + al)
                    || !Arrays.equals(label, s * al, s * al + al, o.label, s * al, s * al + al)) {
                return false;
            }
        }
        return Double.compare(tree.total(), o.tree.total()) == 0;
    }
}
