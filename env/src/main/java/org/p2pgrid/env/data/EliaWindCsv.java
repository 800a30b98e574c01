package org.p2pgrid.env.data;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

/**
 * Reads the Elia wind "_total" CSV (datetime_utc, measured_mw_sum, monitoredcapacity_mw_sum,
 * n_region_rows) into a per-unit wind series: measured_mw_sum / monitoredcapacity_mw_sum.
 *
 * <p>The stored snapshot covers only some days (2023-02-01..04-30 and 2025-02-01..02-28); gaps are
 * allowed between whole days and the returned series carries its covered days. Within a day every
 * value must be present. Idle turbines draw a little power, so small negative sums (down to
 * {@value #IDLE_CONSUMPTION_TOLERANCE} of capacity) are read as 0 and counted as clipped; larger
 * negatives, NaN, missing or unparsable values, a changing number of regions and measurements above
 * capacity by more than {@value EliaSolarCsv#OVER_CAPACITY_TOLERANCE} are errors.
 */
public final class EliaWindCsv {
    public static final String MEASURED = "measured_mw_sum";
    public static final String CAPACITY = "monitoredcapacity_mw_sum";
    public static final String REGION_ROWS = "n_region_rows";
    /** Largest negative output, as a fraction of capacity, still taken as idle self-consumption. */
    public static final double IDLE_CONSUMPTION_TOLERANCE = 0.01;

    private EliaWindCsv() {}

    public static TimeSeries15 read(Path file) throws IOException {
        FifteenMinuteCsv csv = FifteenMinuteCsv.read(file);
        int measured = csv.column(MEASURED);
        int capacity = csv.column(CAPACITY);
        List<LocalDate> days = csv.wholeDays(true);
        int regions = java.util.Arrays.asList(csv.header).indexOf(REGION_ROWS);
        double expectedRegions = regions < 0 ? Double.NaN : csv.number(csv.rows.get(0), regions);
        int n = csv.rows.size();
        double[] perUnit = new double[n];
        int clipped = 0;
        for (int i = 0; i < n; i++) {
            FifteenMinuteCsv.Row row = csv.rows.get(i);
            double cap = csv.number(row, capacity);
            if (cap <= 0) throw csv.error(row, capacity, "capacity must be positive");
            if (regions >= 0 && csv.number(row, regions) != expectedRegions) {
                throw csv.error(row, regions, "partial regional coverage: the first row sums "
                        + (long) expectedRegions + " region rows");
            }
            double pu = csv.number(row, measured) / cap;
            if (pu < -IDLE_CONSUMPTION_TOLERANCE) {
                throw csv.error(row, measured, "negative wind generation beyond idle self-consumption ("
                        + Math.round(IDLE_CONSUMPTION_TOLERANCE * 100) + " % of capacity " + cap + " MW)");
            }
            if (pu > 1 + EliaSolarCsv.OVER_CAPACITY_TOLERANCE) {
                throw csv.error(row, measured, "exceeds the monitored capacity " + cap + " MW by more than "
                        + Math.round(EliaSolarCsv.OVER_CAPACITY_TOLERANCE * 100) + " %");
            }
            if (pu < 0 || pu > 1) {
                pu = Math.min(1, Math.max(0, pu));
                clipped++;
            }
            perUnit[i] = pu;
        }
        return new TimeSeries15(EliaSolarCsv.fileStem(file), "p.u. of monitored capacity",
                csv.rows.get(0).time().getOffset(), days, perUnit, 0, clipped);
    }
}
