package org.p2pgrid.env.data;

import java.util.Arrays;

/** Small numeric helpers shared by the derivation and the generator (no dependencies, so the tool runs on the bare classpath). */
final class Stats {
    private Stats() {}

    static double mean(double[] a) {
        double s = 0;
        for (double v : a) s += v;
        return s / a.length;
    }

    /** Population standard deviation. */
    static double std(double[] a) {
        double m = mean(a), s = 0;
        for (double v : a) s += (v - m) * (v - m);
        return Math.sqrt(s / a.length);
    }

    /** Quantile with linear interpolation between order statistics (R type 7); {@code sorted} ascending. */
    static double quantileOfSorted(double[] sorted, double level) {
        double pos = level * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    static double[] quantiles(double[] values, int count) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double[] q = new double[count];
        for (int i = 0; i < count; i++) q[i] = quantileOfSorted(sorted, i / (double) (count - 1));
        return q;
    }

    /** Inverse of the piecewise-linear quantile function through equally spaced levels: value at level u ∈ [0,1]. */
    static double fromQuantiles(double[] q, double u) {
        double pos = Math.min(1, Math.max(0, u)) * (q.length - 1);
        int lo = Math.min((int) Math.floor(pos), q.length - 2);
        return q[lo] + (pos - lo) * (q[lo + 1] - q[lo]);
    }

    /** Normal scores Φ⁻¹((rank + 0.5)/n); ties ranked by position, so the result is deterministic. */
    static double[] normalScores(double[] values) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> values[a] != values[b] ? Double.compare(values[a], values[b]) : Integer.compare(a, b));
        double[] z = new double[values.length];
        for (int r = 0; r < order.length; r++) z[order[r]] = inverseNormal((r + 0.5) / values.length);
        return z;
    }

    /** Standard normal CDF (erfc approximation of Numerical Recipes, relative error < 1.2e-7). */
    static double normalCdf(double x) {
        double z = Math.abs(x) / Math.sqrt(2);
        double t = 1 / (1 + 0.5 * z);
        double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
    }

    /** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
    static double inverseNormal(double p) {
        if (p <= 0 || p >= 1) throw new IllegalArgumentException("probability " + p + " outside (0,1)");
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
                -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
                -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
                4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        double low = 0.02425;
        if (p < low) {
            double q = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - low) return -inverseNormal(1 - p);
        double q = p - 0.5, r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }

    /**
     * Clear-sky-like PV envelope at hour {@code t}: peak · sin(π (t − sunrise)/(sunset − sunrise))^exponent
     * between sunrise and sunset, else 0.
     */
    static double envelope(double t, double sunrise, double sunset, double peak, double exponent) {
        if (t <= sunrise || t >= sunset) return 0;
        return peak * Math.pow(Math.sin(Math.PI * (t - sunrise) / (sunset - sunrise)), exponent);
    }

    /** Hour (centre) of 15-minute step k. */
    static double stepCentreHour(int k) {
        return (k + 0.5) / 4.0;
    }

    /** Lag-1 autocorrelation of pairs (a[i], b[i]) that are already centred. */
    static double correlationOfCentredPairs(double sumAB, double sumAA, double sumBB) {
        return sumAA == 0 || sumBB == 0 ? 0 : sumAB / Math.sqrt(sumAA * sumBB);
    }
}
