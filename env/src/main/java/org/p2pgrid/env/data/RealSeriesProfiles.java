package org.p2pgrid.env.data;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Real series in place of the generator: PV from the Elia solar file, wind from the Elia wind file
 * (only where covered: other days fail with the covered spans in the message), loads per type as
 * weighted mixes of load-profile files. Every stream sees the same series (there is one measurement).
 *
 * <p>Day d is the date of {@link DataSplit#YEAR}; values are taken on the local standard time axis
 * UTC+01:00. Elia series (UTC) are shifted by one hour; a full-year series wraps at the year end.
 * PV and wind are looked up by month and day (the covering year preferred equal to
 * {@link DataSplit#YEAR}). Load profiles come from other years (2015–2019), so the source day is the
 * same day of year moved by at most 3 days (6 at the year's ends) to the same weekday.
 */
public final class RealSeriesProfiles implements SeriesSource {

    /** One load-profile series with its weight in a type's mix. */
    public record Mix(TimeSeries15 series, double weight) {}

    private final TimeSeries15 pv;
    private final TimeSeries15 wind;
    private final Map<LoadKind, List<Mix>> loads;
    private final double feederPeak;

    /**
     * @param pv per-unit PV series (e.g. {@link EliaSolarCsv#read})
     * @param wind per-unit wind series (e.g. {@link EliaWindCsv#read}), or null when none is available
     * @param loads per type, the W/MWh series and weights (weights sum to 1); RESIDENTIAL and COMMERCIAL
     *     are required for the feeder background load
     */
    public RealSeriesProfiles(TimeSeries15 pv, TimeSeries15 wind, Map<LoadKind, List<Mix>> loads) {
        this.pv = pv;
        this.wind = wind;
        this.loads = new EnumMap<>(LoadKind.class);
        loads.forEach((k, v) -> {
            double total = v.stream().mapToDouble(Mix::weight).sum();
            if (v.isEmpty() || Math.abs(total - 1) > 1e-6) {
                throw new IllegalArgumentException("load mix of " + k.configName() + " must have weights summing to 1, got " + total);
            }
            this.loads.put(k, List.copyOf(v));
        });
        this.loads.values().forEach(list -> list.forEach(m -> {
            if (!m.series().isFullYear() || m.series().dayCount() != DAYS_PER_YEAR) {
                throw new IllegalArgumentException("load series must cover one 365-day year: " + m.series());
            }
        }));
        for (LoadKind k : List.of(LoadKind.RESIDENTIAL, LoadKind.COMMERCIAL)) {
            if (!this.loads.containsKey(k)) throw new IllegalArgumentException("real series: no load profile for " + k.configName());
        }
        double peak = 0;
        for (int d = 0; d < DAYS_PER_YEAR; d++) for (double v : feederMix(d)) peak = Math.max(peak, v);
        this.feederPeak = peak;
    }

    /**
     * All real series of the shared data folder ({@code ../shared/data}), with the type mixes of
     * {@link DeriveProfileParameters#LOAD_SOURCES}.
     */
    public static RealSeriesProfiles fromSharedData(Path dataDir) throws IOException {
        TimeSeries15 pv = EliaSolarCsv.read(dataDir.resolve(DeriveProfileParameters.SOLAR_FILE));
        TimeSeries15 wind = EliaWindCsv.read(dataDir.resolve(DeriveProfileParameters.WIND_FILE));
        Map<String, TimeSeries15> files = new java.util.HashMap<>();
        Map<LoadKind, List<Mix>> loads = new EnumMap<>(LoadKind.class);
        for (var e : DeriveProfileParameters.LOAD_SOURCES.entrySet()) {
            List<Mix> mix = new ArrayList<>();
            for (var s : e.getValue().entrySet()) {
                TimeSeries15 series = files.get(s.getKey());
                if (series == null) {
                    series = LoadProfileCsv.read(dataDir.resolve("load").resolve(s.getKey() + ".csv"));
                    files.put(s.getKey(), series);
                }
                mix.add(new Mix(series, s.getValue()));
            }
            loads.put(e.getKey(), mix);
        }
        return new RealSeriesProfiles(pv, wind, loads);
    }

    @Override
    public double[] pv(int dayOfYear, int stream) {
        return clamp01(byMonthDay(pv, dayOfYear, "PV"));
    }

    @Override
    public double[] wind(int dayOfYear, int stream) {
        if (wind == null) throw new IllegalStateException("no real wind series configured");
        return clamp01(byMonthDay(wind, dayOfYear, "wind"));
    }

    /** Whether {@link #wind} has data for this day. */
    public boolean windCovers(int dayOfYear) {
        if (wind == null) return false;
        try {
            byMonthDay(wind, dayOfYear, "wind");
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public double[] load(LoadKind kind, int dayOfYear, int stream) {
        SeriesSource.checkDay(dayOfYear);
        List<Mix> mix = loads.get(kind);
        if (mix == null) throw new IllegalArgumentException("real series: no load profile for " + kind.configName());
        double[] out = new double[STEPS_PER_DAY];
        for (Mix m : mix) {
            double[] v = m.series().dayAt(sameWeekdayInSourceYear(m.series(), dayOfYear), DeriveProfileParameters.LOCAL);
            for (int k = 0; k < STEPS_PER_DAY; k++) out[k] += m.weight() * v[k];
        }
        return out;
    }

    @Override
    public double[] feederLoadFactor(int dayOfYear) {
        double[] mix = feederMix(dayOfYear);
        for (int k = 0; k < STEPS_PER_DAY; k++) mix[k] /= feederPeak;
        return mix;
    }

    private double[] feederMix(int dayOfYear) {
        double[] res = load(LoadKind.RESIDENTIAL, dayOfYear, 0);
        double[] com = load(LoadKind.COMMERCIAL, dayOfYear, 0);
        double[] out = new double[STEPS_PER_DAY];
        double share = ProfileGenerator.FEEDER_RESIDENTIAL_SHARE;
        for (int k = 0; k < STEPS_PER_DAY; k++) out[k] = share * res[k] + (1 - share) * com[k];
        return out;
    }

    private static double[] byMonthDay(TimeSeries15 series, int dayOfYear, String what) {
        LocalDate target = DataSplit.date(dayOfYear);
        TreeSet<Integer> years = new TreeSet<>();
        series.days().forEach(d -> years.add(d.getYear()));
        List<Integer> order = new ArrayList<>();
        if (years.remove(DataSplit.YEAR)) order.add(DataSplit.YEAR);
        order.addAll(years);
        for (int year : order) {
            LocalDate date = LocalDate.of(year, target.getMonth(), target.getDayOfMonth());
            try {
                return series.dayAt(date, DeriveProfileParameters.LOCAL);
            } catch (IllegalArgumentException notCovered) {
                // try the next year
            }
        }
        throw new IllegalArgumentException("real " + what + " series '" + series.name() + "' does not cover day "
                + dayOfYear + " (" + target.getMonth() + " " + target.getDayOfMonth()
                + ") on the UTC+01:00 axis in any of its years; it covers " + series.spans() + " in " + series.offset());
    }

    /** Same day of year in the series' (full) year, moved by −3..+3 days (−6..+6 at the ends) to the weekday of the target date. */
    static LocalDate sameWeekdayInSourceYear(TimeSeries15 series, int dayOfYear) {
        int year = series.days().get(0).getYear();
        LocalDate target = DataSplit.date(dayOfYear);
        LocalDate base = LocalDate.ofYearDay(year, dayOfYear + 1);
        int shift = Math.floorMod(target.getDayOfWeek().getValue() - base.getDayOfWeek().getValue(), 7);
        if (shift > 3) shift -= 7;
        // At the year's ends move the other way (up to 6 days) rather than leave the source year.
        if (dayOfYear + shift < 0) shift += 7;
        if (dayOfYear + shift >= series.dayCount()) shift -= 7;
        return series.days().get(dayOfYear + shift);
    }

    private static double[] clamp01(double[] v) {
        for (int k = 0; k < v.length; k++) v[k] = Math.max(0, Math.min(1, v[k]));
        return v;
    }
}
