package org.p2pgrid.expert.solver;

/**
 * Result of one solve.
 *
 * @param status                  what happened
 * @param explanation             plain-language account meant for a human or an LLM: for a failure,
 *                                what went wrong, the likely cause and, where cheaply identifiable,
 *                                which constraint family; for success a one-line summary
 * @param objective               the model's exact objective re-evaluated at {@code x}
 *                                ({@code ConvexModel.objectiveValue}), NaN without a solution
 * @param x                       values of the model's variables (length = variable count), or an
 *                                empty array without a solution
 * @param solveSeconds            wall time of the solve including model transfer
 * @param backend                 name of the backend (and underlying solver) that produced it
 * @param linearisationErrorBound upper bound on exact objective at x minus the backend's internal
 *                                (linearised) objective at x; 0 for an exact solve
 */
public record Solution(Status status, String explanation, double objective, double[] x, double solveSeconds,
                       String backend, double linearisationErrorBound) {

    public enum Status { OPTIMAL, INFEASIBLE, UNBOUNDED, NUMERICAL_TROUBLE, TIME_LIMIT, NOT_SOLVED }

    public boolean isOptimal() {
        return status == Status.OPTIMAL;
    }

    /** Value of variable {@code var}; throws if there is no solution. */
    public double value(int var) {
        if (x.length == 0) {
            throw new IllegalStateException("no solution (" + status + "): " + explanation);
        }
        return x[var];
    }

    /** A solution without a point (failed solve, or a stage that did not produce an optimum). */
    public static Solution failed(Status status, String explanation, double seconds, String backend) {
        return new Solution(status, explanation, Double.NaN, new double[0], seconds, backend, 0);
    }

    @Override
    public String toString() {
        return "Solution[" + status + ", objective=" + objective + ", " + x.length + " vars, "
                + String.format("%.3f s", solveSeconds) + ", " + backend + ", errorBound=" + linearisationErrorBound
                + ", " + explanation + "]";
    }
}
