package org.p2pgrid.expert.solver;

import java.util.List;
import org.p2pgrid.expert.model.ConvexModel;
import org.p2pgrid.expert.model.LinearExpr;

/**
 * Turns the convex parts of a {@link ConvexModel} into linear rows, with stated error bounds.
 *
 * <h2>Squares: outer approximation by tangent cuts</h2>
 * For a square t ≥ x² (an epigraph, or an objective term q·x²) over the variable's range [l, u],
 * the range is cut into n = {@code squareSegments} segments of width h = (u − l)/n and the n + 1
 * tangents at the segment ends, t ≥ 2a·x − a² (a = l + j·h), are used. Their maximum g(x)
 * underestimates x² by at most (h/2)², reached midway between two tangent points, and is exact at
 * the tangent points. Hence, at any point x:
 * <pre>  0 ≤ q·x² − q·g(x) ≤ q·(h/2)²  per objective term</pre>
 * and the model's objective error bound is Σ q_k·(h_k/2)² over the objective terms. A square
 * epigraph constraint is added as the n + 1 tangent rows and may be violated by at most (h/2)² in
 * t (reported as {@link Result#epigraphViolationBound()}): outer approximation relaxes it.
 *
 * <p>An objective term q·g(x) is compiled as bounded <b>segment columns</b> rather than as n + 1
 * rows on an epigraph variable: x = l + Σ δ_j, 0 ≤ δ_j ≤ width_j, objective q·(l² + Σ slope_j·δ_j)
 * with increasing slopes (g is convex and piecewise linear with breakpoints at the tangents'
 * intersections). Minimising fills the segments in order, so the value is q·g(x) exactly. Same
 * optimum, but one row instead of n + 1 (measured on the 20-prosumer DSO day: 13 824 of 97 632 rows
 * gone; bounded columns cost a simplex code bound flips, rows cost basis size and pivots).
 *
 * <p>Variables in squares need a finite range. If the model gives none, the range is derived by
 * interval propagation over the linear rows (a few passes of activity-bound tightening); if that
 * still leaves an infinite end, linearisation fails with an {@link IllegalArgumentException}
 * naming the variable (the fix is a bound in the model: an adaptive range could silently cut off
 * the optimum).
 *
 * <p>Objective terms may instead use <b>secants</b> ({@link SolveOptions.ObjectiveSquares#SECANTS}):
 * the piecewise-linear interpolation of x² at the a_j (slopes a_j + a_j+1, same segment columns),
 * which overestimates x² by at most (h/2)². Either way f(x_LP) − f* ∈ [0, Σ q·(h/2)²] on the same
 * (polygonal) feasible set; which is tighter depends on the model (not on the DSO day: measured gap 0.65 % vs 0.47 % for tangents at 8 segments).
 *
 * <h2>Discs: inscribed polygon</h2>
 * x² + y² ≤ r² becomes the n = {@code discSides} half-planes x·cos θ_k + y·sin θ_k ≤ r·cos(π/n),
 * θ_k = 2π(k + ½)/n: a regular polygon with vertices on the circle at angles 2πj/n (so for n a
 * multiple of 4 the axis points (±r, 0), (0, ±r) stay feasible). It is conservative: every
 * LP-feasible point is truly feasible; the worst-case radius loss is r·(1 − cos(π/n)) (16 sides:
 * 1.9 %, 256 sides: 0.0075 %). Sides already implied by the box of x and y are left out (with
 * P ≥ 0 the eight facing P &lt; 0; at night, when P's upper bound is 0, all of them).
 */
public final class Linearizer {

