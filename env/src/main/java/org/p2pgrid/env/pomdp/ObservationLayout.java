package org.p2pgrid.env.pomdp;

import java.util.List;

/**
 * The per-agent observation o_{i,t} = s_{i,t} of eq (23), as a flat vector in this order.
 * Powers in kW/kvar, prices in CNY/kWh, SOC as a fraction, voltage in p.u.; the time index is
 * given as t/96 so that all features are O(1)..O(1000) without hidden scaling (learners normalise).
 */
public final class ObservationLayout {
    private ObservationLayout() {}

    public static final int TIME = 0;
    public static final int PRICE_BUY = 1;
    public static final int PRICE_SELL = 2;
    public static final int P_RDG_MAX = 3;
    public static final int P_LOAD = 4;
    public static final int Q_LOAD = 5;
    public static final int PREV_P_CDG = 6;
    public static final int PREV_SOC = 7;
    public static final int PREV_P_P2P = 8;
    public static final int PREV_VOLTAGE = 9;
    public static final int SIZE = 10;

    public static final List<String> NAMES = List.of(
            "t/T", "lambda_B", "lambda_S", "P_RDG_max", "P_Load", "Q_Load",
            "P_CDG(t-1)", "SOC(t-1)", "P_P2P(t-1)", "V(t-1)");
}
