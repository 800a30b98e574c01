package org.p2pgrid.env.data;

/**
 * Where the environment gets a day's profiles: the built-in {@link ProfileGenerator} or real series
 * ({@link RealSeriesProfiles}). Days are 0..364 of {@link DataSplit#YEAR}; each result has 96 values,
 * step k covering [k·15 min, (k+1)·15 min) in local standard time (UTC+01:00, no DST). Results are
 * fresh arrays (callers may modify them) and depend only on (day, stream), never on call order, so
 * many worlds may ask concurrently.
 *
 * <p>{@code stream} identifies the consumer of the profile (e.g. the prosumer index): different
 * streams see correlated but not identical weather and load. Sources without per-stream variation
 * ignore it.
 */
public interface SeriesSource {
    int STEPS_PER_DAY = TimeSeries15.STEPS_PER_DAY;
    int DAYS_PER_YEAR = 365;

    /** PV availability, per unit of installed capacity, in [0, 1]; 0 at night. */
    double[] pv(int dayOfYear, int stream);

    /** Wind availability, per unit of installed capacity, in [0, 1]. */
    double[] wind(int dayOfYear, int stream);

    /** Load in W per MWh of annual energy (kW = value · E_annual[MWh] / 1000, see {@link LoadProfileCsv#kilowatts}); ≥ 0. */
    double[] load(LoadKind kind, int dayOfYear, int stream);

    /**
     * {@link #load} for every day of the year, {@code [day][step]}: the same values as 365 calls. Sources
     * override it when a year at once is much cheaper than 365 single days (start-up needs each
     * prosumer's largest load of the year).
     */
    default double[][] loadYear(LoadKind kind, int stream) {
        double[][] out = new double[DAYS_PER_YEAR][];
        for (int d = 0; d < DAYS_PER_YEAR; d++) {
            out[d] = load(kind, d, stream);
        }
        return out;
    }

    /** Background load of the non-prosumer buses, as a factor of the feeder's annual peak (≤ 1). */
    double[] feederLoadFactor(int dayOfYear);

    static void checkDay(int dayOfYear) {
        if (dayOfYear < 0 || dayOfYear >= DAYS_PER_YEAR) {
            throw new IllegalArgumentException("day of year " + dayOfYear + " outside 0.." + (DAYS_PER_YEAR - 1));
        }
    }
}