    /**
     * @param model                   linear model (no squares, discs; quadratic objective terms only
     *                                if they were kept); its first {@code originalVariables}
     *                                variables are the input model's, in the same order
     * @param originalVariables       variable count of the input model
     * @param objectiveErrorBound     Σ q·(h/2)² over the linearised objective terms
     * @param epigraphViolationBound  largest (h/2)² over the linearised square epigraphs
     * @param discRadiusFactor        cos(π/sides), the inscribed radius as a fraction of r
     */
    public record Result(ConvexModel model, int originalVariables, double objectiveErrorBound,
                         double epigraphViolationBound, double discRadiusFactor, List<SegmentLink> links) {}

    /**
     * One objective square's link row x = l + Σ_j δ_j (row {@code row} of the linear model, segment columns
     * {@code segments}); see {@link #substituteSegmentSums}.
     */
    public record SegmentLink(int row, int x, double l, int[] segments) {}

    /**
     * A linear model with every objective square's variable x replaced by l + Σ_j δ_j in all rows and the
     * objective, its link rows gone, and the way back to x.
     */
    public record Substituted(ConvexModel model, List<SegmentLink> substituted) {
        /** The solution of the substituted model with each replaced x set to l + Σ δ_j. */
        public double[] recover(double[] lpX) {
            double[] x = lpX.clone();
            for (SegmentLink k : substituted) {
                double v = k.l();
                for (int d : k.segments()) {
                    v += lpX[d];
                }
                x[k.x()] = v;
            }
            return x;
        }
    }

    private Linearizer() {}

    /** Linearises squares, discs and quadratic objective terms. */
    public static Result linearize(ConvexModel source, SolveOptions options) {
        return linearize(source, options.squareSegments(), options.discSides(), false,
                options.objectiveSquares() == SolveOptions.ObjectiveSquares.SECANTS);
    }

    /** As {@link #linearize(ConvexModel, int, int, boolean, boolean)} with tangent cuts for the objective. */
    public static Result linearize(ConvexModel source, int squareSegments, int discSides,
                                   boolean keepQuadraticObjective) {
        return linearize(source, squareSegments, discSides, keepQuadraticObjective, false);
    }

    /**
     * @param keepQuadraticObjective leave the q·x² objective terms in the result (for an exact QP
     *                               backend) instead of linearising them
     * @param secantObjective        linearise objective squares by secants (interpolation) instead
     *                               of tangent cuts; same bound, see {@link SolveOptions.ObjectiveSquares}
     */
    public static Result linearize(ConvexModel source, int squareSegments, int discSides,
                                   boolean keepQuadraticObjective, boolean secantObjective) {
        ConvexModel lp = new ConvexModel();
        List<SegmentLink> links = new java.util.ArrayList<>();
        int n = source.variableCount();
        for (int v = 0; v < n; v++) {
            lp.addVariable(source.varName(v), source.lowerBound(v), source.upperBound(v));
        }
        for (ConvexModel.Row row : source.rows()) {
            lp.addConstraint(row.name(), rowExpr(row), row.lb(), row.ub());
        }
        lp.addObjective(source.linearObjective());

        double[][] range = null; // lazily: propagated bounds, only if some square has an infinite end
        double objectiveError = 0;
        for (int k = 0; k < source.quadraticTermCount(); k++) {
            int x = source.quadraticVar(k);
            double q = source.quadraticCoef(k);
            if (keepQuadraticObjective) {
                lp.addQuadraticObjective(x, q);
                continue;
            }
            if (q == 0) {
                continue;
            }
            range = range != null || isBounded(source, x) ? range : propagatedBounds(source);
            double[] lu = rangeOf(source, x, range, "objective term " + q + "*" + source.varName(x) + "^2");
            String name = "sq_obj[" + k + "](" + source.varName(x) + ")";
            double h = addSegmentColumns(lp, name, x, q, lu[0], lu[1], squareSegments, secantObjective, links);
            objectiveError += q * (h / 2) * (h / 2);
        }

        double epigraphViolation = 0;
        for (ConvexModel.SquareEpigraph sq : source.squareEpigraphs()) {
            range = range != null || isBounded(source, sq.x()) ? range : propagatedBounds(source);
            double[] lu = rangeOf(source, sq.x(), range, "square epigraph " + sq.name());
            double h = addTangentCuts(lp, sq.name(), sq.x(), sq.t(), lu[0], lu[1], squareSegments);
            epigraphViolation = Math.max(epigraphViolation, (h / 2) * (h / 2));
        }

        double radiusFactor = Math.cos(Math.PI / discSides);
        for (ConvexModel.Disc disc : source.discs()) {
            addInscribedPolygon(lp, disc, discSides);
        }
        return new Result(lp, n, objectiveError, epigraphViolation, radiusFactor, List.copyOf(links));
    }

