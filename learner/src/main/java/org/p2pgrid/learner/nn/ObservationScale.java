package org.p2pgrid.learner.nn;

import java.util.Arrays;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.market.TouTariff;
import org.p2pgrid.env.pomdp.ObservationLayout;

/**
 * The fixed input normalisation of one agent's networks: x = (o − offset) ⊙ scale, so that every
 * eq-23 feature enters the first layer at O(1). The environment reports physical units (kW up to
 * the MW range next to a voltage that moves by 0.05 p.u.), and an MLP trained by Adam on those raw
 * inputs barely resolves the small features: a first-layer step of lr on a kW input moves the
 * pre-activation 10⁴ times more than the same step on the voltage input.
 *
 * <p>The statistics are not learnt from data but derived from the prosumer's static ratings, so
 * they need no checkpointing, are identical in every process that knows the scenario and cannot
 * drift during training. Each feature's nominal range maps onto about [−1, 1]:
 * <ul>
 *   <li>t/T ∈ [0, 1), SOC ∈ [0, 1] → 2x − 1;</li>
 *   <li>λ_B, λ_S → the tariff's [min, max] over both price vectors;</li>
 *   <li>P_RDG,max → [0, S_max of the inverter]; P_Load → [0, the year's largest load]; Q_Load → ÷ that load;</li>
 *   <li>P_CDG(t−1) → [P_min, P_max] (0 for a prosumer without CDG, which always reports 0);</li>
 *   <li>P_P2P(t−1) (signed) → ÷ the prosumer's largest power rating;</li>
 *   <li>V(t−1) → (V − 1)/0.05, the voltage band's half-width.</li>
 * </ul>
 *
 * @param offset subtracted per feature ({@link ObservationLayout} order)
 * @param scale  multiplied after the offset, every entry finite and &gt; 0
 */
public record ObservationScale(float[] offset, float[] scale) {

    /** Voltage deviations are read against the ±5 % band of the distribution network. */
    private static final double VOLTAGE_HALF_BAND_PU = 0.05;

    public ObservationScale {
        if (offset.length != scale.length || offset.length == 0) {
            throw new IllegalArgumentException("offset and scale must have the same non-zero length");
        }
        for (int j = 0; j < scale.length; j++) {
            if (!(scale[j] > 0) || !Float.isFinite(scale[j]) || !Float.isFinite(offset[j])) {
                throw new IllegalArgumentException("feature " + j + ": offset " + offset[j] + ", scale " + scale[j]
                        + " (scale must be finite and > 0)");
            }
        }
        offset = offset.clone();
        scale = scale.clone();
    }

    /** No normalisation (offset 0, scale 1): the networks see the raw features. */
    public static ObservationScale identity(int obsDim) {
        float[] one = new float[obsDim];
        Arrays.fill(one, 1f);
        return new ObservationScale(new float[obsDim], one);
    }

    /**
     * The normalisation of {@code spec}'s eq-23 observation.
     *
     * @param maxLoadKw the largest load the prosumer sees in the scenario (&gt; 0)
     * @param tariff    the scenario's time-of-use tariff
     */
    public static ObservationScale of(ProsumerSpec spec, double maxLoadKw, TouTariff tariff) {
        if (!(maxLoadKw > 0)) {
            throw new IllegalArgumentException(spec.id() + ": maxLoadKw must be > 0, got " + maxLoadKw);
        }
        double[] o = new double[ObservationLayout.SIZE];
        double[] s = new double[ObservationLayout.SIZE];
        range(o, s, ObservationLayout.TIME, 0, 1);
        double pMin = Double.POSITIVE_INFINITY;
        double pMax = Double.NEGATIVE_INFINITY;
        for (double[] prices : new double[][] {tariff.buyCnyPerKwh(), tariff.sellCnyPerKwh()}) {
            for (double p : prices) {
                pMin = Math.min(pMin, p);
                pMax = Math.max(pMax, p);
            }
        }
        range(o, s, ObservationLayout.PRICE_BUY, pMin, pMax);
        range(o, s, ObservationLayout.PRICE_SELL, pMin, pMax);
        double rdg = spec.rdg().sMaxKva();
        range(o, s, ObservationLayout.P_RDG_MAX, 0, rdg);
        range(o, s, ObservationLayout.P_LOAD, 0, maxLoadKw);
        o[ObservationLayout.Q_LOAD] = 0;
        s[ObservationLayout.Q_LOAD] = 1 / maxLoadKw;
        double rating = Math.max(maxLoadKw, rdg);
        if (spec.hasCdg()) {
            range(o, s, ObservationLayout.PREV_P_CDG, spec.cdg().pMinKw(), spec.cdg().pMaxKw());
            rating = Math.max(rating, spec.cdg().pMaxKw());
        } else {
            o[ObservationLayout.PREV_P_CDG] = 0;
            s[ObservationLayout.PREV_P_CDG] = 1;
        }
        if (spec.hasBess()) {
            rating = Math.max(rating, Math.max(spec.bess().pMaxChargeKw(), spec.bess().pMaxDischargeKw()));
        }
        range(o, s, ObservationLayout.PREV_SOC, 0, 1);
        o[ObservationLayout.PREV_P_P2P] = 0;
        s[ObservationLayout.PREV_P_P2P] = 1 / rating;
        o[ObservationLayout.PREV_VOLTAGE] = 1;
        s[ObservationLayout.PREV_VOLTAGE] = 1 / VOLTAGE_HALF_BAND_PU;
        return new ObservationScale(toFloats(o), toFloats(s));
    }

    /** Maps [lo, hi] onto [−1, 1]; a degenerate range only centres the feature. */
    private static void range(double[] o, double[] s, int j, double lo, double hi) {
        o[j] = (lo + hi) / 2;
        s[j] = hi > lo ? 2 / (hi - lo) : 1 / Math.max(Math.abs(hi), 1e-9);
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    public int size() {
        return scale.length;
    }

    @Override
    public float[] offset() {
        return offset.clone();
    }

    @Override
    public float[] scale() {
        return scale.clone();
    }

    /** True when this is the identity map (no normalisation). */
    public boolean isIdentity() {
        for (int j = 0; j < scale.length; j++) {
            if (offset[j] != 0f || scale[j] != 1f) {
                return false;
            }
        }
        return true;
    }

    /** (o − offset) ⊙ scale, a new array. */
    public float[] apply(float[] raw) {
        if (raw.length != scale.length) {
            throw new IllegalArgumentException("observation has " + raw.length + " features, expected " + scale.length);
        }
        float[] x = new float[raw.length];
        for (int j = 0; j < raw.length; j++) {
            x[j] = (raw[j] - offset[j]) * scale[j];
        }
        return x;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObservationScale other && Arrays.equals(offset, other.offset)
                && Arrays.equals(scale, other.scale);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(offset) + Arrays.hashCode(scale);
    }

    @Override
    public String toString() {
        return "ObservationScale[offset=" + Arrays.toString(offset) + ", scale=" + Arrays.toString(scale) + "]";
    }
}
