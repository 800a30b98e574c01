package org.p2pgrid.env.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loader behaviour on small synthetic files: what is tolerated, and that errors name line, column and value. */
class CsvLoadersTest {
    @TempDir
    Path dir;

    private static final String SOLAR_HEADER = "datetime_utc,measured_mw,monitoredcapacity_mw,loadfactor_pct";

    /** Rows of a solar file: {@code measured(i)} gives the measured_mw text of row i. */
    private Path solar(int days, IntFunction<String> measured, IntFunction<String> time) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(SOLAR_HEADER);
        for (int i = 0; i < days * 96; i++) lines.add(time.apply(i) + "," + measured.apply(i) + ",100.0,0");
        Path f = dir.resolve("solar.csv");
        Files.write(f, lines);
        return f;
    }

    private static String utc(int i) {
        return OffsetDateTime.of(2023, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).plusMinutes(15L * i).toString();
    }

    /** Daylight 08:00–16:00 UTC at 50 MW, else 0. */
    private static String dayShape(int i) {
        int k = i % 96;
        return k >= 32 && k < 64 ? "50.0" : "0.0";
    }

    @Test
    void solarReadsPerUnitAndTreatsTheNightGapAsZero() throws IOException {
        Path f = solar(2, i -> i % 96 == 91 ? "None" : i == 96 + 91 ? "" : dayShape(i), CsvLoadersTest::utc);
        TimeSeries15 s = EliaSolarCsv.read(f);
        assertEquals(2, s.dayCount());
        assertEquals(2, s.missingTreatedAsZero());
        assertEquals(0.5, s.value(40), 1e-12);
        assertEquals(0.0, s.value(91), 0.0);
        assertEquals(ZoneOffset.UTC, s.offset());
    }

    @Test
    void solarRejectsADaylightGap() throws IOException {
        Path f = solar(1, i -> i == 40 ? "None" : dayShape(i), CsvLoadersTest::utc);
        DataFileException e = assertThrows(DataFileException.class, () -> EliaSolarCsv.read(f));
        assertEquals(42, e.line());
        assertEquals("measured_mw", e.column());
        assertTrue(e.getMessage().contains("daylight"), e.getMessage());
    }

    @Test
    void solarRejectsASecondMissingValueInADay() throws IOException {
        Path f = solar(1, i -> i == 2 || i == 90 ? "" : dayShape(i), CsvLoadersTest::utc);
        DataFileException e = assertThrows(DataFileException.class, () -> EliaSolarCsv.read(f));
        assertEquals(92, e.line());
        assertTrue(e.getMessage().contains("only one"), e.getMessage());
    }

    @Test
    void solarRejectsNaNNegativeAndUnparsable() throws IOException {
        for (String bad : List.of("NaN", "-3.0", "12,5x")) {
            Path f = solar(1, i -> i == 50 ? bad.replace(",", "") : dayShape(i), CsvLoadersTest::utc);
            DataFileException e = assertThrows(DataFileException.class, () -> EliaSolarCsv.read(f), bad);
            assertEquals(52, e.line(), e.getMessage());
            assertEquals("measured_mw", e.column());
        }
    }

    @Test
    void solarRejectsGapsAndMissingRows() throws IOException {
        Path gap = solar(2, CsvLoadersTest::dayShape, i -> utc(i >= 100 ? i + 1 : i));
        DataFileException e = assertThrows(DataFileException.class, () -> EliaSolarCsv.read(gap));
        assertEquals(102, e.line());
        assertTrue(e.getMessage().contains("gap"), e.getMessage());

        List<String> lines = new ArrayList<>(Files.readAllLines(solar(1, CsvLoadersTest::dayShape, CsvLoadersTest::utc)));
        lines.remove(lines.size() - 1);
        Path shortDay = dir.resolve("short.csv");
        Files.write(shortDay, lines);
        DataFileException e2 = assertThrows(DataFileException.class, () -> EliaSolarCsv.read(shortDay));
        assertTrue(e2.getMessage().contains("95 of 96"), e2.getMessage());
    }

    @Test
    void solarRejectsAMissingColumn() throws IOException {
        Path f = dir.resolve("nocol.csv");
        Files.write(f, List.of("datetime_utc,measured_mw", utc(0) + ",0"));
        DataFileException e = assertThrows(DataFileException.class, () -> EliaSolarCsv.read(f));
        assertEquals("monitoredcapacity_mw", e.column());
    }

    @Test
    void windAllowsGapsBetweenWholeDaysAndClipsIdleConsumption() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("datetime_utc,measured_mw_sum,monitoredcapacity_mw_sum,n_region_rows");
        OffsetDateTime[] starts = {OffsetDateTime.of(2023, 2, 1, 0, 0, 0, 0, ZoneOffset.UTC),
                OffsetDateTime.of(2023, 2, 5, 0, 0, 0, 0, ZoneOffset.UTC)};
        for (OffsetDateTime start : starts) {
            for (int k = 0; k < 96; k++) lines.add(start.plusMinutes(15L * k) + "," + (k == 3 ? "-0.5" : "250") + ",1000,5");
        }
        Path f = dir.resolve("wind.csv");
        Files.write(f, lines);
        TimeSeries15 w = EliaWindCsv.read(f);
        assertEquals(List.of(LocalDate.of(2023, 2, 1), LocalDate.of(2023, 2, 5)), w.days());
        assertEquals(2, w.clippedValues());
        assertEquals(0.25, w.day(LocalDate.of(2023, 2, 5))[10], 1e-12);
        assertTrue(w.covers(LocalDate.of(2023, 2, 1)));
        IllegalArgumentException notCovered = assertThrows(IllegalArgumentException.class,
                () -> w.day(LocalDate.of(2023, 2, 2)));
        assertTrue(notCovered.getMessage().contains("2023-02-01..2023-02-01, 2023-02-05..2023-02-05"), notCovered.getMessage());
        // On UTC+01:00, 1 February needs the last hour of 31 January: not covered.
        assertThrows(IllegalArgumentException.class, () -> w.dayAt(LocalDate.of(2023, 2, 1), ZoneOffset.ofHours(1)));

        lines.set(50, lines.get(50).replace(",250,", ",-80,"));
        Files.write(f, lines);
        DataFileException e = assertThrows(DataFileException.class, () -> EliaWindCsv.read(f));
        assertEquals(51, e.line());
        assertTrue(e.getMessage().contains("negative"), e.getMessage());
    }

    private Path loadProfile(int rows, IntFunction<String> value) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("datetime,LP_TEST [W/MWh]");
        OffsetDateTime t = OffsetDateTime.of(2019, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHours(1));
        for (int i = 0; i < rows; i++) lines.add(t.plusMinutes(15L * i).toString().replace('T', ' ') + "," + value.apply(i));
        Path f = dir.resolve("LP_TEST.csv");
        Files.write(f, lines);
        return f;
    }

    @Test
    void loadProfileReadsAYearAndScalesToKilowatts() throws IOException {
        String mean = Double.toString(1e6 / 8760);
        TimeSeries15 s = LoadProfileCsv.read(loadProfile(35_040, i -> mean));
        assertEquals(365, s.dayCount());
        assertEquals("LP_TEST", s.name());
        assertEquals(1.0, s.mean() * 8760 / 1e6, 1e-9);
        // 114.155 W/MWh for a 5 MWh/year consumer = 0.571 kW
        assertEquals(5.0 / 8.76, LoadProfileCsv.kilowatts(s.value(0), 5.0), 1e-9);
    }

    @Test
    void loadProfileRejectsWrongLengthNegativeAndWrongNormalisation() throws IOException {
        String mean = Double.toString(1e6 / 8760);
        DataFileException len = assertThrows(DataFileException.class,
                () -> LoadProfileCsv.read(loadProfile(35_000, i -> mean)));
        assertTrue(len.getMessage().contains("wrong length"), len.getMessage());
        DataFileException neg = assertThrows(DataFileException.class,
                () -> LoadProfileCsv.read(loadProfile(35_040, i -> i == 7 ? "-1" : mean)));
        assertEquals(9, neg.line());
        assertEquals("-1", neg.value());
        DataFileException norm = assertThrows(DataFileException.class,
                () -> LoadProfileCsv.read(loadProfile(35_040, i -> "1000")));
        assertTrue(norm.getMessage().contains("MWh"), norm.getMessage());
    }
}