    /**
     * The same LP with fewer rows: each objective square's variable x is replaced by l + Σ_j δ_j in every
     * row and in the objective, and its link row dropped. Exact — x's range [l, u] (its bounds, or bounds
     * implied by the rows) is exactly what l + Σ δ_j with 0 ≤ δ_j ≤ w_j, Σ w_j = u − l, covers, so the
     * feasible set projected onto the other variables and the objective are unchanged; x keeps its column
     * (in no row, no cost: presolve drops it) and {@link Substituted#recover} sets it. A variable in two
     * objective squares is replaced through its first link; the second becomes a row over both segment sets.
     * Why: the dual simplex pivots roughly once per equality row; on the DSO's relaxed LP (a link row per
     * CDG prosumer-step) this cuts iterations by 5-12 % (benchmarks/RESULTS.md).
     */
    public static Substituted substituteSegmentSums(Result linear) {
        ConvexModel lp = linear.model();
        if (linear.links().isEmpty()) {
            return new Substituted(lp, List.of());
        }
        java.util.Map<Integer, SegmentLink> byVar = new java.util.HashMap<>();
        java.util.Set<Integer> linkRows = new java.util.HashSet<>();
        List<SegmentLink> used = new java.util.ArrayList<>();
        for (SegmentLink k : linear.links()) {
            if (byVar.putIfAbsent(k.x(), k) == null) {
                linkRows.add(k.row());
                used.add(k);
            }
        }
        ConvexModel out = new ConvexModel();
        for (int v = 0; v < lp.variableCount(); v++) {
            out.addVariable(lp.varName(v), lp.lowerBound(v), lp.upperBound(v));
        }
        List<ConvexModel.Row> rows = lp.rows();
        for (int r = 0; r < rows.size(); r++) {
            if (linkRows.contains(r)) {
                continue;
            }
            ConvexModel.Row row = rows.get(r);
            LinearExpr e = new LinearExpr();
            double shift = 0;
            for (int j = 0; j < row.vars().length; j++) {
                shift += substitute(e, row.vars()[j], row.coefs()[j], byVar);
            }
            out.addConstraint(row.name(), e, row.lb() - shift, row.ub() - shift);
        }
        LinearExpr obj = lp.linearObjective();
        LinearExpr o = LinearExpr.constant(obj.constant());
        for (int j = 0; j < obj.termCount(); j++) {
            o.addConstant(substitute(o, obj.var(j), obj.coef(j), byVar));
        }
        out.addObjective(o);
        return new Substituted(out, List.copyOf(used));
    }

    /** Adds a·v to e, with v = l + Σ δ if v is substituted; returns the constant a·l moved out (0 otherwise). */
    private static double substitute(LinearExpr e, int v, double a, java.util.Map<Integer, SegmentLink> byVar) {
        SegmentLink k = byVar.get(v);
        if (k == null) {
            e.add(v, a);
            return 0;
        }
        for (int d : k.segments()) {
            e.add(d, a);
        }
        return a * k.l();
    }

