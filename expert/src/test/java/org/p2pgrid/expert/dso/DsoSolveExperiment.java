package org.p2pgrid.expert.dso;

import com.google.ortools.Loader;
import com.google.ortools.linearsolver.MPConstraint;
import com.google.ortools.linearsolver.MPObjective;
import com.google.ortools.linearsolver.MPSolver;
import com.google.ortools.linearsolver.MPVariable;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.pomdp.DayExogenous;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.expert.model.ConvexModel;
import org.p2pgrid.expert.model.LinearExpr;
import org.p2pgrid.expert.solver.Linearizer;
import org.p2pgrid.expert.solver.SolveOptions;

/**
 * Diagnostic harness (a main, not a test) for the DSO LP at t = 0, day 172: prints the linearised
 * model's size, per-row-family coefficient ranges and column bound types, then solves it directly on
 * {@link MPSolver} {@code reps} times. Args: N prosumers, HiGHS options ("a=b;c=d"), reps; system
 * properties {@code -Dout=true} (solver log: presolve, simplex/IPM iterations), {@code -Dsolver=CLP},
 * {@code -Ddrop=<regex>} (leave out rows whose name matches, e.g. "dso\\..*" for no network).
 * {@code -Dstage1=project|plain} (solve the two-stage solve's relaxed LP, with or without the reactive projection),
 * {@code -Dsegments=8}, {@code -Dsecants} (objective squares as secants), {@code -DtangentRows=true} (objective
 * squares as epigraph + tangent rows), {@code -DsubstituteLinks=true} (segment sums substituted for the squared
 * variable in every row, no link rows),
 * {@code -DdualHint=true} (with stage1: add DsoExpert's dual hint to the objective), {@code -DdualShift=bal|soc} (the
 * experiment the hint came from: balance rows by name, "soc" also the storage rows with the day's mean μ),
 * {@code -Ddump=<i>} (prosumer i's rows at step 5 with objective coefficients),
 * {@code -Dmodels=reference} (place the reference .p2pm models instead of the hand-written fixture).
 * Run with the test classpath, e.g. {@code java -cp <cp> org.p2pgrid.expert.dso.DsoSolveExperiment 20 "" 3}.
 * (MPSolver.setSolverSpecificParametersAsString returns false for HiGHS in OR-Tools 9.15 even when
 * the options take effect — check the log.)
 */
