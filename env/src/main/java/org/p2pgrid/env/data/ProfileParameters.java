package org.p2pgrid.env.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Month;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Shape figures of the built-in profile generator, derived from the real series by
 * {@link DeriveProfileParameters} and committed as the resource {@value #RESOURCE} (aggregates only,
 * never the series). Time axis: local standard time UTC+01:00; hours 0..23 are [h, h+1).
 *
 * <p>The arrays are shared, not copied: treat them as read-only.
 */
public record ProfileParameters(Pv pv, Wind wind, Map<LoadKind, Load> loads, Map<String, Double> sourcePeakToMean) {

    public static final String RESOURCE = "/org/p2pgrid/env/data/profile-parameters.properties";
    /** Clearness quantile levels: 0, 10, ..., 100 %. */
    public static final int CLEARNESS_QUANTILES = 11;
    /** Load day/noise factor quantile levels: 0, 5, ..., 100 %, the ends trimmed to {@link #LOAD_FACTOR_TAIL}. */
    public static final int LOAD_FACTOR_QUANTILES = 21;
    /**
     * Load factor quantiles: the 0 % and 100 % levels hold the 1st and 99th percentiles (noise factors:
     * the 100 % level holds the 99.6th, see {@code DeriveProfileParameters.NOISE_UPPER_TAIL}).
     */
    public static final double LOAD_FACTOR_TAIL = 0.01;
    /** Steps per day of the load mean shapes. */
    public static final int SHAPE_STEPS = TimeSeries15.STEPS_PER_DAY;
    /** Significant digits of the stored load mean shapes (keeps the resource small). */
    public static final int SHAPE_DIGITS = 4;
    /**
     * Peak steps of a load shape: value ≥ mean + {@value} · (max − mean) of the shape. Their noise is
     * {@link Load#peakNoiseFactorQuantiles}.
     */
    public static final double PEAK_STEP_LEVEL = 0.5;
    /** Wind per-unit quantile levels: 0, 5, ..., 100 %. */
    public static final int WIND_QUANTILES = 21;

    /**
     * PV per calendar month (index 0 = January). Envelope: peak · sin(π (t − sunrise)/(sunset − sunrise))^exponent
     * for t (hours, UTC+01:00) between sunrise and sunset, 0 otherwise — fitted to the 90th percentile of
     * each 15-minute slot over the month's days. Daily clearness = day energy / envelope energy, as
     * quantiles per month; its day-to-day lag-1 autocorrelation (of the normal scores). Intra-day noise:
     * std and lag-1 autocorrelation of log(value / (clearness · envelope)) in daylight.
     * {@code capacityFactor}: mean per-unit value over the year (reference figure).
     */
    public record Pv(double[] sunriseHour, double[] sunsetHour, double[] peak, double[] exponent,
                     double[][] clearnessQuantiles, double clearnessLag1, double[] noiseLogStd, double noiseLag1,
                     double capacityFactor) {}

    /**
     * Wind: per-unit quantiles (the marginal distribution), lag-1 autocorrelation at 15 minutes of the
     * normal scores, mean per hour relative to the overall mean (24 values), and the capacity factor of
     * the covered days. The data cover {@code coveredDays} winter/spring days only: no seasonal shape.
     */
    public record Wind(double[] quantiles, double latentLag1, double[] diurnalFactor, double capacityFactor,
                       int coveredDays) {}

    /**
     * Load of one prosumer type: mean power per 15-minute step in W/MWh by [season][day type][step]
     * (96 steps; weighted mix of the source profiles' means over all days of the group, stored to
     * {@link #SHAPE_DIGITS} significant digits); day-to-day variation as quantiles and lag-1
     * autocorrelation of day energy / mean day energy of its season and day type; intra-day noise as
     * quantiles and lag-1 autocorrelation of value / (15-minute mean shape · day factor) — measured
     * against the 96-step shape, so sharp steps of the shape (G1's 08:00/18:00) are not counted as noise.
     * The noise is level-dependent: {@code peakNoiseFactorQuantiles} hold for the peak steps of a shape
     * ({@link #peakSteps}), {@code noiseFactorQuantiles} for the others (relative deviations are much
     * smaller at a commercial or industrial peak than at night). All figures are those of the type's
     * real mix as {@link RealSeriesProfiles} builds it (the weighted sum of its sources, each day taken
     * from the same weekday of the source's year).
     */
    public record Load(List<String> sources, double[][][] meanShape, double[] dailyFactorQuantiles, double dailyLag1,
                       double[] noiseFactorQuantiles, double noiseLag1, double[] peakNoiseFactorQuantiles) {

        /** Level-independent noise: the same quantiles at every step. */
        public Load(List<String> sources, double[][][] meanShape, double[] dailyFactorQuantiles, double dailyLag1,
                    double[] noiseFactorQuantiles, double noiseLag1) {
            this(sources, meanShape, dailyFactorQuantiles, dailyLag1, noiseFactorQuantiles, noiseLag1, noiseFactorQuantiles);
        }

        /** Hourly means [season][day type][hour] of {@link #meanShape} (a fresh array). */
        public double[][][] hourlyMean() {
            double[][][] out = new double[meanShape.length][][];
            for (int s = 0; s < meanShape.length; s++) {
                out[s] = new double[meanShape[s].length][24];
                for (int t = 0; t < meanShape[s].length; t++) {
                    for (int k = 0; k < meanShape[s][t].length; k++) out[s][t][k / 4] += meanShape[s][t][k] / 4;
                }
            }
            return out;
        }
    }