    /**
     * Objective term q·x² as a convex piecewise-linear function in "segment columns" (the
     * δ-formulation): x = l + Σ_j δ_j with 0 ≤ δ_j ≤ w_j and q·(l² + Σ_j m_j·δ_j) in the objective,
     * slopes m_j increasing. Because the slopes increase and q ≥ 0 is minimised, an optimum fills the
     * segments in order, so the objective equals q·g(x), g the piecewise-linear function with the
     * given breakpoints: the max of the tangents at a_j = l + j·h (tangent cuts; breakpoints at the
     * tangents' intersections, midway between tangent points, n + 1 pieces) or the interpolation of
     * x² at the a_j (secants, n pieces). One row and n(+1) bounded columns instead of n + 1 rows and a
     * column: bounded columns cost a simplex code almost nothing (bound flips), rows cost basis size.
     * Returns h.
     */
    private static double addSegmentColumns(ConvexModel lp, String name, int x, double q, double l, double u,
                                            int segments, boolean secant, List<SegmentLink> links) {
        LinearExpr link = LinearExpr.of(x, 1);
        LinearExpr cost = new LinearExpr();
        if (u - l <= 0) {
            lp.addObjective(LinearExpr.of(x, q * 2 * l).addConstant(-q * l * l)); // the tangent at l: exact at x = l
            return 0;
        }
        double h = (u - l) / segments;
        double[] breaks;
        double[] slopes;
        if (secant) {
            breaks = new double[segments + 1];
            slopes = new double[segments];
            for (int j = 0; j <= segments; j++) {
                breaks[j] = j == segments ? u : l + j * h;
            }
            for (int j = 0; j < segments; j++) {
                slopes[j] = breaks[j] + breaks[j + 1]; // (b² − a²)/(b − a)
            }
        } else {
            breaks = new double[segments + 2];
            slopes = new double[segments + 1];
            breaks[0] = l;
            breaks[segments + 1] = u;
            for (int j = 0; j <= segments; j++) {
                double a = j == segments ? u : l + j * h;
                slopes[j] = 2 * a;
                if (j < segments) {
                    breaks[j + 1] = l + (j + 0.5) * h;
                }
            }
        }
        int[] segs = new int[slopes.length];
        for (int j = 0; j < slopes.length; j++) {
            double width = breaks[j + 1] - breaks[j];
            int d = lp.addVariable(name + ".seg[" + j + "]", 0, width);
            segs[j] = d;
            link.add(d, -1);
            cost.add(d, q * slopes[j]);
        }
        links.add(new SegmentLink(lp.rows().size(), x, l, segs));
        lp.addEquality(name + ".link", link, l);
        cost.addConstant(q * l * l);
        lp.addObjective(cost);
        return h;
    }

    /** Adds t ≥ 2a·x − a² at a = l + j·h, j = 0..segments; returns h. */
    private static double addTangentCuts(ConvexModel lp, String name, int x, int t, double l, double u, int segments) {
        if (u - l <= 0) {
            lp.addConstraint(name + ".tangent[0]", new LinearExpr().add(t, 1).add(x, -2 * l), -l * l,
                    Double.POSITIVE_INFINITY);
            return 0;
        }
        double h = (u - l) / segments;
        for (int j = 0; j <= segments; j++) {
            double a = j == segments ? u : l + j * h;
            // t ≥ a² + 2a(x − a)  ⇔  t − 2a·x ≥ −a²
            lp.addConstraint(name + ".tangent[" + j + "]", new LinearExpr().add(t, 1).add(x, -2 * a), -a * a,
                    Double.POSITIVE_INFINITY);
        }
        return h;
    }