public final class DsoSolveExperiment {
    public static void main(String[] args) {
        Loader.loadNativeLibraries();
        int prosumers = Integer.parseInt(args[0]);
        String params = args.length > 1 ? args[1].replace(';', '\n') : "";
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Scenario s = prosumers == 20 ? Scenarios.defaults(1)
                : Scenarios.synthetic(prosumers > 140 ? prosumers + 41 : 141, prosumers, 1);
        DayExogenous day = s.exogenous().day(172);
        DeviceState[] states = new DeviceState[prosumers];
        for (int i = 0; i < prosumers; i++) {
            states[i] = DeviceState.initial(s.prosumers().get(i));
        }
        double[][][] band = DsoProblem.defaultVoltageBand(s, 0);
        DsoProblem p = DsoProblem.build(s, "reference".equals(System.getProperty("models"))
                ? new org.p2pgrid.expert.lang.ReferenceModelFactory() : new HandWrittenProsumerModels(), day, 0, states, band[0], band[1], null);
        ConvexModel source = p.model();
        String stage1 = System.getProperty("stage1", "");
        if (!stage1.isEmpty()) { // the two-stage solve's relaxed LP ("project" as DsoExpert does, "plain" without projection)
            DsoExpert.ReactiveStructure rs = "project".equals(stage1) ? DsoExpert.ReactiveStructure.of(p) : null;
            int[] relaxedVars = DsoExpert.relaxedVariables(p, rs);
            source = DsoExpert.relaxedModel(p, rs, relaxedVars);
            if (Boolean.getBoolean("dualHint")) { // stage 1's dual hint as DsoExpert adds it
                source.addObjective(DsoExpert.dualHint(p, source, relaxedVars));
            }
        }
        if (Boolean.getBoolean("tangentRows")) { // objective squares as epigraph t >= x^2 (tangent-cut rows) instead of segment columns
            ConvexModel m = source.subModel(java.util.stream.IntStream.range(0, source.variableCount()).toArray(),
                    new double[source.variableCount()]);
            ConvexModel e = new ConvexModel();
            for (int v = 0; v < m.variableCount(); v++) e.addVariable(m.varName(v), m.lowerBound(v), m.upperBound(v));
            for (ConvexModel.Row r : m.rows()) {
                LinearExpr x = new LinearExpr();
                for (int k = 0; k < r.vars().length; k++) x.add(r.vars()[k], r.coefs()[k]);
                e.addConstraint(r.name(), x, r.lb(), r.ub());
            }
            for (ConvexModel.Disc d : m.discs()) e.addDisc(d.name(), d.x(), d.y(), d.radius());
            e.addObjective(m.linearObjective());
            for (int k = 0; k < m.quadraticTermCount(); k++) {
                int x = m.quadraticVar(k);
                double hi = Math.max(m.lowerBound(x) * m.lowerBound(x), m.upperBound(x) * m.upperBound(x));
                int t = e.addVariable("t" + k, 0, hi);
                e.addSquareEpigraph("epi" + k, x, t);
                e.addObjective(LinearExpr.of(t, m.quadraticCoef(k)));
            }
            source = e;
        }
        SolveOptions so = SolveOptions.defaults();
        if (System.getProperty("secants") != null) {
            so = so.withObjectiveSquares(SolveOptions.ObjectiveSquares.SECANTS);
        }
        so = so.withSquareSegments(Integer.getInteger("segments", SolveOptions.DEFAULT_SEGMENTS));
        ConvexModel lp = Linearizer.linearize(source, so).model();
        if (Boolean.getBoolean("substituteLinks")) { // x = l + Σ δ_j substituted into every other row (no link rows)
            java.util.Map<Integer, ConvexModel.Row> link = new java.util.HashMap<>();
            for (ConvexModel.Row r : lp.rows()) {
                if (r.name().endsWith(".link")) link.put(r.vars()[0], r);
            }
            ConvexModel e = new ConvexModel();
            for (int v = 0; v < lp.variableCount(); v++) e.addVariable(lp.varName(v), lp.lowerBound(v), lp.upperBound(v));
            for (ConvexModel.Row r : lp.rows()) {
                if (r.name().endsWith(".link")) continue;
                LinearExpr x = new LinearExpr();
                for (int k = 0; k < r.vars().length; k++) {
                    ConvexModel.Row l = link.get(r.vars()[k]);
                    if (l == null) { x.add(r.vars()[k], r.coefs()[k]); continue; }
                    // l: x - Σ δ = lb  →  x = lb + Σ δ
                    x.addConstant(r.coefs()[k] * l.lb());
                    for (int j = 1; j < l.vars().length; j++) x.add(l.vars()[j], -l.coefs()[j] * r.coefs()[k]);
                }
                e.addConstraint(r.name(), x, r.lb(), r.ub());
            }
            LinearExpr obj = lp.linearObjective();
            LinearExpr o2 = LinearExpr.constant(obj.constant());
            for (int k = 0; k < obj.termCount(); k++) {
                ConvexModel.Row l = link.get(obj.var(k));
                if (l == null) { o2.add(obj.var(k), obj.coef(k)); continue; }
                o2.addConstant(obj.coef(k) * l.lb());
                for (int j = 1; j < l.vars().length; j++) o2.add(l.vars()[j], -l.coefs()[j] * obj.coef(k));
            }
            e.addObjective(o2);
            lp = e;
        }
        if (System.getProperty("dump") != null) { // rows of prosumer p<dump> at step 5 with objective coefficients
            double[] oc = new double[lp.variableCount()];
            LinearExpr ob = lp.linearObjective();
            for (int k = 0; k < ob.termCount(); k++) oc[ob.var(k)] += ob.coef(k);
            String pre = "p" + System.getProperty("dump") + ".";
            for (ConvexModel.Row r : lp.rows()) {
                if (!(r.name().startsWith(pre) && r.name().contains("[5]")) && !r.name().equals("dso.p2pBalance[5]")) continue;
                StringBuilder b = new StringBuilder(r.name() + " [" + r.lb() + ", " + r.ub() + "]:");
                for (int k = 0; k < r.vars().length && k < 12; k++) {
                    int v = r.vars()[k];
                    b.append(String.format(" %+.4g*%s{c=%.4g,[%.3g,%.3g]}", r.coefs()[k], lp.varName(v), oc[v], lp.lowerBound(v), lp.upperBound(v)));
                }
                System.out.println(b);
            }
        }
        if (System.getProperty("dualShift") != null) { // objective += Σ_r μ_r (b_r − a_r·x) over equality rows: same value on the feasible set
            java.util.Map<String, Integer> byName = new java.util.HashMap<>();
            for (int v = 0; v < lp.variableCount(); v++) byName.put(lp.varName(v), v);
            double[] oc = new double[lp.variableCount()];
            LinearExpr ob = lp.linearObjective();
            for (int k = 0; k < ob.termCount(); k++) oc[ob.var(k)] += ob.coef(k);
            double constant = ob.constant();
            double[] shift = new double[lp.variableCount()];
            java.util.Map<String, double[]> muMean = new java.util.HashMap<>(); // prosumer -> {sum, n}
            for (ConvexModel.Row r : lp.rows()) {
                if (!r.name().matches("p\\d+\\.balance\\[\\d+\\]") || r.lb() != r.ub()) continue;
                String pre = r.name().substring(0, r.name().indexOf('.'));
                String step = r.name().substring(r.name().indexOf('['));
                Integer in = byName.get(pre + ".P_P2P_in" + step), out = byName.get(pre + ".P_P2P_out" + step);
                if (in == null || out == null) continue;
                double mu = (oc[in] - oc[out]) / 2 * Double.parseDouble(System.getProperty("muScale", "1"));
                double[] mm = muMean.computeIfAbsent(pre, z -> new double[2]); mm[0] += mu; mm[1]++;
                for (int k = 0; k < r.vars().length; k++) shift[r.vars()[k]] -= mu * r.coefs()[k];
                constant += mu * r.lb();
            }
            if ("soc".equals(System.getProperty("dualShift"))) {
                for (ConvexModel.Row r : lp.rows()) {
                    if (!r.name().contains(".soc_") || r.lb() != r.ub()) continue;
                    String pre = r.name().substring(0, r.name().indexOf('.'));
                    double[] mm = muMean.get(pre);
                    if (mm == null) continue;
                    double b = 0;
                    for (int k = 0; k < r.vars().length; k++) if (lp.varName(r.vars()[k]).contains(".P_dis")) b = r.coefs()[k];
                    if (b == 0) continue;
                    double w = -(mm[0] / mm[1]) / b;
                    for (int k = 0; k < r.vars().length; k++) shift[r.vars()[k]] -= w * r.coefs()[k];
                    constant += w * r.lb();
                }
            }
            LinearExpr o2 = LinearExpr.constant(constant);
            for (int v = 0; v < lp.variableCount(); v++) if (oc[v] + shift[v] != 0) o2.add(v, oc[v] + shift[v]);
            ConvexModel e = new ConvexModel();
            for (int v = 0; v < lp.variableCount(); v++) e.addVariable(lp.varName(v), lp.lowerBound(v), lp.upperBound(v));
            for (ConvexModel.Row r : lp.rows()) {
                LinearExpr x = new LinearExpr();
                for (int k = 0; k < r.vars().length; k++) x.add(r.vars()[k], r.coefs()[k]);
                e.addConstraint(r.name(), x, r.lb(), r.ub());
            }
            e.addObjective(o2);
            lp = e;
        }
        System.out.println(DsoExpert.describe(lp));
        if (Boolean.getBoolean("freeVars")) {
            java.util.Map<String, Integer> freeByName = new java.util.TreeMap<>();
            for (int v = 0; v < lp.variableCount(); v++) {
                if (lp.lowerBound(v) == Double.NEGATIVE_INFINITY && lp.upperBound(v) == Double.POSITIVE_INFINITY) {
                    freeByName.merge(lp.varName(v).replaceAll("[0-9]+", "#"), 1, Integer::sum);
                }
            }
            System.out.println("free variables by name pattern: " + freeByName);
        }
        stats(lp);
        for (int r = 0; r < reps; r++) {
            MPSolver solver = MPSolver.createSolver(System.getProperty("solver", "HIGHS_LP"));
            if (!params.isEmpty()) {
                System.out.println("params ok: " + solver.setSolverSpecificParametersAsString(params));
            }
            if (Boolean.getBoolean("out")) solver.enableOutput(); else solver.suppressOutput();
            long t0 = System.nanoTime();
            long tc0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            double inf = MPSolver.infinity();
            int n = lp.variableCount();
            MPVariable[] vars = new MPVariable[n];
            for (int v = 0; v < n; v++) {
                vars[v] = solver.makeNumVar(Math.max(-inf, lp.lowerBound(v)), Math.min(inf, lp.upperBound(v)), "");
            }
            String drop = System.getProperty("drop", "#");
            for (ConvexModel.Row row : lp.rows()) {
                if (row.name().matches(drop)) continue;
                MPConstraint c = solver.makeConstraint(Math.max(-inf, row.lb()), Math.min(inf, row.ub()), "");
                for (int k = 0; k < row.vars().length; k++) {
                    c.setCoefficient(vars[row.vars()[k]], row.coefs()[k]);
                }
            }
            MPObjective o = solver.objective();
            LinearExpr obj = lp.linearObjective();
            double[] coef = new double[n];
            for (int k = 0; k < obj.termCount(); k++) coef[obj.var(k)] += obj.coef(k);
            for (int v = 0; v < n; v++) if (coef[v] != 0) o.setCoefficient(vars[v], coef[v]);
            o.setOffset(obj.constant());
            o.setMinimization();
            long t1 = System.nanoTime();
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long c1 = mx.getCurrentThreadCpuTime();
            long pc1 = os.getProcessCpuTime();
            MPSolver.ResultStatus st = solver.solve();
            long t2 = System.nanoTime();
            long c2 = mx.getCurrentThreadCpuTime();
            long pc2 = os.getProcessCpuTime();
            System.out.printf("rep %d: transfer %.3f s (cpu %.3f s), solve %.3f s (thread cpu %.3f s, process cpu %.3f s), %s, obj %.9f, iters %d%n", r,
                    (t1 - t0) * 1e-9, (c1 - tc0) * 1e-9, (t2 - t1) * 1e-9, (c2 - c1) * 1e-9, (pc2 - pc1) * 1e-9, st, o.value(), solver.iterations());
            solver.delete();
        }
    }

