package org.p2pgrid.env.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;

class P2pMarketProperties {

    @Provide
    Arbitrary<double[]> netExports() {
        Arbitrary<Double> one = Arbitraries.oneOf(
                Arbitraries.doubles().between(-5000, 5000).ofScale(6),
                Arbitraries.doubles().between(-1e-3, 1e-3).ofScale(12),
                Arbitraries.just(0.0));
        return one.array(double[].class).ofMinSize(0).ofMaxSize(40);
    }

    @Property(tries = 3000)
    void p2pPaymentsSumToZeroAtEveryStep(
            @ForAll("netExports") double[] pEx, @ForAll @DoubleRange(min = 0.05, max = 2) double price) {
        Clearing c = P2pMarket.clear(pEx, price);
        double sum = 0;
        double gross = 0;
        for (double p : c.pP2pKw()) {
            sum += price * p; // eq (21)
            gross += price * Math.abs(p);
        }
        assertTrue(Math.abs(sum) <= 1e-9 * gross, () -> "sum " + c.p2pPaymentBalanceCnyPerHour() + " of " + c);
        assertEquals(c.p2pPaymentBalanceCnyPerHour(), sum, 1e-9 * Math.max(gross, 1));
    }

    @Property(tries = 3000)
    void balanceHoldsPerProsumerAndTradesGoTheRightWay(
            @ForAll("netExports") double[] pEx, @ForAll @DoubleRange(min = 0.05, max = 2) double price) {
        Clearing c = P2pMarket.clear(pEx, price);
        double surplus = 0;
        double deficit = 0;
        for (double p : pEx) {
            surplus += Math.max(p, 0);
            deficit += Math.max(-p, 0);
        }
        double importKw = 0;
        double exportKw = 0;
        for (int i = 0; i < pEx.length; i++) {
            // eq (9): P_EX = −P_Grid − P_P2P
            assertEquals(pEx[i], -c.pGridKw(i) - c.pP2pKw(i), 1e-9 * (1 + Math.abs(pEx[i])));
            // A surplus sells (P2P ≤ 0, grid ≤ 0), a deficit buys; nobody trades against its own sign.
            if (pEx[i] > 0) {
                assertTrue(c.pP2pKw(i) <= 0 && c.pGridKw(i) <= 0);
            } else {
                assertTrue(c.pP2pKw(i) >= 0 && c.pGridKw(i) >= 0);
            }
            importKw += Math.max(c.pGridKw(i), 0);
            exportKw += Math.max(-c.pGridKw(i), 0);
        }
        // P2P first: the matched volume is the smaller side; only the longer side meets the grid.
        double tol = 1e-9 * (1 + surplus + deficit);
        assertEquals(Math.min(surplus, deficit), c.p2pVolumeKw(), tol);
        assertEquals(importKw, c.gridImportKw(), tol);
        assertEquals(exportKw, c.gridExportKw(), tol);
        assertTrue(importKw <= tol || exportKw <= tol, () -> "both import and export: " + c);
        assertEquals(surplus - deficit, exportKw - importKw, tol);
    }
}
