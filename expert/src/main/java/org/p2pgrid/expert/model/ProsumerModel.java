package org.p2pgrid.expert.model;

import java.util.Set;

/**
 * One prosumer's optimisation model placed inside a (shared) {@link ConvexModel} for the horizon
 * from the current step to the end of the day: its variables, constraints and objective terms are
 * already in the model; what the DSO needs from it are the exported expressions per horizon step k
 * (k = 0 is the current step t).
 *
 * <p>Export names follow the language's {@code export} statement: {@code P_EX}, {@code Q_EX},
 * {@code P_P2P} (eqs 9–10, 19), and the actions of eq 22 as {@code action.P_CDG}, {@code action.P_RDG},
 * {@code action.Q_RDG}, {@code action.P_BESS}, {@code action.P_CL} (only the devices the prosumer owns).
 */
public interface ProsumerModel {
    String P_EX = "P_EX";
    String Q_EX = "Q_EX";
    String P_P2P = "P_P2P";
    String ACTION_PREFIX = "action.";

    String prosumerId();

    /** Number of steps from the current step to the end of the day. */
    int horizon();

    Set<String> exports();

    /** The exported expression {@code name} at horizon step k, in kW / kvar. */
    LinearExpr export(String name, int k);
}
