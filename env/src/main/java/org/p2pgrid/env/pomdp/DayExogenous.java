package org.p2pgrid.env.pomdp;

/**
 * The exogenous inputs of one simulated day, already in physical units: per prosumer the available
 * renewable power (PV + wind, eq 3's P^RDG_max), active and reactive load; and per bus the
 * background (non-prosumer) load of the feeder. Immutable after construction; arrays are owned.
 *
 * @param pRdgMaxKw {@code [agent][step]} available RDG power, kW
 * @param pLoadKw {@code [agent][step]} active load, kW
 * @param qLoadKvar {@code [agent][step]} reactive load, kvar
 * @param backgroundFactor {@code [step]} multiplier on every bus's base-case load
 */
public record DayExogenous(int day, double[][] pRdgMaxKw, double[][] pLoadKw, double[][] qLoadKvar,
                           double[] backgroundFactor) {}
