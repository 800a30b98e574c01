package org.p2pgrid.env.market;

/**
 * P2P market settings.
 *
 * @param priceCoefficient   k = λ^P2P of eq (20), in [0, 1]
 * @param dsoFeeCnyPerKwh    λDSO of eq (19), charged to both sides on |P_P2P|
 */
public record P2pSettings(double priceCoefficient, double dsoFeeCnyPerKwh) {
    public P2pSettings {
        if (!(priceCoefficient >= 0 && priceCoefficient <= 1)) {
            throw new IllegalArgumentException("P2pSettings.price-coefficient = " + priceCoefficient + ": must be in [0, 1]");
        }
        if (!(dsoFeeCnyPerKwh >= 0) || !Double.isFinite(dsoFeeCnyPerKwh)) {
            throw new IllegalArgumentException("P2pSettings.dso-fee-cny-per-kwh = " + dsoFeeCnyPerKwh + ": must be >= 0");
        }
    }

    /** Eq (20) at one step of the tariff. */
    public double p2pPriceAt(TouTariff tariff, int step) {
        return P2pPrice.of(priceCoefficient, tariff.buyAt(step), tariff.sellAt(step));
    }
}
