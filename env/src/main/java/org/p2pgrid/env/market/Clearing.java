package org.p2pgrid.env.market;

import java.util.Arrays;

/**
 * Outcome of one step's market clearing, per prosumer in input order. Signs follow eq (9):
 * P_EX = −P_Grid − P_P2P; P_Grid &gt; 0 buys from the grid, P_P2P &gt; 0 buys in the P2P market.
 *
 * @param pP2pKw              P_P2P per prosumer
 * @param pGridKw             P_Grid per prosumer
 * @param p2pVolumeKw         power matched P2P (= total bought = total sold)
 * @param gridImportKw        Σ max(P_Grid, 0)
 * @param gridExportKw        Σ max(−P_Grid, 0)
 * @param p2pPriceCnyPerKwh   the uniform P2P price of the step (eq 20)
 */
public record Clearing(
        double[] pP2pKw, double[] pGridKw, double p2pVolumeKw, double gridImportKw, double gridExportKw,
        double p2pPriceCnyPerKwh) {

    public Clearing {
        pP2pKw = pP2pKw.clone();
        pGridKw = pGridKw.clone();
    }

    @Override
    public double[] pP2pKw() {
        return pP2pKw.clone();
    }

    @Override
    public double[] pGridKw() {
        return pGridKw.clone();
    }

    public int size() {
        return pP2pKw.length;
    }

    public double pP2pKw(int prosumer) {
        return pP2pKw[prosumer];
    }

    public double pGridKw(int prosumer) {
        return pGridKw[prosumer];
    }

    /** Σ_i λP2P·P_P2P_i, CNY/h: zero up to rounding by construction (eq 21). */
    public double p2pPaymentBalanceCnyPerHour() {
        double sum = 0;
        for (double p : pP2pKw) {
            sum += p2pPriceCnyPerKwh * p;
        }
        return sum;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Clearing c && Arrays.equals(c.pP2pKw, pP2pKw) && Arrays.equals(c.pGridKw, pGridKw)
                && Double.compare(c.p2pVolumeKw, p2pVolumeKw) == 0 && Double.compare(c.gridImportKw, gridImportKw) == 0
                && Double.compare(c.gridExportKw, gridExportKw) == 0
                && Double.compare(c.p2pPriceCnyPerKwh, p2pPriceCnyPerKwh) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(pP2pKw) * 31 + Arrays.hashCode(pGridKw) * 17 + Double.hashCode(p2pVolumeKw);
    }

    @Override
    public String toString() {
        return "Clearing[pP2pKw=" + Arrays.toString(pP2pKw) + ", pGridKw=" + Arrays.toString(pGridKw)
                + ", p2pVolumeKw=" + p2pVolumeKw + ", gridImportKw=" + gridImportKw + ", gridExportKw="
                + gridExportKw + ", p2pPriceCnyPerKwh=" + p2pPriceCnyPerKwh + "]";
    }
}
