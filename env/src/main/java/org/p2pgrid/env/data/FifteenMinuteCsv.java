package org.p2pgrid.env.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shared reading of the simple comma-separated 15-minute files (no quoting in any of them): header,
 * one row per interval start, first column a timestamp with offset. Every problem is a
 * {@link DataFileException} naming line, column and value.
 */
final class FifteenMinuteCsv {
    static final Duration STEP = Duration.ofMinutes(15);

    record Row(int line, OffsetDateTime time, String[] fields) {}

    final Path file;
    final String[] header;
    final List<Row> rows;

    private FifteenMinuteCsv(Path file, String[] header, List<Row> rows) {
        this.file = file;
        this.header = header;
        this.rows = rows;
    }

    static FifteenMinuteCsv read(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String headerLine = in.readLine();
            if (headerLine == null) throw DataFileException.ofFile(file, "empty file (no header)");
            if (headerLine.startsWith("\uFEFF")) headerLine = headerLine.substring(1);
            String[] header = headerLine.split(",", -1);
            List<Row> rows = new ArrayList<>(35_040);
            int lineNo = 1;
            for (String line; (line = in.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) continue;
                String[] fields = line.split(",", -1);
                if (fields.length != header.length) {
                    throw new DataFileException(file, lineNo, null, line,
                            "expected " + header.length + " comma-separated fields (as in the header), found " + fields.length);
                }
                rows.add(new Row(lineNo, parseTime(file, lineNo, header[0], fields[0]), fields));
            }
            if (rows.isEmpty()) throw DataFileException.ofFile(file, "no data rows after the header");
            return new FifteenMinuteCsv(file, header, rows);
        }
    }

    private static OffsetDateTime parseTime(Path file, int line, String column, String text) {
        try {
            // Elia uses ISO 'T', the load profiles a space; both carry an explicit offset.
            return OffsetDateTime.parse(text.trim().replace(' ', 'T'));
        } catch (DateTimeParseException e) {
            throw new DataFileException(file, line, column, text,
                    "unparsable timestamp (expected e.g. 2023-01-01T00:00:00+00:00 or 2019-01-01 00:00:00+01:00)");
        }
    }

    int column(String name) {
        int i = Arrays.asList(header).indexOf(name);
        if (i < 0) {
            throw new DataFileException(file, 1, name, null,
                    "required column missing from header " + Arrays.toString(header));
        }
        return i;
    }

    static boolean isMissing(String text) {
        String t = text.trim();
        return t.isEmpty() || t.equalsIgnoreCase("None") || t.equalsIgnoreCase("null");
    }

    /** A finite number; missing, unparsable, NaN and infinite values are errors. */
    double number(Row row, int column) {
        String text = row.fields()[column];
        if (isMissing(text)) {
            throw new DataFileException(file, row.line(), header[column], text, "missing value");
        }
        double v;
        try {
            v = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new DataFileException(file, row.line(), header[column], text, "unparsable number");
        }
        if (!Double.isFinite(v)) {
            throw new DataFileException(file, row.line(), header[column], text, "not a finite number (NaN or infinite)");
        }
        return v;
    }

    DataFileException error(Row row, int column, String problem) {
        return new DataFileException(file, row.line(), header[column], row.fields()[column], problem);
    }

    /**
     * Checks the time axis, taken on the first row's offset (later rows may use another offset, e.g.
     * summer time, if the instants fit): 15-minute steps, whole days starting at 00:00.
     * Gaps are allowed only between whole days, and only when {@code allowDayGaps}.
     *
     * @return the covered calendar days (in the file's offset), in order
     */
    List<LocalDate> wholeDays(boolean allowDayGaps) {
        ZoneOffset offset = rows.get(0).time().getOffset();
        List<LocalDate> days = new ArrayList<>();
        OffsetDateTime previous = null;
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            // Compare instants on the first row's offset: the load profiles switch to +02:00 for
            // summer time, yet their instants stay 15 minutes apart; the series is kept on the fixed offset.
            OffsetDateTime t = row.time().withOffsetSameInstant(offset);
            int stepOfDay = i % TimeSeries15.STEPS_PER_DAY;
            if (previous != null && !t.equals(previous.plus(STEP))) {
                boolean dayGap = stepOfDay == 0 && t.isAfter(previous) && t.toLocalTime().equals(LocalTime.MIDNIGHT);
                if (!(allowDayGaps && dayGap)) {
                    throw new DataFileException(file, row.line(), header[0], row.fields()[0],
                            "gap or disorder in the 15-minute time axis: previous row is " + previous
                                    + ", expected " + previous.plus(STEP)
                                    + (allowDayGaps ? " (gaps are allowed only between whole days)" : ""));
                }
            }
            if (stepOfDay == 0) {
                if (!t.toLocalTime().equals(LocalTime.MIDNIGHT)) {
                    throw new DataFileException(file, row.line(), header[0], row.fields()[0],
                            "a day must start at 00:00 with 96 rows of 15 minutes; this row starts a day at " + t.toLocalTime());
                }
                days.add(t.toLocalDate());
            }
            previous = t;
        }
        if (rows.size() % TimeSeries15.STEPS_PER_DAY != 0) {
            Row last = rows.get(rows.size() - 1);
            throw new DataFileException(file, last.line(), header[0], last.fields()[0],
                    "missing rows: the last day has " + rows.size() % TimeSeries15.STEPS_PER_DAY
                            + " of 96 fifteen-minute rows");
        }
        return days;
    }
}
