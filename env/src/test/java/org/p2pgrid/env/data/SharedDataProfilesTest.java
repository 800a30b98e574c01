package org.p2pgrid.env.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.p2pgrid.env.testing.SharedDataAssumptions.requireSharedFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Against the real files in ../shared/data (skipped when absent). */
class SharedDataProfilesTest {

    private static Path dataDir() {
        return requireSharedFile(DeriveProfileParameters.SOLAR_FILE).getParent().getParent();
    }

    @Test
    void eliaSolarIsAFullYearWithTheDocumentedNightGaps() throws IOException {
        TimeSeries15 s = EliaSolarCsv.read(requireSharedFile(DeriveProfileParameters.SOLAR_FILE));
        assertEquals(365, s.dayCount());
        assertTrue(s.isFullYear());
        assertEquals(304, s.missingTreatedAsZero());
        assertEquals(0.762556, s.max(), 1e-5);
    }

    @Test
    void eliaWindCoversTwoSpans() throws IOException {
        TimeSeries15 w = EliaWindCsv.read(requireSharedFile(DeriveProfileParameters.WIND_FILE));
        assertEquals(117, w.dayCount());
        assertEquals("2023-02-01..2023-04-30, 2025-02-01..2025-02-28", w.spans());
        assertTrue(w.clippedValues() > 0, "idle self-consumption rows are clipped to 0");
    }

    @Test
    void loadProfilesAreOneMegawattHourPerYear() throws IOException {
        for (String stem : DeriveProfileParameters.LOAD_SOURCES.get(LoadKind.ENERGY_HUB).keySet()) {
            TimeSeries15 l = LoadProfileCsv.read(requireSharedFile("load/" + stem + ".csv"));
            assertEquals(35_040, l.size());
            assertEquals(1.0, l.mean() * 8760 / 1e6, 0.02, stem);
        }
    }

    /** The committed resource is exactly what the documented command derives from ../shared today. */
    @Test
    void derivationReproducesTheCommittedResource() throws IOException {
        Path dataDir = dataDir();
        String derived = DeriveProfileParameters.resourceText(DeriveProfileParameters.derive(dataDir));
        String committed;
        try (var in = ProfileParameters.class.getResourceAsStream(ProfileParameters.RESOURCE)) {
            committed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(committed, derived, "re-run: " + DeriveProfileParameters.COMMAND);
        assertEquals(ProfileParameters.parse(derived).format(java.util.List.of()),
                ProfileParameters.loadDefault().format(java.util.List.of()));
    }

    @Test
    void realSeriesStandInForTheGenerator() throws IOException {
        RealSeriesProfiles real = RealSeriesProfiles.fromSharedData(dataDir());
        int feb15 = DataSplit.dayOfYear(LocalDate.of(2023, 2, 15));
        int june1 = DataSplit.dayOfYear(LocalDate.of(2023, 6, 1));
        double[] pv = real.pv(june1, 0);
        assertEquals(0.0, pv[0], 0.0);
        assertTrue(ProfileGeneratorTest.max(pv) > 0.3);
        assertEquals(96, real.wind(feb15, 0).length);
        assertTrue(real.windCovers(feb15));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> real.wind(june1, 0));
        assertTrue(e.getMessage().contains("2023-02-01..2023-04-30"), e.getMessage());
        // 1 February on UTC+01:00 needs 31 January 23:00 UTC: both spans start on 1 February, so not covered.
        assertThrows(IllegalArgumentException.class, () -> real.wind(31, 0));
        for (LoadKind kind : LoadKind.values()) {
            double wh = 0;
            for (int d = 0; d < 365; d++) wh += ProfileGeneratorTest.sum(real.load(kind, d, 0)) * 0.25;
            assertEquals(1.0, wh / 1e6, 0.03, kind.configName());
        }
        double peak = 0;
        for (int d = 0; d < 365; d++) peak = Math.max(peak, ProfileGeneratorTest.max(real.feederLoadFactor(d)));
        assertEquals(1.0, peak, 1e-12);
        // weekday alignment: 2023-01-02 (Monday) must come from a Monday of the source year
        TimeSeries15 g1 = LoadProfileCsv.read(requireSharedFile("load/LP_G1.csv"));
        assertEquals(java.time.DayOfWeek.MONDAY, RealSeriesProfiles.sameWeekdayInSourceYear(g1, 1).getDayOfWeek());
    }
}
