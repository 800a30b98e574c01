package org.p2pgrid.env.data;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

/**
 * Reads a 15-minute normalised load profile (header {@code datetime,<name> [W/MWh]}, 35,040 rows,
 * exactly one non-leap year from 1 January 00:00; rows may switch offset for summer time, the instants must stay 15 minutes apart and the series is kept on the first row's offset): values are average power in W for
 * an annual consumption of 1 MWh, so P[kW] = value · E_annual[MWh] / 1000 ({@link #kilowatts}).
 *
 * <p>Errors: wrong number of columns or rows, gaps, a year that is not one full calendar year,
 * missing/unparsable/NaN/negative values, and an annual sum far from 1 MWh (outside
 * {@value #MIN_ANNUAL_MWH}..{@value #MAX_ANNUAL_MWH}, which would mean a different normalisation).
 */
public final class LoadProfileCsv {
    public static final int ROWS = 35_040;
    public static final double MIN_ANNUAL_MWH = 0.9;
    public static final double MAX_ANNUAL_MWH = 1.1;

    private LoadProfileCsv() {}

    public static TimeSeries15 read(Path file) throws IOException {
        FifteenMinuteCsv csv = FifteenMinuteCsv.read(file);
        if (csv.header.length != 2) {
            throw new DataFileException(file, 1, null, String.join(",", csv.header),
                    "expected exactly two columns: datetime,<name> [W/MWh]");
        }
        if (csv.rows.size() != ROWS) {
            throw DataFileException.ofFile(file, "wrong length: " + csv.rows.size() + " data rows, expected "
                    + ROWS + " (one non-leap year of 15-minute values)");
        }
        List<LocalDate> days = csv.wholeDays(false);
        FifteenMinuteCsv.Row first = csv.rows.get(0);
        if (days.get(0).getDayOfYear() != 1 || days.get(days.size() - 1).getYear() != days.get(0).getYear()) {
            throw new DataFileException(file, first.line(), csv.header[0], first.fields()[0],
                    "the profile must cover exactly one calendar year from 1 January 00:00");
        }
        double[] values = new double[ROWS];
        double energyWh = 0;
        for (int i = 0; i < ROWS; i++) {
            FifteenMinuteCsv.Row row = csv.rows.get(i);
            double v = csv.number(row, 1);
            if (v < 0) throw csv.error(row, 1, "negative load");
            values[i] = v;
            energyWh += v * 0.25;
        }
        double mwh = energyWh / 1e6;
        if (mwh < MIN_ANNUAL_MWH || mwh > MAX_ANNUAL_MWH) {
            throw DataFileException.ofFile(file, String.format(java.util.Locale.ROOT,
                    "annual energy %.4f MWh: not a W/MWh profile normalised to 1 MWh per year", mwh));
        }
        return new TimeSeries15(EliaSolarCsv.fileStem(file), "W/MWh", first.time().getOffset(), days, values, 0, 0);
    }

    /** Power in kW of a W/MWh profile value for a consumer of {@code annualEnergyMWh} per year. */
    public static double kilowatts(double wPerMWh, double annualEnergyMWh) {
        return wPerMWh * annualEnergyMWh / 1000.0;
    }
}
