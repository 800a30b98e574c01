package org.p2pgrid.expert.solver;

import org.p2pgrid.expert.model.ConvexModel;

/**
 * Solves a {@link ConvexModel}. Implementations either solve the quadratic parts exactly or
 * linearise them through {@link Linearizer} and state the resulting error bound in the
 * {@link Solution}. Every call is independent (no shared native solver object), so one backend
 * instance may be used from several threads at once.
 */
public interface SolverBackend {

    /** Short name for logs and reports, e.g. {@code ortools-HIGHS_LP}. */
    String name();

    /**
     * Minimises the model. Never throws for an infeasible, unbounded or numerically troubled model:
     * those come back as a {@link Solution} with the matching status and an explanation.
     *
     * @throws IllegalArgumentException if the model cannot be handed to this backend at all (e.g. a
     *                                  quadratic term on a variable without finite bounds)
     */
    Solution solve(ConvexModel model, SolveOptions options);

    default Solution solve(ConvexModel model) {
        return solve(model, SolveOptions.defaults());
    }
}