    static void stats(ConvexModel m) {
        int free = 0, lbOnly = 0, ubOnly = 0, boxed = 0, fixed = 0;
        for (int v = 0; v < m.variableCount(); v++) {
            boolean l = Double.isFinite(m.lowerBound(v)), u = Double.isFinite(m.upperBound(v));
            if (l && u && m.lowerBound(v) == m.upperBound(v)) fixed++;
            else if (l && u) boxed++;
            else if (l) lbOnly++;
            else if (u) ubOnly++;
            else free++;
        }
        double amin = Double.POSITIVE_INFINITY, amax = 0;
        long nnz = 0;
        for (ConvexModel.Row r : m.rows()) {
            for (double a : r.coefs()) {
                if (a != 0) { amin = Math.min(amin, Math.abs(a)); amax = Math.max(amax, Math.abs(a)); nnz++; }
            }
        }
        java.util.Map<String,double[]> fam = new java.util.TreeMap<>();
        for (ConvexModel.Row r : m.rows()) {
            String f = r.name().replaceAll("^p\\d+\\.", "p.").replaceAll("\\[.*", "");
            double[] e = fam.computeIfAbsent(f, z -> new double[] {Double.POSITIVE_INFINITY, 0, 0, 0});
            for (double a : r.coefs()) if (a != 0) { e[0] = Math.min(e[0], Math.abs(a)); e[1] = Math.max(e[1], Math.abs(a)); }
            for (double b : new double[] {r.lb(), r.ub()}) if (Double.isFinite(b)) e[2] = Math.max(e[2], Math.abs(b));
            e[3]++;
        }
        fam.forEach((k, e) -> System.out.printf("  %-40s n=%6.0f |a| [%.3g, %.3g] |rhs| <= %.3g%n", k, e[3], e[0], e[1], e[2]));
        System.out.printf("vars: free %d, lb-only %d, ub-only %d, boxed %d, fixed %d; nnz %d; |a| in [%.3g, %.3g]%n",
                free, lbOnly, ubOnly, boxed, fixed, nnz, amin, amax);
    }
}
