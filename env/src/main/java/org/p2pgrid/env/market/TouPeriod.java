package org.p2pgrid.env.market;

/**
 * A stretch of the day with one time-of-use band.
 *
 * @param fromHour  start, hours after midnight (inclusive)
 * @param toHour    end, hours after midnight (exclusive), ≤ 24
 * @param band      band name, e.g. {@code valley}, {@code flat}, {@code peak}
 */
public record TouPeriod(double fromHour, double toHour, String band) {
    public TouPeriod {
        if (!(fromHour >= 0 && toHour <= 24 && fromHour < toHour)) {
            throw new IllegalArgumentException("TouPeriod [" + fromHour + ", " + toHour
                    + "): must satisfy 0 <= from-hour < to-hour <= 24");
        }
        if (band == null || band.isBlank()) {
            throw new IllegalArgumentException("TouPeriod [" + fromHour + ", " + toHour + "): band is required");
        }
    }
}
