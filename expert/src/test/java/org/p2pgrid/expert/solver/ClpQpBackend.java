package org.p2pgrid.expert.solver;

import com.quantego.clp.CLP;
import com.quantego.clp.CLPExpression;
import com.quantego.clp.CLPVariable;
import java.util.Arrays;
import org.p2pgrid.expert.model.ConvexModel;

/**
 * Verification backend: exact diagonal convex QP through clp-java (objective q·x² terms solved
 * exactly); square epigraph constraints and discs still need linear rows, so they are approximated
 * finely (by default 256 tangent segments and 256-sided inscribed polygons — radius factor
 * cos(π/256) = 0.999925). Slow on big models (≈ 9 s for the 20-prosumer day); for tests only
 * (clp-java is a test-scope dependency).
 */
public final class ClpQpBackend implements SolverBackend {
    private final int epigraphSegments;
    private final Integer discSidesOverride;

    /** 256 tangent segments per square epigraph; disc polygons as in the solve options. */
    public ClpQpBackend() {
        this(256, null);
    }

    /** @param discSides polygon sides for discs regardless of the options (null: use the options') */
    public ClpQpBackend(int epigraphSegments, Integer discSides) {
        this.epigraphSegments = epigraphSegments;
        this.discSidesOverride = discSides;
    }

    @Override
    public String name() {
        return "clp-java-qp";
    }

    @Override
    public Solution solve(ConvexModel model, SolveOptions options) {
        long start = System.nanoTime();
        int sides = discSidesOverride != null ? discSidesOverride : options.discSides();
        Linearizer.Result r = Linearizer.linearize(model, epigraphSegments, sides, true);
        ConvexModel qp = r.model();
        CLP clp = new CLP().verbose(options.solverOutput() ? 1 : 0).maxSeconds(options.timeLimitSeconds());
        int n = qp.variableCount();
        CLPVariable[] vars = new CLPVariable[n];
        for (int v = 0; v < n; v++) {
            vars[v] = clp.addVariable().bounds(finite(qp.lowerBound(v)), finite(qp.upperBound(v)));
        }
        for (ConvexModel.Row row : qp.rows()) {
            boolean lbFinite = Double.isFinite(row.lb());
            boolean ubFinite = Double.isFinite(row.ub());
            if (lbFinite && ubFinite && row.lb() == row.ub()) {
                expr(clp, vars, row).eq(row.lb());
                continue;
            }
            if (lbFinite) {
                expr(clp, vars, row).geq(row.lb());
            }
            if (ubFinite) {
                expr(clp, vars, row).leq(row.ub());
            }
        }
        double[] lin = new double[n];
        var obj = qp.linearObjective();
        for (int k = 0; k < obj.termCount(); k++) {
            lin[obj.var(k)] += obj.coef(k);
        }
        double[] quad = new double[n];
        for (int k = 0; k < qp.quadraticTermCount(); k++) {
            quad[qp.quadraticVar(k)] += qp.quadraticCoef(k);
        }
        for (int v = 0; v < n; v++) {
            if (lin[v] != 0) {
                clp.setObjectiveCoefficient(vars[v], lin[v]);
            }
            if (quad[v] != 0) {
                // clp-java's coefficient is the one of x² itself (measured: c = 1 on x² − 2x gives x = 1).
                clp.setQuadraticObjectiveCoefficient(vars[v], quad[v]);
            }
        }
        CLP.STATUS status = clp.minimize();
        double seconds = (System.nanoTime() - start) * 1e-9;
        if (status != CLP.STATUS.OPTIMAL) {
            Solution.Status s = switch (status) {
                case INFEASIBLE -> Solution.Status.INFEASIBLE;
                case UNBOUNDED -> Solution.Status.UNBOUNDED;
                case LIMIT -> Solution.Status.TIME_LIMIT;
                default -> Solution.Status.NUMERICAL_TROUBLE;
            };
            return new Solution(s, "clp-java QP returned " + status, Double.NaN, new double[0], seconds, name(), 0);
        }
        double[] x = new double[r.originalVariables()];
        for (int v = 0; v < x.length; v++) {
            x[v] = clp.getSolution(vars[v]);
        }
        return new Solution(Solution.Status.OPTIMAL, "OPTIMAL (exact QP objective; epigraphs " + epigraphSegments
                + " segments, discs " + sides + "-gons)", model.objectiveValue(Arrays.copyOf(x, x.length)), x, seconds,
                name(), 0);
    }

    private static CLPExpression expr(CLP clp, CLPVariable[] vars, ConvexModel.Row row) {
        CLPExpression e = clp.createExpression();
        for (int k = 0; k < row.vars().length; k++) {
            e.add(row.coefs()[k], vars[row.vars()[k]]);
        }
        return e;
    }

    private static double finite(double v) {
        return v == Double.POSITIVE_INFINITY ? Double.MAX_VALUE : v == Double.NEGATIVE_INFINITY ? -Double.MAX_VALUE : v;
    }
}