    /** Which steps of a mean shape are peak steps (see {@link #PEAK_STEP_LEVEL}). */
    public static boolean[] peakSteps(double[] shape) {
        double mean = 0, max = Double.NEGATIVE_INFINITY;
        for (double v : shape) {
            mean += v / shape.length;
            max = Math.max(max, v);
        }
        double threshold = mean + PEAK_STEP_LEVEL * (max - mean);
        boolean[] out = new boolean[shape.length];
        for (int k = 0; k < shape.length; k++) out[k] = shape[k] >= threshold;
        return out;
    }

    public enum Season {
        WINTER, SPRING, SUMMER, AUTUMN;

        /** Meteorological seasons: Dec–Feb winter, Mar–May spring, Jun–Aug summer, Sep–Nov autumn. */
        public static Season of(Month month) {
            return values()[(month.getValue() % 12) / 3];
        }

        String key() { return name().toLowerCase(Locale.ROOT); }
    }

    public enum DayType {
        WEEKDAY, SATURDAY, SUNDAY;

        public static DayType of(DayOfWeek d) {
            return d == DayOfWeek.SATURDAY ? SATURDAY : d == DayOfWeek.SUNDAY ? SUNDAY : WEEKDAY;
        }

        String key() { return name().toLowerCase(Locale.ROOT); }
    }

