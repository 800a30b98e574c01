package org.p2pgrid.expert.model;

/**
 * Perfect-foresight inputs of one prosumer for the horizon t..T−1 (arrays of length horizon):
 * available RDG power, loads, and the prices it faces (eqs 15, 19, 20).
 *
 * @param firstStep t, the step of the day the horizon starts at
 * @param dtHours Δt, hours
 */
public record ProsumerForecast(int firstStep, double dtHours, double[] pRdgMaxKw, double[] pLoadKw, double[] qLoadKvar,
                               double[] buyCnyPerKwh, double[] sellCnyPerKwh, double[] p2pCnyPerKwh,
                               double dsoFeeCnyPerKwh) {
    public ProsumerForecast {
        int n = pRdgMaxKw.length;
        if (pLoadKw.length != n || qLoadKvar.length != n || buyCnyPerKwh.length != n || sellCnyPerKwh.length != n
                || p2pCnyPerKwh.length != n) {
            throw new IllegalArgumentException("forecast arrays must all have the horizon length " + n);
        }
    }

    public int horizon() {
        return pRdgMaxKw.length;
    }
}
