package org.p2pgrid.env.market;

/** The real-time P2P price, eq (20): λP2P_t = k·(λB_t − λS_t) + λS_t, with k = λ^P2P ∈ [0, 1]. */
public final class P2pPrice {
    private P2pPrice() {}

    /** Eq (20). k = 0 gives sellers' grid price (buyers keep all the gain), k = 1 the buy price. */
    public static double of(double k, double buyCnyPerKwh, double sellCnyPerKwh) {
        if (!(k >= 0 && k <= 1)) {
            throw new IllegalArgumentException("P2P price coefficient k = " + k + ": must be in [0, 1] (eq 20)");
        }
        if (!Double.isFinite(buyCnyPerKwh) || !Double.isFinite(sellCnyPerKwh) || buyCnyPerKwh < sellCnyPerKwh) {
            throw new IllegalArgumentException("P2P price needs finite prices with buy >= sell, got buy = "
                    + buyCnyPerKwh + ", sell = " + sellCnyPerKwh);
        }
        return k * (buyCnyPerKwh - sellCnyPerKwh) + sellCnyPerKwh;
    }

    /** Eq (20) at every step of a tariff. */
    public static double[] series(double k, TouTariff tariff) {
        double[] prices = new double[tariff.steps()];
        for (int t = 0; t < prices.length; t++) {
            prices[t] = of(k, tariff.buyAt(t), tariff.sellAt(t));
        }
        return prices;
    }
}