    /** The committed default parameters. */
    public static ProfileParameters loadDefault() {
        try (InputStream in = ProfileParameters.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("resource " + RESOURCE + " missing from the classpath");
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- text form -------------------------------------------------------------------------------

    public static ProfileParameters parse(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Reader r = new Reader(p);
        double[] sunrise = new double[12], sunset = new double[12], peak = new double[12], exponent = new double[12];
        double[][] clearness = new double[12][];
        double[] noise = new double[12];
        for (int m = 0; m < 12; m++) {
            String k = "pv.month." + (m + 1);
            double[] env = r.array(k + ".envelope", 4);
            sunrise[m] = env[0];
            sunset[m] = env[1];
            peak[m] = env[2];
            exponent[m] = env[3];
            clearness[m] = r.array(k + ".clearness_quantiles", CLEARNESS_QUANTILES);
            noise[m] = r.number(k + ".noise_log_std");
        }
        Pv pv = new Pv(sunrise, sunset, peak, exponent, clearness, r.number("pv.clearness_lag1"), noise,
                r.number("pv.noise_lag1"), r.number("pv.capacity_factor"));
        Wind wind = new Wind(r.array("wind.quantiles", WIND_QUANTILES), r.number("wind.latent_lag1"),
                r.array("wind.diurnal_factor", 24), r.number("wind.capacity_factor"),
                (int) r.number("wind.covered_days"));
        Map<LoadKind, Load> loads = new EnumMap<>(LoadKind.class);
        for (LoadKind kind : LoadKind.values()) {
            String k = "load." + kind.configName();
            double[][][] shape = new double[4][3][];
            for (Season s : Season.values()) {
                for (DayType t : DayType.values()) {
                    shape[s.ordinal()][t.ordinal()] = r.array(k + "." + s.key() + "." + t.key(), SHAPE_STEPS);
                }
            }
            loads.put(kind, new Load(List.of(r.text(k + ".sources").split(",")), shape,
                    r.array(k + ".daily_factor_quantiles", LOAD_FACTOR_QUANTILES), r.number(k + ".daily_lag1"),
                    r.array(k + ".noise_factor_quantiles", LOAD_FACTOR_QUANTILES), r.number(k + ".noise_lag1"),
                    r.array(k + ".peak_noise_factor_quantiles", LOAD_FACTOR_QUANTILES)));
        }
        Map<String, Double> peakToMean = new LinkedHashMap<>();
        String prefix = "load.source.";
        p.stringPropertyNames().stream().filter(n -> n.startsWith(prefix) && n.endsWith(".peak_to_mean")).sorted()
                .forEach(n -> peakToMean.put(n.substring(prefix.length(), n.length() - ".peak_to_mean".length()),
                        r.number(n)));
        return new ProfileParameters(pv, wind, Map.copyOf(loads), peakToMean);
    }

    /** The resource text: {@code header} lines as comments, then one key per line in a fixed order. */
    public String format(List<String> header) {
        StringBuilder sb = new StringBuilder();
        for (String h : header) sb.append("# ").append(h).append('\n');
        sb.append("\n# PV (Elia solar, per unit of monitored capacity); month 1 = January\n");
        line(sb, "pv.capacity_factor", pv.capacityFactor());
        line(sb, "pv.clearness_lag1", pv.clearnessLag1());
        line(sb, "pv.noise_lag1", pv.noiseLag1());
        for (int m = 0; m < 12; m++) {
            String k = "pv.month." + (m + 1);
            line(sb, k + ".envelope", pv.sunriseHour()[m], pv.sunsetHour()[m], pv.peak()[m], pv.exponent()[m]);
            line(sb, k + ".clearness_quantiles", pv.clearnessQuantiles()[m]);
            line(sb, k + ".noise_log_std", pv.noiseLogStd()[m]);
        }
        sb.append("\n# Wind (Elia wind total, per unit of monitored capacity; covered days only)\n");
        line(sb, "wind.capacity_factor", wind.capacityFactor());
        line(sb, "wind.covered_days", wind.coveredDays());
        line(sb, "wind.latent_lag1", wind.latentLag1());
        line(sb, "wind.quantiles", wind.quantiles());
        line(sb, "wind.diurnal_factor", wind.diurnalFactor());
        sb.append("\n# Loads (W per MWh of annual energy), 15-minute mean shapes (96 steps, step k = [k/4 h, (k+1)/4 h))"
                + " by season and day type\n");
        for (LoadKind kind : LoadKind.values()) {
            Load l = loads.get(kind);
            String k = "load." + kind.configName();
            sb.append(k).append(".sources = ").append(String.join(",", l.sources())).append('\n');
            line(sb, k + ".daily_factor_quantiles", l.dailyFactorQuantiles());
            line(sb, k + ".daily_lag1", l.dailyLag1());
            line(sb, k + ".noise_factor_quantiles", l.noiseFactorQuantiles());
            line(sb, k + ".peak_noise_factor_quantiles", l.peakNoiseFactorQuantiles());
            line(sb, k + ".noise_lag1", l.noiseLag1());
            for (Season s : Season.values()) {
                for (DayType t : DayType.values()) {
                    lineWithDigits(sb, k + "." + s.key() + "." + t.key(), SHAPE_DIGITS,
                            l.meanShape()[s.ordinal()][t.ordinal()]);
                }
            }
        }
        sb.append("\n# Reference: peak / mean of each source profile at 15 minutes\n");
        sourcePeakToMean.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> line(sb, "load.source." + e.getKey() + ".peak_to_mean", e.getValue()));
        return sb.toString();
    }

    private static void line(StringBuilder sb, String key, double... values) {
        lineWithDigits(sb, key, 6, values);
    }

    private static void lineWithDigits(StringBuilder sb, String key, int digits, double... values) {
        sb.append(key).append(" = ");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) sb.append(',');
            sb.append(number(values[i], digits));
        }
        sb.append('\n');
    }

    /** Six significant digits, plain notation: stable text so the derivation test can compare exactly. */
    static String number(double v) {
        return number(v, 6);
    }

    static String number(double v, int digits) {
        if (!Double.isFinite(v)) throw new IllegalArgumentException("non-finite parameter " + v);
        if (v == 0) return "0";
        return new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros().toPlainString();
    }

    private record Reader(Properties p) {
        String text(String key) {
            String v = p.getProperty(key);
            if (v == null) throw new IllegalArgumentException("profile parameters: key '" + key + "' missing");
            return v.trim();
        }

        double number(String key) {
            try {
                return Double.parseDouble(text(key));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("profile parameters: key '" + key + "' is not a number: " + text(key));
            }
        }

        double[] array(String key, int length) {
            String[] parts = text(key).split(",");
            if (parts.length != length) {
                throw new IllegalArgumentException("profile parameters: key '" + key + "' has " + parts.length
                        + " values, expected " + length);
            }
            double[] out = new double[length];
            for (int i = 0; i < length; i++) {
                try {
                    out[i] = Double.parseDouble(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("profile parameters: key '" + key + "' value " + (i + 1)
                            + " is not a number: " + parts[i]);
                }
            }
            return out;
        }
    }

    @Override
    public String toString() {
        return "ProfileParameters[pv CF " + pv.capacityFactor() + ", wind CF " + wind.capacityFactor() + ", loads "
                + loads.keySet() + ", sources " + new ArrayList<>(sourcePeakToMean.keySet()) + "]";
    }

}
