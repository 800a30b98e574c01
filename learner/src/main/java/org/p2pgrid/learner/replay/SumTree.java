package org.p2pgrid.learner.replay;

import java.util.Arrays;

/**
 * A fixed-capacity binary sum tree over non-negative leaf values (priorities), with O(log n)
 * {@link #set}, O(1) {@link #total}, {@link #min}, {@link #max} and O(log n) prefix-sum search
 * {@link #find} — the data structure of prioritised experience replay (Schaul et al. 2016).
 *
 * <p>Leaves are indexed {@code 0 .. capacity-1}; the tree is laid out heap-style in arrays of
 * {@code 2 * pow2} doubles where {@code pow2} is the next power of two ≥ capacity, so that the
 * prefix-sum order is leaf-index order. A leaf value of 0 means "empty": it is never returned by
 * {@link #find} (unless every leaf is 0, which {@link #find} rejects) and does not count for
 * {@link #min}. Internal nodes are always recomputed as {@code left + right} from their children
 * (never updated by deltas), so the tree has no floating-point drift and its state is a pure
 * function of the leaves: rebuilding from the same leaves gives bit-identical sums (snapshot
 * restore relies on this).
 *
 * <p>Memory: three double arrays of {@code 2 * pow2}: 48 B per leaf for power-of-two capacities,
 * up to 96 B per leaf otherwise. Not thread-safe.
 */
public final class SumTree {
    private final int capacity;
    private final int pow2;
    private final double[] sum;
    private final double[] min; // +inf for empty
    private final double[] max; // 0 for empty

    public SumTree(int capacity) {
        if (capacity < 1 || capacity > (1 << 29)) {
            throw new IllegalArgumentException("capacity must be in [1, 2^29], got " + capacity);
        }
        this.capacity = capacity;
        int p = 1;
        while (p < capacity) {
            p <<= 1;
        }
        this.pow2 = p;
        this.sum = new double[2 * p];
        this.min = new double[2 * p];
        this.max = new double[2 * p];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
    }

    public int capacity() {
        return capacity;
    }

    /** Sets leaf {@code i} to {@code value} (≥ 0, finite; 0 = empty) and updates its ancestors, O(log n). */
    public void set(int i, double value) {
        if (i < 0 || i >= capacity) {
            throw new IndexOutOfBoundsException("leaf " + i + " not in [0, " + capacity + ")");
        }
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("leaf value must be finite and >= 0, got " + value);
        }
        int n = i + pow2;
        sum[n] = value;
        min[n] = value > 0 ? value : Double.POSITIVE_INFINITY;
        max[n] = value;
        for (n >>>= 1; n >= 1; n >>>= 1) {
            int l = 2 * n;
            int r = l + 1;
            sum[n] = sum[l] + sum[r];
            min[n] = Math.min(min[l], min[r]);
            max[n] = Math.max(max[l], max[r]);
        }
    }

    /** The value of leaf {@code i}. */
    public double get(int i) {
        if (i < 0 || i >= capacity) {
            throw new IndexOutOfBoundsException("leaf " + i + " not in [0, " + capacity + ")");
        }
        return sum[i + pow2];
    }

    /** Sum of all leaves. */
    public double total() {
        return sum[1];
    }

    /** Smallest non-zero leaf, or {@code +∞} if all leaves are 0. */
    public double min() {
        return min[1];
    }

    /** Largest leaf (0 if all are 0). */
    public double max() {
        return max[1];
    }

    /**
     * The leaf {@code i} whose prefix interval {@code [Σ_{j<i} v_j, Σ_{j≤i} v_j)} contains
     * {@code prefix}; values outside {@code [0, total)} are clamped. Always returns a leaf with a
     * non-zero value. Drawing {@code prefix} uniformly from {@code [0, total)} therefore samples
     * leaf i with probability {@code v_i / total}.
     *
     * @throws IllegalStateException if every leaf is 0
     */
    public int find(double prefix) {
        if (!(sum[1] > 0)) {
            throw new IllegalStateException("sum tree is empty (total priority 0)");
        }
        double u = prefix > 0 ? prefix : 0;
        int n = 1;
        while (n < pow2) {
            int l = 2 * n;
            double left = sum[l];
            // Go right when u is past the left mass, unless rounding would take us into an empty
            // subtree; go left when the right subtree is empty.
            if (u >= left && sum[l + 1] > 0) {
                u -= left;
                n = l + 1;
            } else if (left > 0) {
                n = l;
            } else {
                n = l + 1;
            }
        }
        return n - pow2;
    }

    /** Copies the leaves into {@code dst[0 .. capacity)}. */
    public void copyLeaves(double[] dst) {
        System.arraycopy(sum, pow2, dst, 0, capacity);
    }

    /** Replaces all leaves by {@code leaves[0 .. capacity)} and rebuilds the tree in O(n). */
    public void setAll(double[] leaves) {
        if (leaves.length < capacity) {
            throw new IllegalArgumentException("need " + capacity + " leaves, got " + leaves.length);
        }
        for (int i = 0; i < capacity; i++) {
            double v = leaves[i];
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("leaf " + i + " must be finite and >= 0, got " + v);
            }
        }
        Arrays.fill(sum, 0.0);
        Arrays.fill(max, 0.0);
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        for (int i = 0; i < capacity; i++) {
            double v = leaves[i];
            sum[pow2 + i] = v;
            max[pow2 + i] = v;
            min[pow2 + i] = v > 0 ? v : Double.POSITIVE_INFINITY;
        }
        for (int n = pow2 - 1; n >= 1; n--) {
            int l = 2 * n;
            sum[n] = sum[l] + sum[l + 1];
            min[n] = Math.min(min[l], min[l + 1]);
            max[n] = Math.max(max[l], max[l + 1]);
        }
    }

    /** Heap bytes of the three node arrays. */
    public long allocatedBytes() {
        return 3L * 2 * pow2 * Double.BYTES;
    }
}
