package org.p2pgrid.env.market;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class P2pMarketTest {

    @Test
    void surplusLargerThanDeficitIsSharedProRataAmongSellers() {
        // Sellers 300 and 100 kW (400 total), buyer 200 kW: sellers sell half each in P2P.
        Clearing c = P2pMarket.clear(new double[] {300, 100, -200}, 0.6);
        assertArrayEquals(new double[] {-150, -50, 200}, c.pP2pKw(), 1e-12);
        assertArrayEquals(new double[] {-150, -50, 0}, c.pGridKw(), 1e-12);
        assertEquals(200, c.p2pVolumeKw(), 1e-12);
        assertEquals(0, c.gridImportKw(), 1e-12);
        assertEquals(200, c.gridExportKw(), 1e-12);
        assertEquals(0.6, c.p2pPriceCnyPerKwh());
    }

    @Test
    void deficitLargerThanSurplusIsSharedProRataAmongBuyers() {
        Clearing c = P2pMarket.clear(new double[] {-300, 150, -100, 0}, 0.6);
        assertArrayEquals(new double[] {112.5, -150, 37.5, 0}, c.pP2pKw(), 1e-12);
        assertArrayEquals(new double[] {187.5, 0, 62.5, 0}, c.pGridKw(), 1e-12);
        assertEquals(150, c.p2pVolumeKw(), 1e-12);
        assertEquals(250, c.gridImportKw(), 1e-12);
    }

    @Test
    void oneSidedMarketTradesOnlyWithTheGrid() {
        Clearing c = P2pMarket.clear(new double[] {-10, -20}, 0.5);
        assertArrayEquals(new double[] {0, 0}, c.pP2pKw());
        assertArrayEquals(new double[] {10, 20}, c.pGridKw(), 0);
        assertEquals(0, c.p2pVolumeKw());
        Clearing empty = P2pMarket.clear(new double[0], 0.5);
        assertEquals(0, empty.size());
    }

    @Test
    void nonFiniteInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> P2pMarket.clear(new double[] {1, Double.NaN}, 0.5));
        assertThrows(IllegalArgumentException.class, () -> P2pMarket.clear(new double[] {1}, Double.NaN));
    }

    @Test
    void p2pPriceIsEquationTwenty() {
        assertEquals(0.28 + 0.5 * (1.05 - 0.28), P2pPrice.of(0.5, 1.05, 0.28), 1e-15);
        assertEquals(0.28, P2pPrice.of(0, 1.05, 0.28));
        assertEquals(1.05, P2pPrice.of(1, 1.05, 0.28), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> P2pPrice.of(1.2, 1.05, 0.28));
        assertThrows(IllegalArgumentException.class, () -> P2pPrice.of(0.5, 0.2, 0.28));
    }

    @Test
    void tariffFromPeriodsAndValidation() {
        TouTariff t = TouTariff.fromPeriods(0.25,
                List.of(new TouPeriod(12, 24, "high"), new TouPeriod(0, 12, "low")),
                Map.of("low", 0.3, "high", 0.9), 0.2);
        assertEquals(96, t.steps());
        assertEquals(0.3, t.buyAt(47));
        assertEquals(0.9, t.buyAt(48));
        assertEquals(0.2, t.sellAt(95));
        double[] prices = P2pPrice.series(0.5, t);
        assertEquals(0.25, prices[0], 1e-15);
        assertEquals(0.55, prices[95], 1e-15);

        assertThrows(IllegalArgumentException.class, () -> new TouTariff(new double[] {0.3}, new double[] {0.3}));
        assertThrows(IllegalArgumentException.class, () -> TouTariff.fromPeriods(0.25,
                List.of(new TouPeriod(0, 11, "low"), new TouPeriod(12, 24, "low")), Map.of("low", 0.3), 0.2));
        assertThrows(IllegalArgumentException.class, () -> TouTariff.fromPeriods(0.25,
                List.of(new TouPeriod(0, 12.1, "low"), new TouPeriod(12.1, 24, "low")), Map.of("low", 0.3), 0.2));
        assertThrows(IllegalArgumentException.class, () -> TouTariff.stepsPerDay(0.7));
    }
}
