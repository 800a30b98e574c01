package org.p2pgrid.env.pomdp;

/**
 * Outcome of one {@link P2pTradingEnv#step} call.
 *
 * @param observations next per-agent observations (eq 23), {@code [agent][feature]}; see {@link ObservationLayout}
 * @param reward the shared reward r = r^Cost + r^Pen (eqs 24–26)
 * @param done true after the last step of the day
 * @param info costs, voltages, volumes and violation figures of the step just simulated
 */
public record StepResult(double[][] observations, double reward, boolean done, StepInfo info) {}
