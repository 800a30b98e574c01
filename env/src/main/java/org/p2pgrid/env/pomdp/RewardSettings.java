package org.p2pgrid.env.pomdp;

/**
 * Coefficients of the shared reward, eqs (24)–(26).
 *
 * <p>r = r^Cost + r^Pen with r^Cost = −δ·Σ_i C_i (eq 25, costs are paid so they enter negatively) and
 * r^Pen = −(a^Pen + c^Pen·Σ_buses max{0, |V_base − V_b| − (V_max − V_min)/2}) when any bus is outside
 * [V_min, V_max] (eq 26; the paper writes the penalty with its sign folded into a^Pen, c^Pen — here
 * both coefficients are magnitudes ≥ 0 and the sign is explicit).
 *
 * @param costWeight δ of eq 25, per CNY
 * @param violationOffset a^Pen of eq 26: charged once per step in which any bus violates
 * @param violationCoefficient c^Pen of eq 26: per p.u. of summed excess deviation
 * @param vMin lower voltage limit, p.u. (eq 13)
 * @param vMax upper voltage limit, p.u. (eq 13)
 * @param vBase nominal voltage, p.u.
 */
public record RewardSettings(double costWeight, double violationOffset, double violationCoefficient,
                             double vMin, double vMax, double vBase) {

    public RewardSettings {
        requireNonNegative("cost-weight", costWeight);
        requireNonNegative("violation-offset", violationOffset);
        requireNonNegative("violation-coefficient", violationCoefficient);
        if (!(vMin > 0 && vMin < vBase && vBase < vMax)) {
            throw new IllegalArgumentException("voltage limits must satisfy 0 < v-min < v-base < v-max, got v-min = "
                    + vMin + ", v-base = " + vBase + ", v-max = " + vMax);
        }
    }

    /** Half band (V_max − V_min)/2 of eq 26. */
    public double halfBand() {
        return (vMax - vMin) / 2;
    }

    /** Excess deviation of one bus beyond the band, p.u.: max{0, |V_base − V| − (V_max − V_min)/2} (eq 26). */
    public double excess(double vm) {
        return Math.max(0.0, Math.abs(vBase - vm) - halfBand());
    }

    private static void requireNonNegative(String field, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("reward." + field + " = " + v + ": must be a finite number >= 0");
        }
    }
}
