package org.p2pgrid.env.data;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.p2pgrid.env.testing.SharedDataAssumptions.requireSharedFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Generated loads against the real type mixes ({@link RealSeriesProfiles}, skipped when ../shared is
 * absent): annual peak/mean at 15 minutes within ±20 %, mean daily shape (96 steps) per season and day
 * type correlated with the real one by ≥ 0.95 on average over the 12 groups, annual energy 1 MWh ± 3 %.
 */
class LoadProfileFidelityTest {
    private static final List<Long> SEEDS = List.of(1L, 2L, 3L);
    private static final List<Integer> STREAMS = List.of(0, 5);
    private static RealSeriesProfiles real;

    @BeforeAll
    static void readRealSeries() throws IOException {
        Path dataDir = requireSharedFile(DeriveProfileParameters.SOLAR_FILE).getParent().getParent();
        real = RealSeriesProfiles.fromSharedData(dataDir);
    }

    @Test
    void generatedLoadsMatchTheRealMixes() {
        List<Executable> checks = new ArrayList<>();
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-12s %10s %10s %8s %10s %10s%n",
                "type", "real p/m", "gen p/m", "ratio", "mean corr", "MWh"));
        for (LoadKind kind : LoadKind.values()) {
            double[][] r = year(real, kind, 0);
            double realPeakToMean = peakToMean(r);
            double[][] realShapes = groupShapes(r);
            double[][] pooled = new double[12][96];
            for (long seed : SEEDS) {
                ProfileGenerator gen = new ProfileGenerator(ProfileParameters.loadDefault(), seed);
                for (int stream : STREAMS) {
                    double[][] g = year(gen, kind, stream);
                    double genPeakToMean = peakToMean(g);
                    double[][] genShapes = groupShapes(g);
                    for (int grp = 0; grp < 12; grp++) {
                        for (int k = 0; k < 96; k++) pooled[grp][k] += genShapes[grp][k] / (SEEDS.size() * STREAMS.size());
                    }
                    double corr = meanShapeCorrelation(realShapes, genShapes);
                    double mwh = total(g) * 0.25 / 1e6;
                    table.append(String.format(Locale.ROOT, "%-12s %10.3f %10.3f %8.3f %10.4f %10.4f  seed %d stream %d%n",
                            kind.configName(), realPeakToMean, genPeakToMean, genPeakToMean / realPeakToMean, corr,
                            mwh, seed, stream));
                    String where = kind + " seed " + seed + " stream " + stream;
                    checks.add(() -> assertEquals(realPeakToMean, genPeakToMean, 0.20 * realPeakToMean, "peak/mean " + where));
                    checks.add(() -> assertEquals(1.0, mwh, 0.03, "annual MWh " + where));
                }
            }
            // The generator's mean day per group, estimated over all seeds and streams (one simulated
            // year of a single household has only ~13 Saturdays per season: too few to average out).
            double pooledCorr = meanShapeCorrelation(realShapes, pooled);
            table.append(String.format(Locale.ROOT, "%-12s mean daily shape correlation (pooled) %.4f%n",
                    kind.configName(), pooledCorr));
            checks.add(() -> assertTrue(pooledCorr >= 0.95, "mean daily shape correlation " + pooledCorr + " " + kind));
        }
        System.out.print(table);
        assertAll(checks);
    }

    /** Mean over the 12 season/day-type groups of the correlation of their mean days. */
    private static double meanShapeCorrelation(double[][] a, double[][] b) {
        double s = 0;
        for (int g = 0; g < 12; g++) s += ProfileGeneratorTest.correlation(a[g], b[g]);
        return s / 12;
    }

    private static double[][] year(SeriesSource source, LoadKind kind, int stream) {
        double[][] out = new double[365][];
        for (int d = 0; d < 365; d++) out[d] = source.load(kind, d, stream);
        return out;
    }

    private static double peakToMean(double[][] year) {
        double max = 0;
        for (double[] day : year) max = Math.max(max, ProfileGeneratorTest.max(day));
        return max / (total(year) / (365 * 96.0));
    }

    private static double total(double[][] year) {
        double s = 0;
        for (double[] day : year) s += ProfileGeneratorTest.sum(day);
        return s;
    }

    /** Mean day (96 steps) per season · 3 + day type of the 2023 calendar. */
    private static double[][] groupShapes(double[][] year) {
        double[][] out = new double[12][96];
        int[] count = new int[12];
        for (int d = 0; d < 365; d++) {
            int g = DeriveProfileParameters.groupOf(DataSplit.date(d));
            for (int k = 0; k < 96; k++) out[g][k] += year[d][k];
            count[g]++;
        }
        for (int g = 0; g < 12; g++) for (int k = 0; k < 96; k++) out[g][k] /= count[g];
        return out;
    }
}
