package org.p2pgrid.env.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ProfileGeneratorTest {
    private static final ProfileParameters PARAMS = ProfileParameters.loadDefault();
    private static final ProfileGenerator GEN = new ProfileGenerator(PARAMS, 42);

    @Test
    void sameSeedSameDaysAndSeedsMatter() {
        ProfileGenerator again = new ProfileGenerator(PARAMS, 42);
        ProfileGenerator other = new ProfileGenerator(PARAMS, 43);
        for (int day : List.of(0, 100, 200, 364)) {
            assertArrayEquals(GEN.pv(day, 3), again.pv(day, 3));
            assertArrayEquals(GEN.wind(day, 3), again.wind(day, 3));
            assertArrayEquals(GEN.load(LoadKind.INDUSTRIAL, day, 3), again.load(LoadKind.INDUSTRIAL, day, 3));
            assertArrayEquals(GEN.feederLoadFactor(day), again.feederLoadFactor(day));
        }
        assertFalse(java.util.Arrays.equals(GEN.pv(170, 3), other.pv(170, 3)));
        assertFalse(java.util.Arrays.equals(GEN.wind(40, 3), other.wind(40, 3)));
    }

    @Test
    void aYearOfLoadsAtOnceIsTheSameAsEveryDay() {
        for (LoadKind kind : LoadKind.values()) {
            double[][] year = GEN.loadYear(kind, 5);
            assertEquals(365, year.length);
            for (int d = 0; d < 365; d++) {
                assertArrayEquals(GEN.load(kind, d, 5), year[d], kind + " day " + d);
            }
        }
    }

    @Test
    void resultsDoNotDependOnCallOrderOrThreads() {
        List<int[]> requests = new ArrayList<>();
        for (int day = 0; day < 365; day += 7) for (int s = 0; s < 4; s++) requests.add(new int[] {day, s});
        Map<String, double[]> sequential = new ConcurrentHashMap<>();
        for (int[] r : requests) sequential.put(r[0] + "/" + r[1], all(GEN, r[0], r[1]));
        Collections.shuffle(requests, new Random(7));
        ProfileGenerator fresh = new ProfileGenerator(PARAMS, 42);
        requests.parallelStream().forEach(r -> assertArrayEquals(sequential.get(r[0] + "/" + r[1]), all(fresh, r[0], r[1])));
    }

    private static double[] all(ProfileGenerator g, int day, int stream) {
        List<double[]> parts = new ArrayList<>(List.of(g.pv(day, stream), g.wind(day, stream)));
        for (LoadKind k : LoadKind.values()) parts.add(g.load(k, day, stream));
        return parts.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    @Test
    void valuesStayInRangeAndPvIsZeroAtNight() {
        for (int day = 0; day < 365; day++) {
            double[] pv = GEN.pv(day, day % 5);
            for (int k = 0; k < 96; k++) {
                assertTrue(pv[k] >= 0 && pv[k] <= 1, "pv " + pv[k]);
                if (k < 4 * 4 || k >= 22 * 4) assertEquals(0.0, pv[k], 0.0, "PV at night, day " + day + " step " + k);
            }
            for (double w : GEN.wind(day, day % 5)) assertTrue(w >= 0 && w <= 1, "wind " + w);
            for (LoadKind kind : LoadKind.values()) {
                for (double l : GEN.load(kind, day, 2)) assertTrue(l >= 0 && Double.isFinite(l), kind + " " + l);
            }
            for (double f : GEN.feederLoadFactor(day)) assertTrue(f > 0 && f <= 1 + 1e-12);
        }
        assertThrows(IllegalArgumentException.class, () -> GEN.pv(365, 0));
        assertThrows(IllegalArgumentException.class, () -> GEN.load(LoadKind.RURAL, -1, 0));
    }

    @Test
    void pvCapacityFactorMatchesEliaWithinTenPercent() {
        for (long seed : List.of(1L, 2L, 3L)) {
            ProfileGenerator g = new ProfileGenerator(PARAMS, seed);
            double cf = yearMean(d -> g.pv(d, 0));
            assertEquals(PARAMS.pv().capacityFactor(), cf, 0.10 * PARAMS.pv().capacityFactor(), "seed " + seed);
        }
    }

    @Test
    void pvIsHigherInSummerThanWinter() {
        double june = IntStream.range(151, 181).mapToDouble(d -> sum(GEN.pv(d, 0))).sum();
        double december = IntStream.range(334, 365).mapToDouble(d -> sum(GEN.pv(d, 0))).sum();
        assertTrue(june > 3 * december, june + " vs " + december);
    }

    @Test
    void windCapacityFactorMatchesTheDerivedFigure() {
        for (long seed : List.of(1L, 2L, 3L)) {
            ProfileGenerator g = new ProfileGenerator(PARAMS, seed);
            double cf = yearMean(d -> g.wind(d, 1));
            assertEquals(PARAMS.wind().capacityFactor(), cf, 0.10 * PARAMS.wind().capacityFactor(), "seed " + seed);
        }
    }

    @Test
    void loadsAreNormalisedToOneMegawattHourPerYear() {
        for (LoadKind kind : LoadKind.values()) {
            for (int stream : List.of(0, 1, 7)) {
                double mwh = yearMean(d -> GEN.load(kind, d, stream)) * 8760 / 1e6;
                assertEquals(1.0, mwh, 0.03, kind + " stream " + stream);
            }
            double expected = IntStream.range(0, 365).mapToDouble(d -> sum(GEN.expectedLoad(kind, d)) * 0.25).sum() / 1e6;
            assertEquals(1.0, expected, 1e-9);
        }
    }

    @Test
    void commercialWeekdaysExceedSundays() {
        // 2023-01-02 is a Monday (day 1), 2023-01-08 a Sunday (day 7)
        assertTrue(sum(GEN.expectedLoad(LoadKind.COMMERCIAL, 1)) > 1.5 * sum(GEN.expectedLoad(LoadKind.COMMERCIAL, 7)));
    }

    @Test
    void feederPeakIsOne() {
        double peak = IntStream.range(0, 365).mapToDouble(d -> max(GEN.feederLoadFactor(d))).max().orElseThrow();
        assertEquals(1.0, peak, 1e-12);
    }

    @Test
    void streamsAreCorrelatedButNotIdentical() {
        double[] a = IntStream.range(0, 365).mapToDouble(d -> sum(GEN.pv(d, 0))).toArray();
        double[] b = IntStream.range(0, 365).mapToDouble(d -> sum(GEN.pv(d, 1))).toArray();
        assertFalse(java.util.Arrays.equals(a, b));
        assertTrue(correlation(a, b) > 0.8, "daily PV energy correlation " + correlation(a, b));
        double[] wa = IntStream.range(0, 365).mapToDouble(d -> sum(GEN.wind(d, 0))).toArray();
        double[] wb = IntStream.range(0, 365).mapToDouble(d -> sum(GEN.wind(d, 1))).toArray();
        assertTrue(correlation(wa, wb) > 0.7, "daily wind energy correlation " + correlation(wa, wb));
    }

    private static double yearMean(java.util.function.IntFunction<double[]> day) {
        double s = 0;
        for (int d = 0; d < 365; d++) s += sum(day.apply(d));
        return s / (365 * 96);
    }

    static double sum(double[] a) {
        double s = 0;
        for (double v : a) s += v;
        return s;
    }

    static double max(double[] a) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : a) m = Math.max(m, v);
        return m;
    }

    static double correlation(double[] a, double[] b) {
        double ma = Stats.mean(a), mb = Stats.mean(b), ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.sqrt(aa * bb);
    }
}
