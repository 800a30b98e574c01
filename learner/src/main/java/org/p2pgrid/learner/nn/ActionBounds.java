package org.p2pgrid.learner.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.device.ProsumerSpec;

/**
 * The STATIC device limits of one prosumer over its own action dims ({@link ProsumerSpec#activeActionDims()},
 * ascending eq-22 order), which the actor's tanh squash maps onto:
 * CDG [P_min, P_max] (eq 1), RDG [0, S_max] (eqs 3–4), Q [−S_max, S_max] (eq 4),
 * BESS [−P_dis,max, P_ch,max] (eq 5), CL [0, α·max P_Load] (eq 8).
 *
 * <p>The state-dependent limits — CDG ramp (eq 2), available renewable power, the inverter disc
 * √(P²+Q²) ≤ S (eq 4), SOC headroom (eqs 6–7), the current load for CL — are NOT applied here: the
 * environment's {@link org.p2pgrid.env.device.ActionProjection} applies them to whatever the actor
 * requests and reports the distance it moved the action. The actor's sample is therefore always
 * inside this box, and the projection only ever shrinks it further.
 *
 * @param dims  eq-22 indices, ascending
 * @param lo    lower bound per own dim
 * @param hi    upper bound per own dim, {@code hi > lo}
 */
public record ActionBounds(int[] dims, float[] lo, float[] hi) {

    public ActionBounds {
        if (dims.length != lo.length || lo.length != hi.length || dims.length == 0) {
            throw new IllegalArgumentException("dims, lo, hi must have the same non-zero length");
        }
        for (int j = 0; j < lo.length; j++) {
            if (!(hi[j] > lo[j])) {
                throw new IllegalArgumentException("dim " + ProsumerAction.dimName(dims[j]) + ": hi " + hi[j]
                        + " must be > lo " + lo[j]);
            }
        }
        dims = dims.clone();
        lo = lo.clone();
        hi = hi.clone();
    }

    /**
     * Static limits of {@code spec}; {@code maxLoadKw} is the largest load the prosumer sees in the
     * scenario (the CL bound is α times it).
     */
    public static ActionBounds of(ProsumerSpec spec, double maxLoadKw) {
        int[] dims = spec.activeActionDims();
        float[] lo = new float[dims.length];
        float[] hi = new float[dims.length];
        for (int j = 0; j < dims.length; j++) {
            switch (dims[j]) {
                case ProsumerAction.P_CDG -> {
                    lo[j] = (float) spec.cdg().pMinKw();
                    hi[j] = (float) spec.cdg().pMaxKw();
                }
                case ProsumerAction.P_RDG -> {
                    lo[j] = 0f;
                    hi[j] = (float) spec.rdg().sMaxKva();
                }
                case ProsumerAction.Q_RDG -> {
                    lo[j] = (float) -spec.rdg().sMaxKva();
                    hi[j] = (float) spec.rdg().sMaxKva();
                }
                case ProsumerAction.P_BESS -> {
                    lo[j] = (float) -spec.bess().pMaxDischargeKw();
                    hi[j] = (float) spec.bess().pMaxChargeKw();
                }
                case ProsumerAction.P_CL -> {
                    lo[j] = 0f;
                    hi[j] = (float) spec.cl().maxCurtailKw(maxLoadKw);
                }
                default -> throw new IllegalStateException("unknown action dim " + dims[j]);
            }
        }
        return new ActionBounds(dims, lo, hi);
    }

    public int size() {
        return dims.length;
    }

    /** Physical value → (−1, 1) coordinates of the squash, y = 2(a − lo)/(hi − lo) − 1 (clamped to ±1). */
    public float[] normalise(float[] physicalOwnDims) {
        float[] y = new float[dims.length];
        for (int j = 0; j < y.length; j++) {
            float v = 2 * (physicalOwnDims[j] - lo[j]) / (hi[j] - lo[j]) - 1;
            y[j] = Math.max(-1f, Math.min(1f, v));
        }
        return y;
    }

    /** (−1, 1) → physical, a = lo + (y + 1)(hi − lo)/2. */
    public float[] denormalise(float[] y) {
        float[] a = new float[dims.length];
        for (int j = 0; j < a.length; j++) {
            a[j] = lo[j] + (y[j] + 1) * (hi[j] - lo[j]) / 2;
        }
        return a;
    }

    /** Own-dim values scattered into a full eq-22 vector (zeros elsewhere). */
    public double[] toFullAction(float[] ownDims) {
        double[] full = new double[ProsumerAction.DIMS];
        for (int j = 0; j < dims.length; j++) {
            full[dims[j]] = ownDims[j];
        }
        return full;
    }

    public NDArray loArray(NDManager manager) {
        return manager.create(lo, new Shape(lo.length));
    }

    public NDArray hiArray(NDManager manager) {
        return manager.create(hi, new Shape(hi.length));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ActionBounds b && Arrays.equals(dims, b.dims) && Arrays.equals(lo, b.lo)
                && Arrays.equals(hi, b.hi);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(dims) + Arrays.hashCode(lo)) + Arrays.hashCode(hi);
    }

    @Override
    public String toString() {
        return "ActionBounds" + Arrays.toString(dims) + " lo=" + Arrays.toString(lo) + " hi=" + Arrays.toString(hi);
    }
}
