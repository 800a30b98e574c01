package org.p2pgrid.expert.solver;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.p2pgrid.expert.model.ConvexModel;
import org.p2pgrid.expert.model.LinearExpr;

/**
 * Cheap, LLM-readable explanations of failed solves: which constraint family (a constraint name with
 * its indices replaced by {@code [k]}, e.g. {@code p3.soc[k]}) makes a model infeasible, which
 * variables let it run off to −∞.
 */
public final class Diagnostics {
    private static final int MAX_LISTED = 5;
    /** Elastic re-solves are skipped above this many rows (they roughly double the solve time). */
    static final int ELASTIC_ROW_LIMIT = 400_000;

    private Diagnostics() {}

    /** A constraint's family: its name with bracketed indices replaced by {@code [k]}. */
    public static String family(String name) {
        return name.replaceAll("\\[[-0-9, ]+\\]", "[k]");
    }

    /**
     * Explains infeasibility of a linear model: first rows that no values within the variable
     * bounds can satisfy on their own; otherwise, if {@code linearSolver} is given, an elastic
     * re-solve (every row gets non-negative slacks, their sum is minimised) names the families
     * that need the largest relaxation.
     */
    static String explainInfeasible(ConvexModel lp, Function<ConvexModel, Solution> linearSolver) {
        StringBuilder b = new StringBuilder("INFEASIBLE: no values satisfy all constraints together. ");
        List<String> impossibleRows = new ArrayList<>();
        for (ConvexModel.Row row : lp.rows()) {
            double min = 0;
            double max = 0;
            for (int k = 0; k < row.vars().length; k++) {
                int v = row.vars()[k];
                double a = row.coefs()[k];
                min += a > 0 ? a * lp.lowerBound(v) : a * lp.upperBound(v);
                max += a > 0 ? a * lp.upperBound(v) : a * lp.lowerBound(v);
            }
            double tol = 1e-7 * (1 + Math.max(finiteAbs(row.lb()), finiteAbs(row.ub())));
            if (min > row.ub() + tol || max < row.lb() - tol) {
                impossibleRows.add("'" + row.name() + "' needs a value in [" + row.lb() + ", " + row.ub()
                        + "] but its variables' bounds only allow [" + min + ", " + max + "]");
            }
        }
        if (!impossibleRows.isEmpty()) {
            b.append("Constraints that cannot hold even alone, given the variable bounds (")
                    .append(impossibleRows.size()).append("): ");
            b.append(String.join("; ", impossibleRows.subList(0, Math.min(MAX_LISTED, impossibleRows.size()))));
            b.append(". Likely cause: a bound or constant with the wrong sign or unit in that constraint family.");
            return b.toString();
        }
        if (linearSolver == null || lp.rows().size() > ELASTIC_ROW_LIMIT) {
            return b.append("Every constraint can hold alone; the conflict is between several of them. Constraint "
                    + "families: ").append(familyCounts(lp)).toString();
        }
        Map<String, double[]> relaxation = elasticRelaxation(lp, linearSolver);
        if (relaxation == null) {
            return b.append("The elastic re-solve that would locate the conflict failed too. Constraint families: ")
                    .append(familyCounts(lp)).toString();
        }
        b.append("The smallest relaxation that makes it feasible changes these constraint families ")
                .append("(family: rows relaxed, total amount): ");
        List<String> parts = new ArrayList<>();
        relaxation.entrySet().stream()
                .sorted((x, y) -> Double.compare(y.getValue()[1], x.getValue()[1]))
                .limit(MAX_LISTED)
                .forEach(e -> parts.add(e.getKey() + ": " + (int) e.getValue()[0] + " rows, " + e.getValue()[1]));
        b.append(String.join("; ", parts));
        b.append(". Likely cause: these constraints contradict each other or the fixed inputs (e.g. a demand that "
                + "bounds cannot cover, a state outside its limits, a balance with a sign error).");
        return b.toString();
    }

    private static double finiteAbs(double v) {
        return Double.isFinite(v) ? Math.abs(v) : 0;
    }

    /** Family → {rows with slack, total slack}, or null if the elastic model could not be solved. */
    private static Map<String, double[]> elasticRelaxation(ConvexModel lp, Function<ConvexModel, Solution> solver) {
        ConvexModel elastic = new ConvexModel();
        int n = lp.variableCount();
        for (int v = 0; v < n; v++) {
            elastic.addVariable(lp.varName(v), lp.lowerBound(v), lp.upperBound(v));
        }
        List<ConvexModel.Row> rows = lp.rows();
        int[] plus = new int[rows.size()];
        int[] minus = new int[rows.size()];
        LinearExpr objective = new LinearExpr();
        for (int r = 0; r < rows.size(); r++) {
            ConvexModel.Row row = rows.get(r);
            LinearExpr e = Linearizer.rowExpr(row);
            plus[r] = elastic.addVariable("slack+(" + row.name() + ")", 0, Double.POSITIVE_INFINITY);
            minus[r] = elastic.addVariable("slack-(" + row.name() + ")", 0, Double.POSITIVE_INFINITY);
            e.add(plus[r], 1).add(minus[r], -1);
            objective.add(plus[r], 1).add(minus[r], 1);
            elastic.addConstraint(row.name(), e, row.lb(), row.ub());
        }
        elastic.addObjective(objective);
        Solution s = solver.apply(elastic);
        if (!s.isOptimal()) {
            return null;
        }
        Map<String, double[]> byFamily = new LinkedHashMap<>();
        for (int r = 0; r < rows.size(); r++) {
            double slack = s.x()[plus[r]] + s.x()[minus[r]];
            if (slack > 1e-7) {
                double[] acc = byFamily.computeIfAbsent(family(rows.get(r).name()), k -> new double[2]);
                acc[0]++;
                acc[1] += slack;
            }
        }
        return byFamily;
    }

    /** Explains an unbounded objective by the variables that can improve it without limit. */
    static String explainUnbounded(ConvexModel lp) {
        LinearExpr obj = lp.linearObjective();
        List<String> culprits = new ArrayList<>();
        for (int k = 0; k < obj.termCount(); k++) {
            int v = obj.var(k);
            double c = obj.coef(k);
            if ((c < 0 && lp.upperBound(v) == Double.POSITIVE_INFINITY)
                    || (c > 0 && lp.lowerBound(v) == Double.NEGATIVE_INFINITY)) {
                culprits.add(lp.varName(v) + " (objective coefficient " + c + ", bound on that side missing)");
            }
        }
        StringBuilder b = new StringBuilder("UNBOUNDED: the objective can decrease without limit. ");
        if (!culprits.isEmpty()) {
            b.append("Variables that lower the cost and have no bound in that direction (").append(culprits.size())
                    .append("): ").append(String.join("; ", culprits.subList(0, Math.min(MAX_LISTED, culprits.size()))))
                    .append(". ");
        }
        b.append("Likely cause: a missing device limit (e.g. a sale or discharge variable without an upper bound) "
                + "or a cost term with the wrong sign (selling must earn less than buying costs).");
        return b.toString();
    }

    private static String familyCounts(ConvexModel lp) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (ConvexModel.Row row : lp.rows()) {
            counts.merge(family(row.name()), 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        counts.entrySet().stream().limit(20).forEach(e -> parts.add(e.getKey() + " x" + e.getValue()));
        return String.join(", ", parts) + (counts.size() > 20 ? ", ..." : "");
    }
}
