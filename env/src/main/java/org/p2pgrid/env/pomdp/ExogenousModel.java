package org.p2pgrid.env.pomdp;

/**
 * Source of each day's exogenous data (renewable availability, loads, background feeder load).
 * Implementations are deterministic for their seed and thread-safe (pure functions of the day), so
 * worlds on different threads can ask for days in any order.
 */
@FunctionalInterface
public interface ExogenousModel {
    DayExogenous day(int dayOfYear);
}