    private static void addInscribedPolygon(ConvexModel lp, ConvexModel.Disc disc, int sides) {
        double apothem = disc.radius() * Math.cos(Math.PI / sides);
        double xl = lp.lowerBound(disc.x());
        double xu = lp.upperBound(disc.x());
        double yl = lp.lowerBound(disc.y());
        double yu = lp.upperBound(disc.y());
        for (int k = 0; k < sides; k++) {
            double theta = 2 * Math.PI * (k + 0.5) / sides;
            double c = Math.cos(theta);
            double sn = Math.sin(theta);
            // A side the variables' box already implies (e.g. all sides facing P < 0 when P ≥ 0, and
            // at night, when P's upper bound is 0, all but none) is left out.
            double boxMax = (c > 0 ? c * xu : c * xl) + (sn > 0 ? sn * yu : sn * yl);
            if (boxMax <= apothem) {
                continue;
            }
            lp.addConstraint(disc.name() + ".side[" + k + "]",
                    new LinearExpr().add(disc.x(), c).add(disc.y(), sn),
                    Double.NEGATIVE_INFINITY, apothem);
        }
    }

    private static boolean isBounded(ConvexModel m, int x) {
        return Double.isFinite(m.lowerBound(x)) && Double.isFinite(m.upperBound(x));
    }

    private static double[] rangeOf(ConvexModel m, int x, double[][] propagated, String what) {
        double l = m.lowerBound(x);
        double u = m.upperBound(x);
        if (propagated != null) {
            l = Math.max(l, propagated[0][x]);
            u = Math.min(u, propagated[1][x]);
        }
        if (!Double.isFinite(l) || !Double.isFinite(u)) {
            throw new IllegalArgumentException(what + ": variable " + m.varName(x) + " has no finite range (bounds ["
                    + m.lowerBound(x) + ", " + m.upperBound(x) + "], after propagation through the linear constraints ["
                    + l + ", " + u + "]). A square is linearised over the variable's range, so give "
                    + m.varName(x) + " finite lower and upper bounds (e.g. the device rating).");
        }
        return new double[] {l, Math.max(l, u)};
    }

    /**
     * Activity-bound tightening: for each row lb ≤ Σ a_j·x_j ≤ ub and each of its variables,
     * a_k·x_k ∈ [lb − max(rest), ub − min(rest)]. A few passes; never looser than the model's bounds.
     */
    static double[][] propagatedBounds(ConvexModel m) {
        int n = m.variableCount();
        double[] lo = new double[n];
        double[] hi = new double[n];
        for (int v = 0; v < n; v++) {
            lo[v] = m.lowerBound(v);
            hi[v] = m.upperBound(v);
        }
        List<ConvexModel.Row> rows = m.rows();
        for (int pass = 0; pass < 5; pass++) {
            boolean changed = false;
            for (ConvexModel.Row row : rows) {
                int[] vars = row.vars();
                double[] a = row.coefs();
                for (int k = 0; k < vars.length; k++) {
                    double restMin = 0;
                    double restMax = 0;
                    for (int j = 0; j < vars.length; j++) {
                        if (j == k) {
                            continue;
                        }
                        double p = a[j] > 0 ? a[j] * lo[vars[j]] : a[j] * hi[vars[j]];
                        double q = a[j] > 0 ? a[j] * hi[vars[j]] : a[j] * lo[vars[j]];
                        restMin += p;
                        restMax += q;
                    }
                    double low = row.lb() - restMax; // bounds on a_k·x_k
                    double high = row.ub() - restMin;
                    double newLo = a[k] > 0 ? low / a[k] : high / a[k];
                    double newHi = a[k] > 0 ? high / a[k] : low / a[k];
                    int v = vars[k];
                    if (!Double.isNaN(newLo) && newLo > lo[v] + 1e-12) {
                        lo[v] = newLo;
                        changed = true;
                    }
                    if (!Double.isNaN(newHi) && newHi < hi[v] - 1e-12) {
                        hi[v] = newHi;
                        changed = true;
                    }
                }
            }
            if (!changed) {
                break;
            }
        }
        return new double[][] {lo, hi};
    }

    static LinearExpr rowExpr(ConvexModel.Row row) {
        LinearExpr e = new LinearExpr();
        for (int k = 0; k < row.vars().length; k++) {
            e.add(row.vars()[k], row.coefs()[k]);
        }
        return e;
    }
}
