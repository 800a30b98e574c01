package org.p2pgrid.env.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Derives the generator's shape figures ({@link ProfileParameters}) from the real series in the
 * shared data folder, and writes the committed resource. Run (from the repository root):
 * <pre>{@value #COMMAND}</pre>
 * The test {@code DeriveProfileParametersTest} re-runs the derivation and checks it reproduces the
 * committed resource, so the figures can always be traced back to the data.
 */
public final class DeriveProfileParameters {
    public static final String COMMAND = "./mvnw -B -q -pl env compile && java -cp env/target/classes "
            + "org.p2pgrid.env.data.DeriveProfileParameters ../shared/data "
            + "env/src/main/resources/org/p2pgrid/env/data/profile-parameters.properties";
    /** Local standard time of the generated days (CET without DST; the load profiles' own axis). */
    public static final ZoneOffset LOCAL = ZoneOffset.ofHours(1);
    public static final String SOLAR_FILE = "elia/elia_solar_belgium_2023_15min.csv";
    public static final String WIND_FILE = "elia/elia_wind_belgium_2023Feb-Apr_2025Feb_15min_total.csv";
    /** Source load profiles per type with their weights (see {@link LoadKind}). */
    public static final Map<LoadKind, Map<String, Double>> LOAD_SOURCES = loadSources();

    /** Level of the per-slot percentile that stands for clear sky when fitting the PV envelope. */
    static final double CLEAR_SKY_PERCENTILE = 0.9;
    /** PV steps used for intra-day noise: envelope at least this fraction of its peak (avoids dawn/dusk ratios). */
    static final double NOISE_MIN_ENVELOPE_FRACTION = 0.25;

    /** Load noise: days with a day factor below this quantile or above 1 − it are left out (holidays, shutdowns). */
    static final double NOISE_TYPICAL_DAY_TRIM = 0.05;

    /** Load noise quantiles: the top level is this far from the top (a quantile level), see {@link #noiseQuantiles}; a
     *  compromise between the residential mix (peak set by rare appliance spikes) and the energy hub mix. */
    static final double NOISE_UPPER_TAIL = 0.004;

    private DeriveProfileParameters() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: DeriveProfileParameters <shared data dir, e.g. ../shared/data> <output .properties>");
            System.exit(2);
        }
        Path dataDir = Path.of(args[0]);
        Path out = Path.of(args[1]);
        ProfileParameters params = derive(dataDir);
        Files.writeString(out, resourceText(params), StandardCharsets.UTF_8);
        System.out.println("wrote " + out);
        System.out.println(headline(params));
    }

    /** The resource text for derived parameters, with its provenance header. */
    public static String resourceText(ProfileParameters params) {
        List<String> header = new ArrayList<>();
        header.add("Shape figures of org.p2pgrid.env.data.ProfileGenerator: aggregates derived from real series");
        header.add("(never the series themselves; the source files stay in ../shared, see their README/licence notes).");
        header.add("Sources (../shared/data): " + SOLAR_FILE + " (Elia Open Data), " + WIND_FILE + " (Elia Open Data),");
        List<String> files = new ArrayList<>();
        LOAD_SOURCES.get(LoadKind.ENERGY_HUB).keySet().forEach(f -> files.add("load/" + f + ".csv"));
        LOAD_SOURCES.get(LoadKind.RURAL).keySet().forEach(f -> files.add("load/" + f + ".csv"));
        header.add("  " + String.join(", ", files) + " (vdi4657.app, MIT; underlying data BDEW / CC BY 4.0).");
        header.add("Derived by: " + COMMAND);
        header.add("Do not edit by hand: DeriveProfileParametersTest checks that the command reproduces this file.");
        header.add("Time axis: local standard time UTC+01:00 (no DST); hour h = [h, h+1), 15-minute step k = [k/4 h, (k+1)/4 h);");
        header.add("numbers to 6 significant digits, load mean shapes to " + ProfileParameters.SHAPE_DIGITS + ".");
        return params.format(header);
    }

    public static ProfileParameters derive(Path dataDir) throws IOException {
        ProfileParameters.Pv pv = derivePv(EliaSolarCsv.read(dataDir.resolve(SOLAR_FILE)));
        ProfileParameters.Wind wind = deriveWind(EliaWindCsv.read(dataDir.resolve(WIND_FILE)));
        Map<String, TimeSeries15> series = new TreeMap<>();
        for (Map<String, Double> sources : LOAD_SOURCES.values()) {
            for (String stem : sources.keySet()) {
                if (!series.containsKey(stem)) series.put(stem, LoadProfileCsv.read(dataDir.resolve("load").resolve(stem + ".csv")));
            }
        }
        Map<LoadKind, ProfileParameters.Load> loads = new EnumMap<>(LoadKind.class);
        for (var e : LOAD_SOURCES.entrySet()) loads.put(e.getKey(), asLoad(e.getValue(), deriveLoadMix(e.getValue(), series)));
        Map<String, Double> peakToMean = new LinkedHashMap<>();
        series.forEach((stem, s) -> peakToMean.put(stem, s.max() / s.mean()));
        return new ProfileParameters(pv, wind, Map.copyOf(loads), peakToMean);
    }

    public static String headline(ProfileParameters p) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(java.util.Locale.ROOT, "PV capacity factor %.4f, wind capacity factor %.4f (%d covered days)%n",
                p.pv().capacityFactor(), p.wind().capacityFactor(), p.wind().coveredDays()));
        p.sourcePeakToMean().forEach((k, v) -> sb.append(String.format(java.util.Locale.ROOT,
                "  %-14s peak/mean %.3f%n", k, v)));
        return sb.toString();
    }

    // ---- PV --------------------------------------------------------------------------------------

    static ProfileParameters.Pv derivePv(TimeSeries15 solar) {
        if (!solar.isFullYear()) throw new IllegalArgumentException("PV derivation needs a full year: " + solar);
        int year = solar.days().get(0).getYear();
        int days = SeriesSource.DAYS_PER_YEAR;
        double[][] x = new double[days][];
        int[] month = new int[days];
        for (int d = 0; d < days; d++) {
            LocalDate date = LocalDate.ofYearDay(year, d + 1);
            x[d] = solar.dayAt(date, LOCAL);
            month[d] = date.getMonthValue() - 1;
        }
        double[] sunrise = new double[12], sunset = new double[12], peak = new double[12], exponent = new double[12];
        double[][] clearnessQuantiles = new double[12][];
        double[] noiseStd = new double[12];
        double[] clearness = new double[days];
        double[] clearnessScore = new double[days];
        double[][] envelopes = new double[12][96];
        for (int m = 0; m < 12; m++) {
            List<Integer> monthDays = daysOfMonth(month, m);
            double[] p90 = new double[96];
            for (int k = 0; k < 96; k++) {
                double[] slot = new double[monthDays.size()];
                for (int i = 0; i < slot.length; i++) slot[i] = x[monthDays.get(i)][k];
                p90[k] = quantile(slot, CLEAR_SKY_PERCENTILE);
            }
            double[] fit = fitEnvelope(p90);
            sunrise[m] = fit[0];
            sunset[m] = fit[1];
            peak[m] = fit[2];
            exponent[m] = fit[3];
            for (int k = 0; k < 96; k++) envelopes[m][k] = Stats.envelope(Stats.stepCentreHour(k), fit[0], fit[1], fit[2], fit[3]);
            double envelopeEnergy = sum(envelopes[m]);
            double[] c = new double[monthDays.size()];
            for (int i = 0; i < c.length; i++) {
                c[i] = sum(x[monthDays.get(i)]) / envelopeEnergy;
                clearness[monthDays.get(i)] = c[i];
            }
            clearnessQuantiles[m] = Stats.quantiles(c, ProfileParameters.CLEARNESS_QUANTILES);
            double[] z = Stats.normalScores(c);
            for (int i = 0; i < c.length; i++) clearnessScore[monthDays.get(i)] = z[i];
        }
        // Intra-day noise: log ratio of value to (clearness · envelope), centred per month.
        double sumAB = 0, sumAA = 0, sumBB = 0;
        for (int m = 0; m < 12; m++) {
            List<Double> logs = new ArrayList<>();
            for (int d : daysOfMonth(month, m)) {
                for (int k = 0; k < 96; k++) {
                    double r = noiseLog(x[d], clearness[d], envelopes[m], peak[m], k);
                    if (!Double.isNaN(r)) logs.add(r);
                }
            }
            double[] a = logs.stream().mapToDouble(Double::doubleValue).toArray();
            double mean = Stats.mean(a);
            noiseStd[m] = Stats.std(a);
            for (int d : daysOfMonth(month, m)) {
                for (int k = 0; k + 1 < 96; k++) {
                    double r0 = noiseLog(x[d], clearness[d], envelopes[m], peak[m], k);
                    double r1 = noiseLog(x[d], clearness[d], envelopes[m], peak[m], k + 1);
                    if (Double.isNaN(r0) || Double.isNaN(r1)) continue;
                    sumAB += (r0 - mean) * (r1 - mean);
                    sumAA += (r0 - mean) * (r0 - mean);
                    sumBB += (r1 - mean) * (r1 - mean);
                }
            }
        }
        double noiseLag1 = Stats.correlationOfCentredPairs(sumAB, sumAA, sumBB);
        double cAB = 0, cAA = 0, cBB = 0;
        for (int d = 0; d + 1 < days; d++) {
            cAB += clearnessScore[d] * clearnessScore[d + 1];
            cAA += clearnessScore[d] * clearnessScore[d];
            cBB += clearnessScore[d + 1] * clearnessScore[d + 1];
        }
        double cf = 0;
        for (double[] day : x) cf += sum(day);
        cf /= days * 96.0;
        return new ProfileParameters.Pv(sunrise, sunset, peak, exponent, clearnessQuantiles,
                Stats.correlationOfCentredPairs(cAB, cAA, cBB), noiseStd, noiseLag1, cf);
    }

    private static double noiseLog(double[] day, double clearness, double[] envelope, double peak, int k) {
        if (envelope[k] < NOISE_MIN_ENVELOPE_FRACTION * peak || clearness < 0.05 || day[k] <= 0) return Double.NaN;
        return Math.log(day[k] / (clearness * envelope[k]));
    }

    /**
     * Least-squares fit of (sunrise, sunset, peak, exponent) to a clear-sky profile: coarse grid, then a
     * fine grid around the best point; the peak has a closed form for each shape.
     */
    static double[] fitEnvelope(double[] target) {
        double[] best = {0, 0, 0, 0, Double.POSITIVE_INFINITY};
        grid(target, best, 3.0, 11.0, 13.0, 23.0, 0.25, 0.5, 3.0, 0.1);
        double sr = best[0], ss = best[1], ex = best[3];
        grid(target, best, sr - 0.25, sr + 0.25, ss - 0.25, ss + 0.25, 0.025, Math.max(0.3, ex - 0.1), ex + 0.1, 0.01);
        return new double[] {best[0], best[1], best[2], best[3]};
    }

    private static void grid(double[] target, double[] best, double sr0, double sr1, double ss0, double ss1,
                             double step, double ex0, double ex1, double exStep) {
        double[] shape = new double[96];
        int nSr = (int) Math.round((sr1 - sr0) / step), nSs = (int) Math.round((ss1 - ss0) / step);
        int nEx = (int) Math.round((ex1 - ex0) / exStep);
        for (int i = 0; i <= nSr; i++) {
            double sr = sr0 + i * step;
            for (int j = 0; j <= nSs; j++) {
                double ss = ss0 + j * step;
                for (int e = 0; e <= nEx; e++) {
                    double ex = ex0 + e * exStep;
                    double st = 0, s2 = 0;
                    for (int k = 0; k < 96; k++) {
                        shape[k] = Stats.envelope(Stats.stepCentreHour(k), sr, ss, 1, ex);
                        st += shape[k] * target[k];
                        s2 += shape[k] * shape[k];
                    }
                    if (s2 == 0) continue;
                    double peak = st / s2;
                    double sse = 0;
                    for (int k = 0; k < 96; k++) sse += (target[k] - peak * shape[k]) * (target[k] - peak * shape[k]);
                    if (sse < best[4]) {
                        best[0] = sr;
                        best[1] = ss;
                        best[2] = peak;
                        best[3] = ex;
                        best[4] = sse;
                    }
                }
            }
        }
    }

    // ---- wind ------------------------------------------------------------------------------------

    static ProfileParameters.Wind deriveWind(TimeSeries15 wind) {
        double[] v = wind.values();
        double[] z = Stats.normalScores(v);
        double sumAB = 0, sumAA = 0, sumBB = 0;
        List<LocalDate> days = wind.days();
        for (int i = 0; i + 1 < v.length; i++) {
            int d0 = i / 96, d1 = (i + 1) / 96;
            if (d0 != d1 && !days.get(d1).equals(days.get(d0).plusDays(1))) continue; // across a coverage gap
            sumAB += z[i] * z[i + 1];
            sumAA += z[i] * z[i];
            sumBB += z[i + 1] * z[i + 1];
        }
        int shiftSteps = (LOCAL.getTotalSeconds() - wind.offset().getTotalSeconds()) / 900;
        double[] hourSum = new double[24];
        int[] hourCount = new int[24];
        for (int i = 0; i < v.length; i++) {
            int hour = Math.floorMod(i % 96 + shiftSteps, 96) / 4;
            hourSum[hour] += v[i];
            hourCount[hour]++;
        }
        double mean = Stats.mean(v);
        double[] diurnal = new double[24];
        for (int h = 0; h < 24; h++) diurnal[h] = hourSum[h] / hourCount[h] / mean;
        return new ProfileParameters.Wind(Stats.quantiles(v, ProfileParameters.WIND_QUANTILES),
                Stats.correlationOfCentredPairs(sumAB, sumAA, sumBB), diurnal, mean, wind.dayCount());
    }

    // ---- loads -----------------------------------------------------------------------------------

    /** Figures of one load series (a source or a type's mix); noise quantiles off-peak and at peak steps. */
    record SourceFigures(double[][][] meanShape, double[] dailyFactorQuantiles, double dailyLag1,
                         double[] noiseFactorQuantiles, double noiseLag1, double[] peakNoiseFactorQuantiles,
                         double peakToMean) {}

    /**
     * Figures of a type's real mix as {@link RealSeriesProfiles} builds it: day d of {@link DataSplit#YEAR}
     * is the weighted sum of each source's same-weekday day of its own year.
     */
    static SourceFigures deriveLoadMix(Map<String, Double> weights, Map<String, TimeSeries15> series) {
        int n = SeriesSource.DAYS_PER_YEAR;
        double[][] x = new double[n][96];
        int[] group = new int[n];
        for (int d = 0; d < n; d++) {
            group[d] = groupOf(DataSplit.date(d));
            for (var e : weights.entrySet()) {
                TimeSeries15 s = series.get(e.getKey());
                double[] v = s.dayAt(RealSeriesProfiles.sameWeekdayInSourceYear(s, d), LOCAL);
                for (int k = 0; k < 96; k++) x[d][k] += e.getValue() * v[k];
            }
        }
        double max = 0, total = 0;
        for (double[] day : x) for (double v : day) { max = Math.max(max, v); total += v; }
        return loadFigures(String.join("+", weights.keySet()), x, group, max / (total / (n * 96.0)));
    }

    private static SourceFigures loadFigures(String name, double[][] x, int[] group, double peakToMean) {
        int n = x.length;
        // Mean day per group at full 15-minute resolution: an hourly shape interpolated to 15 minutes
        // misses sharp steps (G1 opens at 08:00), and that error would be counted as noise below.
        double[][][] meanShape = new double[4][3][96];
        int[] count = new int[12];
        for (int d = 0; d < n; d++) {
            double[] m = meanShape[group[d] / 3][group[d] % 3];
            for (int k = 0; k < 96; k++) m[k] += x[d][k];
            count[group[d]]++;
        }
        double[][] shape96 = new double[12][];
        for (int g = 0; g < 12; g++) {
            double[] m = meanShape[g / 3][g % 3];
            if (count[g] == 0) throw new IllegalArgumentException(name + ": no day of season/day type group " + g);
            for (int k = 0; k < 96; k++) m[k] /= count[g];
            shape96[g] = m;
        }
        double[] logFactor = new double[n];
        for (int d = 0; d < n; d++) logFactor[d] = Math.log(sum(x[d]) / sum(shape96[group[d]]));
        double lfMean = Stats.mean(logFactor);
        double fAB = 0, fAA = 0, fBB = 0;
        for (int d = 0; d + 1 < n; d++) {
            double a = logFactor[d] - lfMean, b = logFactor[d + 1] - lfMean;
            fAB += a * b;
            fAA += a * a;
            fBB += b * b;
        }
        // Intra-day noise on typical days only: on holidays and shutdowns (extreme day factors) the
        // day's shape is not its group's (a holiday weekday looks like a Sunday), and the ratio to the
        // scaled weekday shape (up to ~5 at night for G1) would be drawn at any step, peaks included.
        // Those days are represented by the day factor alone.
        double lowFactor = quantile(logFactor, NOISE_TYPICAL_DAY_TRIM);
        double highFactor = quantile(logFactor, 1 - NOISE_TYPICAL_DAY_TRIM);
        List<Double> logs = new ArrayList<>();
        List<Double> offPeak = new ArrayList<>(), atPeak = new ArrayList<>();
        boolean[][] peak = new boolean[12][];
        for (int g = 0; g < 12; g++) peak[g] = ProfileParameters.peakSteps(shape96[g]);
        double[][] r = new double[n][96];
        for (int d = 0; d < n; d++) {
            double f = Math.exp(logFactor[d]);
            if (logFactor[d] < lowFactor || logFactor[d] > highFactor) {
                java.util.Arrays.fill(r[d], Double.NaN);
                continue;
            }
            for (int k = 0; k < 96; k++) {
                double expected = shape96[group[d]][k] * f;
                r[d][k] = x[d][k] > 0 && expected > 0 ? Math.log(x[d][k] / expected) : Double.NaN;
                if (!Double.isNaN(r[d][k])) {
                    logs.add(r[d][k]);
                    (peak[group[d]][k] ? atPeak : offPeak).add(x[d][k] / expected);
                }
            }
        }
        double[] all = logs.stream().mapToDouble(Double::doubleValue).toArray();
        double rMean = Stats.mean(all);
        double[] factors = new double[n];
        for (int d = 0; d < n; d++) factors[d] = Math.exp(logFactor[d]);
        double nAB = 0, nAA = 0, nBB = 0;
        for (int d = 0; d < n; d++) {
            for (int k = 0; k + 1 < 96; k++) {
                if (Double.isNaN(r[d][k]) || Double.isNaN(r[d][k + 1])) continue;
                double a = r[d][k] - rMean, b = r[d][k + 1] - rMean;
                nAB += a * b;
                nAA += a * a;
                nBB += b * b;
            }
        }
        int q = ProfileParameters.LOAD_FACTOR_QUANTILES;
        return new SourceFigures(meanShape, trimmedQuantiles(factors, q), Stats.correlationOfCentredPairs(fAB, fAA, fBB),
                noiseQuantiles(toArray(offPeak), q), Stats.correlationOfCentredPairs(nAB, nAA, nBB),
                noiseQuantiles(toArray(atPeak), q), peakToMean);
    }

    /** season · 3 + day type. */
    static int groupOf(LocalDate date) {
        return ProfileParameters.Season.of(date.getMonth()).ordinal() * 3
                + ProfileParameters.DayType.of(date.getDayOfWeek()).ordinal();
    }

    static ProfileParameters.Load asLoad(Map<String, Double> weights, SourceFigures f) {
        return new ProfileParameters.Load(List.copyOf(weights.keySet()), f.meanShape(), f.dailyFactorQuantiles(),
                f.dailyLag1(), f.noiseFactorQuantiles(), f.noiseLag1(), f.peakNoiseFactorQuantiles());
    }

    private static Map<LoadKind, Map<String, Double>> loadSources() {
        Map<LoadKind, Map<String, Double>> m = new EnumMap<>(LoadKind.class);
        m.put(LoadKind.RESIDENTIAL, ordered("LP_W_EFH", 1 / 2.0, "LP_W_MFH_m", 1 / 2.0));
        m.put(LoadKind.COMMERCIAL, ordered("LP_G0", 1 / 3.0, "LP_G1", 1 / 3.0, "LP_O_Buero_m", 1 / 3.0));
        m.put(LoadKind.INDUSTRIAL, ordered("LP_G_MV", 1 / 2.0, "LP_G_G", 1 / 2.0));
        m.put(LoadKind.RURAL, ordered("LP_L0", 1.0));
        Map<String, Double> hub = new LinkedHashMap<>();
        for (LoadKind k : List.of(LoadKind.RESIDENTIAL, LoadKind.COMMERCIAL, LoadKind.INDUSTRIAL)) {
            m.get(k).forEach((stem, w) -> hub.put(stem, w / 3.0));
        }
        m.put(LoadKind.ENERGY_HUB, java.util.Collections.unmodifiableMap(hub));
        return java.util.Collections.unmodifiableMap(m);
    }

    private static Map<String, Double> ordered(Object... stemWeight) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < stemWeight.length; i += 2) m.put((String) stemWeight[i], (Double) stemWeight[i + 1]);
        return java.util.Collections.unmodifiableMap(m);
    }

    // ---- small helpers ---------------------------------------------------------------------------

    /**
     * Quantiles at equally spaced levels, except that the end points are the 1st and 99th percentiles:
     * a linear quantile function running up to a single extreme value (one household's kettle spike)
     * would put far too much mass in the tail.
     */
    static double[] trimmedQuantiles(double[] values, int count) {
        double[] q = Stats.quantiles(values, count);
        q[0] = quantile(values, ProfileParameters.LOAD_FACTOR_TAIL);
        q[count - 1] = quantile(values, 1 - ProfileParameters.LOAD_FACTOR_TAIL);
        return q;
    }

    /**
     * Noise quantiles: as {@link #trimmedQuantiles} but the top level holds the
     * {@value #NOISE_UPPER_TAIL}-from-the-top percentile, so that rare appliance spikes of a household
     * (which set the annual peak of a residential mix) are kept.
     */
    static double[] noiseQuantiles(double[] values, int count) {
        double[] q = trimmedQuantiles(values, count);
        q[count - 1] = quantile(values, 1 - NOISE_UPPER_TAIL);
        return q;
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static List<Integer> daysOfMonth(int[] month, int m) {
        List<Integer> out = new ArrayList<>();
        for (int d = 0; d < month.length; d++) if (month[d] == m) out.add(d);
        return out;
    }

    private static double quantile(double[] values, double level) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return Stats.quantileOfSorted(sorted, level);
    }

    private static double sum(double[] a) {
        double s = 0;
        for (double v : a) s += v;
        return s;
    }
}
