package org.p2pgrid.env.data;

import java.time.LocalDate;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The built-in default data: a seeded, deterministic year (365 days × 96 steps, {@link DataSplit#YEAR})
 * of PV and wind availability and per-type loads, shaped by figures derived from real series
 * ({@link ProfileParameters}, {@link DeriveProfileParameters}).
 *
 * <p>Models (all noise is Gaussian, mapped or exponentiated):
 * <ul>
 *   <li>PV: envelope(month, t) · clearness(day) · lognormal noise(t), clipped to [0, 1]. The envelope's
 *       sunrise, sunset, peak and exponent are interpolated between mid-months; daily clearness is the
 *       month's quantile function at Φ(score), the score an AR(1) over days; noise an AR(1) over 15-min
 *       steps.</li>
 *   <li>Wind: quantile function of the derived marginal at Φ(AR(1) latent at 15 minutes) times the
 *       diurnal factor, clipped to [0, 1]. No seasonal shape (the data cover Feb–Apr only).</li>
 *   <li>Load: 15-minute mean shape of (season, day type of the 2023 calendar) ·
 *       day factor (empirical quantiles at Φ(AR(1) over days)) · noise factor (empirical quantiles at
 *       Φ(AR(1) over steps), the peak-step quantiles at the shape's peak steps and the off-peak ones
 *       elsewhere, so relative noise measured at night does not inflate the peaks), each divided by
 *       its mean, scaled so that
 *       the expected year is exactly 1 MWh (values in W/MWh). Holidays are not modelled.</li>
 * </ul>
 * Streams (e.g. prosumer index) share a weather/daily component and add their own; the
 * {@code *_STREAM_CORRELATION} constants are model choices (the national Elia series cannot say how
 * alike two sites on one feeder are). Day-scale shared sequences are drawn once per generator and
 * rank-normalised so every seed reproduces the derived marginals; everything else comes from an
 * RNG seeded by (seed, channel, day, stream). Hence results depend only on (seed, day, stream),
 * never on call order, and the generator is immutable (apart from a memo of such pure results) and thread-safe.
 */
public final class ProfileGenerator implements SeriesSource {
    /** Correlation between two streams' daily PV clearness scores (same feeder, a few km apart). */
    public static final double PV_STREAM_CORRELATION = 0.9;
    /** Share of the intra-day PV noise variance common to all streams (shared cloud field). */
    public static final double PV_NOISE_SHARED_SHARE = 0.5;
    /** Correlation between two streams' wind latent processes. */
    public static final double WIND_STREAM_CORRELATION = 0.9;
    /** Correlation between two prosumers' daily load factors of the same type (common weather, calendar). */
    public static final double LOAD_STREAM_CORRELATION = 0.3;
    /** Feeder background load: residential share of the residential/commercial mix. */
    public static final double FEEDER_RESIDENTIAL_SHARE = 0.6;

    private static final int DAYS = SeriesSource.DAYS_PER_YEAR;
    private static final int STEPS = SeriesSource.STEPS_PER_DAY;
    private static final long SHARED_STREAM = Long.MIN_VALUE;

    private enum Channel { PV_DAY, PV_NOISE, WIND_LATENT, WIND_OWN, LOAD_DAY, LOAD_NOISE }

    private final ProfileParameters params;
    private final long seed;
    private final double[] pvDayScore;
    private final double[] windLatent;
    private final Map<LoadKind, double[]> loadDayScore = new EnumMap<>(LoadKind.class);
    /** [kind][season·3 + day type][step], already scaled to 1 MWh per expected year. */
    private final Map<LoadKind, double[][]> loadShape = new EnumMap<>(LoadKind.class);
    /** [kind][season·3 + day type][step]: peak steps of the shape (see {@link ProfileParameters#peakSteps}). */
    private final Map<LoadKind, boolean[][]> loadPeakSteps = new EnumMap<>(LoadKind.class);
    private final double feederPeak;
    /**
     * A stream's own year of daily scores (PV clearness, load per kind): a 365-step AR(1) rank-normalised
     * by a sort, the same array for every day of that stream. Memoised because a world's every episode
     * start asks for one day of each prosumer, and those sorts were ~10 % of a hidden-256 rollout's CPU
     * time (~25 % at hidden 32, RESULTS "Actor runtime", session 5). Pure functions of (seed, kind,
     * stream), so memoising changes no value; the arrays are never written after they are stored, and a
     * race only computes the same array twice. ~3 KB per stream and channel (6 MB at 1 000 prosumers).
     */
    private final Map<ScoreKey, double[]> ownDayScores = new ConcurrentHashMap<>();

    private record ScoreKey(Channel channel, int sub, long stream) {}

    public ProfileGenerator(ProfileParameters params, long seed) {
        this.params = params;
        this.seed = seed;
        this.pvDayScore = Stats.normalScores(ar1(rng(Channel.PV_DAY, -1, SHARED_STREAM, 0), params.pv().clearnessLag1(), DAYS));
        this.windLatent = Stats.normalScores(ar1(rng(Channel.WIND_LATENT, -1, SHARED_STREAM, 0),
                params.wind().latentLag1(), DAYS * STEPS));
        for (LoadKind kind : LoadKind.values()) {
            ProfileParameters.Load load = params.loads().get(kind);
            loadDayScore.put(kind, Stats.normalScores(ar1(rng(Channel.LOAD_DAY, -1, SHARED_STREAM, kind.ordinal()),
                    load.dailyLag1(), DAYS)));
            double[][] shapes = new double[12][];
            for (int g = 0; g < 12; g++) shapes[g] = load.meanShape()[g / 3][g % 3].clone();
            double expectedWh = 0;
            for (int d = 0; d < DAYS; d++) {
                for (double v : shapes[group(d)]) expectedWh += v * 0.25;
            }
            double scale = 1e6 / expectedWh;
            for (double[] s : shapes) for (int k = 0; k < STEPS; k++) s[k] *= scale;
            loadShape.put(kind, shapes);
            boolean[][] peaks = new boolean[12][];
            for (int g = 0; g < 12; g++) peaks[g] = ProfileParameters.peakSteps(shapes[g]);
            loadPeakSteps.put(kind, peaks);
        }
        double peak = 0;
        for (int d = 0; d < DAYS; d++) for (double v : feederMix(d)) peak = Math.max(peak, v);
        this.feederPeak = peak;
    }

    /** Generator on the committed default parameters. */
    public static ProfileGenerator withDefaults(long seed) {
        return new ProfileGenerator(ProfileParameters.loadDefault(), seed);
    }

    public ProfileParameters params() { return params; }

    public long seed() { return seed; }

    @Override
    public double[] pv(int dayOfYear, int stream) {
        SeriesSource.checkDay(dayOfYear);
        ProfileParameters.Pv p = params.pv();
        LocalDate date = DataSplit.date(dayOfYear);
        int m = date.getMonthValue() - 1;
        double[] env = envelope(dayOfYear);
        double[] own = ownDayScores.computeIfAbsent(new ScoreKey(Channel.PV_DAY, 0, stream),
                key -> Stats.normalScores(ar1(rng(Channel.PV_DAY, -1, stream, 0), p.clearnessLag1(), DAYS)));
        double score = Math.sqrt(PV_STREAM_CORRELATION) * pvDayScore[dayOfYear]
                + Math.sqrt(1 - PV_STREAM_CORRELATION) * own[dayOfYear];
        double clearness = Math.max(0, Stats.fromQuantiles(p.clearnessQuantiles()[m], Stats.normalCdf(score)));
        double[] shared = ar1(rng(Channel.PV_NOISE, dayOfYear, SHARED_STREAM, 0), p.noiseLag1(), STEPS);
        double[] mine = ar1(rng(Channel.PV_NOISE, dayOfYear, stream, 0), p.noiseLag1(), STEPS);
        double sigma = p.noiseLogStd()[m];
        double[] out = new double[STEPS];
        for (int k = 0; k < STEPS; k++) {
            double n = Math.sqrt(PV_NOISE_SHARED_SHARE) * shared[k] + Math.sqrt(1 - PV_NOISE_SHARED_SHARE) * mine[k];
            out[k] = clamp01(env[k] * clearness * Math.exp(sigma * n - sigma * sigma / 2));
        }
        return out;
    }

    @Override
    public double[] wind(int dayOfYear, int stream) {
        SeriesSource.checkDay(dayOfYear);
        ProfileParameters.Wind w = params.wind();
        double[] own = ar1(rng(Channel.WIND_OWN, dayOfYear, stream, 0), w.latentLag1(), STEPS);
        double[] out = new double[STEPS];
        for (int k = 0; k < STEPS; k++) {
            double z = Math.sqrt(WIND_STREAM_CORRELATION) * windLatent[dayOfYear * STEPS + k]
                    + Math.sqrt(1 - WIND_STREAM_CORRELATION) * own[k];
            out[k] = clamp01(Stats.fromQuantiles(w.quantiles(), Stats.normalCdf(z)) * w.diurnalFactor()[k / 4]);
        }
        return out;
    }

    @Override
    public double[] load(LoadKind kind, int dayOfYear, int stream) {
        SeriesSource.checkDay(dayOfYear);
        return load(kind, dayOfYear, stream, ownLoadDayScores(kind, stream));
    }

    /**
     * The stream's daily load scores are a whole year's AR(1), rank-normalised (a sort of 365): drawn once
     * here instead of once per day, which made a year of loads ~365× that sort per prosumer.
     */
    @Override
    public double[][] loadYear(LoadKind kind, int stream) {
        double[] own = ownLoadDayScores(kind, stream);
        double[][] out = new double[DAYS][];
        for (int d = 0; d < DAYS; d++) {
            out[d] = load(kind, d, stream, own);
        }
        return out;
    }

    /** Memoised (see {@link #ownDayScores}); callers only read the array. */
    private double[] ownLoadDayScores(LoadKind kind, int stream) {
        return ownDayScores.computeIfAbsent(new ScoreKey(Channel.LOAD_DAY, kind.ordinal(), stream),
                key -> Stats.normalScores(ar1(rng(Channel.LOAD_DAY, -1, stream, kind.ordinal()),
                        params.loads().get(kind).dailyLag1(), DAYS)));
    }

    private double[] load(LoadKind kind, int dayOfYear, int stream, double[] own) {
        ProfileParameters.Load p = params.loads().get(kind);
        double g = Math.sqrt(LOAD_STREAM_CORRELATION) * loadDayScore.get(kind)[dayOfYear]
                + Math.sqrt(1 - LOAD_STREAM_CORRELATION) * own[dayOfYear];
        double[] dq = p.dailyFactorQuantiles(), nq = p.noiseFactorQuantiles(), pq = p.peakNoiseFactorQuantiles();
        double dayFactor = Stats.fromQuantiles(dq, Stats.normalCdf(g)) / quantileMean(dq);
        double[] noise = ar1(rng(Channel.LOAD_NOISE, dayOfYear, stream, kind.ordinal()), p.noiseLag1(), STEPS);
        double noiseMean = quantileMean(nq), peakNoiseMean = quantileMean(pq);
        double[] shape = loadShape.get(kind)[group(dayOfYear)];
        boolean[] peak = loadPeakSteps.get(kind)[group(dayOfYear)];
        double[] out = new double[STEPS];
        for (int k = 0; k < STEPS; k++) {
            double u = Stats.normalCdf(noise[k]);
            double factor = peak[k] ? Stats.fromQuantiles(pq, u) / peakNoiseMean : Stats.fromQuantiles(nq, u) / noiseMean;
            out[k] = shape[k] * dayFactor * factor;
        }
        return out;
    }

    /** Expected (noise-free) load shape of a type on a day, W/MWh. */
    public double[] expectedLoad(LoadKind kind, int dayOfYear) {
        SeriesSource.checkDay(dayOfYear);
        return loadShape.get(kind)[group(dayOfYear)].clone();
    }

    /**
     * Background load: {@value #FEEDER_RESIDENTIAL_SHARE} residential + rest commercial expected shapes
     * (aggregates of many consumers, hence no noise), divided by the year's peak so the peak is 1.
     */
    @Override
    public double[] feederLoadFactor(int dayOfYear) {
        SeriesSource.checkDay(dayOfYear);
        double[] mix = feederMix(dayOfYear);
        for (int k = 0; k < STEPS; k++) mix[k] /= feederPeak;
        return mix;
    }

    private double[] feederMix(int dayOfYear) {
        double[] res = loadShape.get(LoadKind.RESIDENTIAL)[group(dayOfYear)];
        double[] com = loadShape.get(LoadKind.COMMERCIAL)[group(dayOfYear)];
        double[] out = new double[STEPS];
        for (int k = 0; k < STEPS; k++) {
            out[k] = FEEDER_RESIDENTIAL_SHARE * res[k] + (1 - FEEDER_RESIDENTIAL_SHARE) * com[k];
        }
        return out;
    }

    /** PV envelope of a day: parameters interpolated linearly between the 15th of adjacent months. */
    private double[] envelope(int dayOfYear) {
        ProfileParameters.Pv p = params.pv();
        double monthPos = monthPosition(dayOfYear);
        int m0 = Math.floorMod((int) Math.floor(monthPos), 12);
        int m1 = (m0 + 1) % 12;
        double f = monthPos - Math.floor(monthPos);
        double sunrise = lerp(p.sunriseHour()[m0], p.sunriseHour()[m1], f);
        double sunset = lerp(p.sunsetHour()[m0], p.sunsetHour()[m1], f);
        double peak = lerp(p.peak()[m0], p.peak()[m1], f);
        double exponent = lerp(p.exponent()[m0], p.exponent()[m1], f);
        double[] out = new double[STEPS];
        for (int k = 0; k < STEPS; k++) out[k] = Stats.envelope(Stats.stepCentreHour(k), sunrise, sunset, peak, exponent);
        return out;
    }

    /** Month index (0 = January) as a continuous position whose integers fall on each month's 15th day. */
    private static double monthPosition(int dayOfYear) {
        LocalDate date = DataSplit.date(dayOfYear);
        int m = date.getMonthValue() - 1;
        double mid = 15;
        if (date.getDayOfMonth() >= mid) {
            return m + (date.getDayOfMonth() - mid) / date.lengthOfMonth();
        }
        int previousLength = date.minusMonths(1).lengthOfMonth();
        return m - 1 + (previousLength - mid + date.getDayOfMonth()) / previousLength;
    }

    private static int group(int dayOfYear) {
        return DeriveProfileParameters.groupOf(DataSplit.date(dayOfYear));
    }

    private SplittableRandom rng(Channel channel, int day, long stream, int sub) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        h = mix(h ^ channel.ordinal());
        h = mix(h ^ (day + 1L));
        h = mix(h ^ stream);
        h = mix(h ^ sub);
        return new SplittableRandom(h);
    }

    /** SplitMix64 finaliser: spreads every input bit over the output. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Stationary unit-variance AR(1) path of length n. */
    static double[] ar1(SplittableRandom r, double phi, int n) {
        double[] out = new double[n];
        double innovation = Math.sqrt(Math.max(0, 1 - phi * phi));
        out[0] = gaussian(r);
        for (int i = 1; i < n; i++) out[i] = phi * out[i - 1] + innovation * gaussian(r);
        return out;
    }

    /** Box–Muller on our own, so results do not depend on the JDK's nextGaussian implementation. */
    private static double gaussian(SplittableRandom r) {
        double u1 = 1.0 - r.nextDouble(); // (0, 1]
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Mean of the piecewise-linear quantile function (= mean of the variable when its level is uniform). */
    private static double quantileMean(double[] q) {
        double s = 0;
        for (int i = 0; i + 1 < q.length; i++) s += (q[i] + q[i + 1]) / 2;
        return s / (q.length - 1);
    }

    private static double clamp01(double v) {
        return v < 0 ? 0 : Math.min(1, v);
    }

    private static double lerp(double a, double b, double f) {
        return a + (b - a) * f;
    }
}
