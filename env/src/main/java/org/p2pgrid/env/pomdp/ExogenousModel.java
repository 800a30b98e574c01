package org.p2pgrid.env.pomdp;

/**
 * Source of each day's exogenous data (renewable availability, loads, background feeder load).
 * Implementations are deterministic for their seed and thread-safe (pure functions of the day), so
 * worlds on different threads can ask for days in any order.
 */
@FunctionalInterface
public interface ExogenousModel {
    DayExogenous day(int dayOfYear);

    /**
     * Each prosumer's largest active load over the year, kW (0 if it never draws): the maximum of
     * {@code day(d).pLoadKw()[i]} over every day d of the year. This default generates every day (all
     * data of all prosumers, seconds per 100 prosumers); implementations that can produce loads alone
     * override it with the same values.
     */
    default double[] maxLoadKw() {
        return java.util.stream.IntStream.range(0, org.p2pgrid.env.data.SeriesSource.DAYS_PER_YEAR).parallel()
                .mapToObj(d -> {
                    double[][] load = day(d).pLoadKw();
                    double[] m = new double[load.length];
                    for (int i = 0; i < m.length; i++) {
                        for (double p : load[i]) {
                            m[i] = Math.max(m[i], p);
                        }
                    }
                    return m;
                })
                .reduce((a, b) -> {
                    double[] m = new double[a.length];
                    for (int i = 0; i < m.length; i++) {
                        m[i] = Math.max(a[i], b[i]);
                    }
                    return m;
                })
                .orElseThrow();
    }
}
