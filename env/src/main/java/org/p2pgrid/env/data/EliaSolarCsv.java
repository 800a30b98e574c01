package org.p2pgrid.env.data;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the Elia solar CSV ({@code elia_solar_belgium_2023_15min.csv}: datetime_utc, measured_mw,
 * monitoredcapacity_mw, ...) into a per-unit PV series: measured_mw / monitoredcapacity_mw.
 *
 * <p>Elia's daily files lack one night value per day (~21:45 or 22:45 UTC, empty or "None"). Such a
 * value is read as 0 and counted ({@link TimeSeries15#missingTreatedAsZero()}) when it is the only
 * missing value of its day and both neighbouring values are 0 (so it is night). Any other missing
 * value is an error, as are gaps in the 15-minute axis, NaN, negative values, a non-positive
 * capacity, and measurements above capacity by more than {@value #OVER_CAPACITY_TOLERANCE} (small
 * excesses from Elia's upscaling are clipped to 1 and counted).
 */
public final class EliaSolarCsv {
    public static final String MEASURED = "measured_mw";
    public static final String CAPACITY = "monitoredcapacity_mw";
    /** Relative excess over capacity still read as capacity (upscaling noise); beyond it the row is wrong. */
    public static final double OVER_CAPACITY_TOLERANCE = 0.05;

    private EliaSolarCsv() {}

    public static TimeSeries15 read(Path file) throws IOException {
        FifteenMinuteCsv csv = FifteenMinuteCsv.read(file);
        int measured = csv.column(MEASURED);
        int capacity = csv.column(CAPACITY);
        List<LocalDate> days = csv.wholeDays(false);
        int n = csv.rows.size();
        double[] perUnit = new double[n];
        boolean[] missing = new boolean[n];
        int clipped = 0;
        for (int i = 0; i < n; i++) {
            FifteenMinuteCsv.Row row = csv.rows.get(i);
            double cap = csv.number(row, capacity);
            if (cap <= 0) throw csv.error(row, capacity, "capacity must be positive");
            if (FifteenMinuteCsv.isMissing(row.fields()[measured])) {
                missing[i] = true;
                continue;
            }
            double mw = csv.number(row, measured);
            if (mw < 0) throw csv.error(row, measured, "negative PV generation");
            double pu = mw / cap;
            if (pu > 1 + OVER_CAPACITY_TOLERANCE) {
                throw csv.error(row, measured, "exceeds the monitored capacity " + cap + " MW by more than "
                        + Math.round(OVER_CAPACITY_TOLERANCE * 100) + " %");
            }
            if (pu > 1) {
                pu = 1;
                clipped++;
            }
            perUnit[i] = pu;
        }
        int treatedAsZero = 0;
        Map<LocalDate, Integer> missingLineOfDay = new HashMap<>();
        for (int i = 0; i < n; i++) {
            if (!missing[i]) continue;
            FifteenMinuteCsv.Row row = csv.rows.get(i);
            LocalDate day = row.time().toLocalDate();
            Integer earlier = missingLineOfDay.putIfAbsent(day, row.line());
            if (earlier != null) {
                throw csv.error(row, measured, "missing value; only one (night) value per day may be missing, and "
                        + day + " already misses line " + earlier);
            }
            boolean previousIsNight = i == 0 || (!missing[i - 1] && perUnit[i - 1] == 0);
            boolean nextIsNight = i == n - 1 || (!missing[i + 1] && perUnit[i + 1] == 0);
            if (!(previousIsNight && nextIsNight)) {
                throw csv.error(row, measured, "missing value in daylight (a neighbouring value is not 0); only the"
                        + " documented single night value per day is read as 0");
            }
            treatedAsZero++;
        }
        return new TimeSeries15(fileStem(file), "p.u. of monitored capacity", csv.rows.get(0).time().getOffset(),
                days, perUnit, treatedAsZero, clipped);
    }

    static String fileStem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
