package org.p2pgrid.env.market;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Time-of-use grid prices for one day, per step: buy λB_t and sell λS_t in CNY/kWh (eq 15), with
 * λB_t &gt; λS_t at every step — the premise of the P2P price eq (20), which sits between them.
 * Arrays are copied in and out.
 */
public record TouTariff(double[] buyCnyPerKwh, double[] sellCnyPerKwh) {

    public TouTariff {
        if (buyCnyPerKwh == null || sellCnyPerKwh == null || buyCnyPerKwh.length == 0
                || buyCnyPerKwh.length != sellCnyPerKwh.length) {
            throw new IllegalArgumentException("TouTariff: buy and sell need the same non-zero number of steps, got "
                    + (buyCnyPerKwh == null ? "null" : buyCnyPerKwh.length) + " and "
                    + (sellCnyPerKwh == null ? "null" : sellCnyPerKwh.length));
        }
        buyCnyPerKwh = buyCnyPerKwh.clone();
        sellCnyPerKwh = sellCnyPerKwh.clone();
        for (int t = 0; t < buyCnyPerKwh.length; t++) {
            double buy = buyCnyPerKwh[t];
            double sell = sellCnyPerKwh[t];
            if (!Double.isFinite(buy) || !Double.isFinite(sell) || sell < 0) {
                throw new IllegalArgumentException("TouTariff step " + t + ": buy = " + buy + ", sell = " + sell
                        + ": prices must be finite and sell >= 0");
            }
            if (!(buy > sell)) {
                throw new IllegalArgumentException("TouTariff step " + t + ": buy = " + buy + " <= sell = " + sell
                        + ": the buy price must exceed the sell price at every step (eq 20)");
            }
        }
    }

    /**
     * Builds a per-step tariff from day periods that tile [0, 24) h, with buy prices per band and a
     * flat sell price. Period boundaries must fall on step boundaries.
     */
    public static TouTariff fromPeriods(
            double dtHours, List<TouPeriod> periods, Map<String, Double> buyPricePerBand, double sellCnyPerKwh) {
        int steps = stepsPerDay(dtHours);
        List<TouPeriod> sorted = new ArrayList<>(periods);
        sorted.sort(Comparator.comparingDouble(TouPeriod::fromHour));
        double[] buy = new double[steps];
        double[] sell = new double[steps];
        Arrays.fill(sell, sellCnyPerKwh);
        double covered = 0;
        for (TouPeriod p : sorted) {
            if (Math.abs(p.fromHour() - covered) > 1e-9) {
                throw new IllegalArgumentException("TOU periods must tile [0, 24) h without gaps or overlaps: "
                        + (p.fromHour() > covered ? "gap" : "overlap") + " at " + Math.min(covered, p.fromHour()) + " h");
            }
            Double price = buyPricePerBand.get(p.band());
            if (price == null) {
                throw new IllegalArgumentException("TOU period [" + p.fromHour() + ", " + p.toHour() + ") uses band '"
                        + p.band() + "' which has no buy price; known bands: " + buyPricePerBand.keySet());
            }
            int from = stepIndex(p.fromHour(), dtHours);
            int to = stepIndex(p.toHour(), dtHours);
            Arrays.fill(buy, from, to, price);
            covered = p.toHour();
        }
        if (Math.abs(covered - 24) > 1e-9) {
            throw new IllegalArgumentException("TOU periods must tile [0, 24) h: they end at " + covered + " h");
        }
        return new TouTariff(buy, sell);
    }

    /** 24 h / Δt; Δt must divide the day. */
    public static int stepsPerDay(double dtHours) {
        if (!(dtHours > 0) || !Double.isFinite(dtHours)) {
            throw new IllegalArgumentException("dt-hours = " + dtHours + ": must be > 0");
        }
        double steps = 24 / dtHours;
        long rounded = Math.round(steps);
        if (Math.abs(steps - rounded) > 1e-9) {
            throw new IllegalArgumentException("dt-hours = " + dtHours + ": must divide 24 h into whole steps");
        }
        return (int) rounded;
    }

    private static int stepIndex(double hour, double dtHours) {
        double index = hour / dtHours;
        long rounded = Math.round(index);
        if (Math.abs(index - rounded) > 1e-9) {
            throw new IllegalArgumentException("TOU period boundary " + hour + " h is not on a step boundary of "
                    + dtHours + " h");
        }
        return (int) rounded;
    }

    public int steps() {
        return buyCnyPerKwh.length;
    }

    public double buyAt(int step) {
        return buyCnyPerKwh[step];
    }

    public double sellAt(int step) {
        return sellCnyPerKwh[step];
    }

    @Override
    public double[] buyCnyPerKwh() {
        return buyCnyPerKwh.clone();
    }

    @Override
    public double[] sellCnyPerKwh() {
        return sellCnyPerKwh.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TouTariff t && Arrays.equals(t.buyCnyPerKwh, buyCnyPerKwh)
                && Arrays.equals(t.sellCnyPerKwh, sellCnyPerKwh);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(buyCnyPerKwh) + Arrays.hashCode(sellCnyPerKwh);
    }

    @Override
    public String toString() {
        return "TouTariff[steps=" + steps() + ", buy=" + Arrays.toString(buyCnyPerKwh) + ", sell="
                + Arrays.toString(sellCnyPerKwh) + "]";
    }
}
