package org.p2pgrid.expert.dso;

import java.util.List;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.expert.solver.Solution;

/**
 * The DSO's plan from step t to the end of the day. Arrays are indexed {@code [k][prosumer]} or
 * {@code [k][bus]} with k = 0 the step t; they are empty when the solve failed. Treat as read-only.
 *
 * @param firstStep               t
 * @param status                  the solver status of the last solve
 * @param explanation             the solver's explanation (why it failed, or a summary)
 * @param objectiveCny            Σ_i C_i over the horizon (eq 14), exact at the plan
 * @param linearisationErrorBound the backend's bound on the objective's linearisation error
 * @param actionsNow              the expert label: each prosumer's action at t (eq 22, unowned dims 0)
 * @param actions                 actions per step
 * @param pExKw                   P_EX per step (eq 9)
 * @param qExKvar                 Q_EX per step (eq 10)
 * @param pP2pKw                  P_P2P per step (eq 19; Σ_i = 0, eq 21)
 * @param pGridKw                 P_Grid = −P_EX − P_P2P per step (eq 9)
 * @param linearVoltagePu         √u of the LinDistFlow model per step and bus
 * @param acVoltagePu             AC power-flow voltages of the plan per checked step and bus (rows of
 *                                unchecked steps are empty)
 * @param solveSeconds            total solver time over all iterations
 * @param buildSeconds            total model build time over all iterations
 * @param iterations              solves performed (1 + AC tightening rounds)
 * @param acCheck                 outcome of the AC security check
 */
public record DsoPlan(int firstStep, Solution.Status status, String explanation, double objectiveCny,
                      double linearisationErrorBound, ProsumerAction[] actionsNow, ProsumerAction[][] actions,
                      double[][] pExKw, double[][] qExKvar, double[][] pP2pKw, double[][] pGridKw,
                      double[][] linearVoltagePu, double[][] acVoltagePu, double solveSeconds, double buildSeconds,
                      int iterations, AcCheck acCheck) {

    /**
     * AC verification of the plan (env's {@code RadialPowerFlow}, the same one the environment uses).
     *
     * @param feasible          every checked step converged with all voltages in [v-min, v-max]
     * @param checkedSteps      how many steps were checked
     * @param initialViolatedSteps checked steps the first (untightened) LinDistFlow plan violated in AC
     * @param violatedSteps     checked steps with a violation in the final plan
     * @param worstViolationPu  largest excursion outside the band in the final plan (0 if none)
     * @param minVoltagePu      lowest AC voltage over the checked steps
     * @param maxVoltagePu      highest AC voltage over the checked steps
     * @param log               per iteration: what the linear model missed and what was tightened
     */
    public record AcCheck(boolean feasible, int checkedSteps, int initialViolatedSteps, int violatedSteps, double worstViolationPu,
                          double minVoltagePu, double maxVoltagePu, List<String> log) {}

    public boolean isOptimal() {
        return status == Solution.Status.OPTIMAL;
    }

    public int horizon() {
        return actions.length;
    }
}
