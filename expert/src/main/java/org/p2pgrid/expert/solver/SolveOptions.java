package org.p2pgrid.expert.solver;

/**
 * How a backend treats the convex (non-linear) parts of a model and how long it may run.
 *
 * @param squareSegments  segments of the piecewise-linear outer approximation of every square
 *                        (epigraph t ≥ x² and objective term q·x²) over the variable's range; the
 *                        error per term is at most q·(h/2)² with h = range / segments (see
 *                        {@link Linearizer})
 * @param discSides       sides of the regular polygon inscribed in every disc x² + y² ≤ r²
 *                        (eq 4); the radius shrinks to r·cos(π/sides) in the worst direction
 * @param timeLimitSeconds wall-clock limit of one solve
 * @param solverOutput    let the native solver print its log (off by default)
 * @param objectiveSquares how objective terms q·x² are linearised (square epigraph constraints are
 *                        always outer-approximated by tangent cuts)
 */
public record SolveOptions(int squareSegments, int discSides, double timeLimitSeconds, boolean solverOutput,
                           ObjectiveSquares objectiveSquares) {

    /**
     * Linearisation of objective terms q·x². Both have the same worst-case bound q·(h/2)² on
     * f(x_LP) − f*, but they differ in practice: an LP optimum sits at a kink of the piecewise-linear
     * function, which for tangent cuts is where their error is largest (midway between tangent
     * points) and for secants where it is zero (the breakpoints).
     */
    public enum ObjectiveSquares {
        /** Outer approximation: max of tangents, underestimates x² (LP objective ≤ exact). */
        TANGENT_CUTS,
        /** Inner approximation: piecewise-linear interpolation = max of segment secants, overestimates x². */
        SECANTS
    }

    /** 8 segments, 16 sides (measured: 6.5e-5 relative above the exact optimum at N = 20), 120 s. */
    public static final int DEFAULT_SEGMENTS = 8;
    public static final int DEFAULT_DISC_SIDES = 16;

    public SolveOptions {
        if (squareSegments < 1) {
            throw new IllegalArgumentException("squareSegments = " + squareSegments + ": must be >= 1");
        }
        if (discSides < 4 || discSides % 4 != 0) {
            throw new IllegalArgumentException("discSides = " + discSides
                    + ": must be a multiple of 4 (>= 4) so the polygon keeps the disc's axis points (S, 0), (0, S)");
        }
        if (objectiveSquares == null) {
            throw new IllegalArgumentException("objectiveSquares is required");
        }
        if (!(timeLimitSeconds > 0)) {
            throw new IllegalArgumentException("timeLimitSeconds = " + timeLimitSeconds + ": must be > 0");
        }
    }

    public static SolveOptions defaults() {
        return new SolveOptions(DEFAULT_SEGMENTS, DEFAULT_DISC_SIDES, 120, false, ObjectiveSquares.TANGENT_CUTS);
    }

    public SolveOptions withSquareSegments(int segments) {
        return new SolveOptions(segments, discSides, timeLimitSeconds, solverOutput, objectiveSquares);
    }

    public SolveOptions withDiscSides(int sides) {
        return new SolveOptions(squareSegments, sides, timeLimitSeconds, solverOutput, objectiveSquares);
    }

    public SolveOptions withTimeLimitSeconds(double seconds) {
        return new SolveOptions(squareSegments, discSides, seconds, solverOutput, objectiveSquares);
    }

    public SolveOptions withObjectiveSquares(ObjectiveSquares how) {
        return new SolveOptions(squareSegments, discSides, timeLimitSeconds, solverOutput, how);
    }
}
