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
 * {@code -Dcommunity=true [-DcommunityHint=true]} (trade columns as community-level grid purchase/sale and P2P volume),
 * {@code -DslackColumns=true [-DslackPrefer=P_sell]} (a bounded column singleton of each equality row eliminated),
 * {@code -Dregimes=true} (per step: does the community buy from / sell to the grid at the optimum),
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
        if (Boolean.getBoolean("community")) {
            lp = communityTrades(lp);
        }
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
        if (Boolean.getBoolean("slackColumns")) { // an equality row's column singleton (bounded) eliminated: the row becomes a range
            lp = slackColumns(lp);
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
        if (Boolean.getBoolean("proto")) { // the same LP through MPSolver.solveWithProto (one JNI call each way)
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime(), c0 = mx.getCurrentThreadCpuTime();
                int n = lp.variableCount();
                double[] coef = new double[n];
                LinearExpr obj = lp.linearObjective();
                for (int k = 0; k < obj.termCount(); k++) coef[obj.var(k)] += obj.coef(k);
                com.google.ortools.linearsolver.MPModelProto.Builder mb = com.google.ortools.linearsolver.MPModelProto.newBuilder();
                for (int v = 0; v < n; v++) {
                    mb.addVariable(com.google.ortools.linearsolver.MPVariableProto.newBuilder()
                            .setLowerBound(lp.lowerBound(v)).setUpperBound(lp.upperBound(v)).setObjectiveCoefficient(coef[v]));
                }
                for (ConvexModel.Row row : lp.rows()) {
                    com.google.ortools.linearsolver.MPConstraintProto.Builder cb = com.google.ortools.linearsolver.MPConstraintProto.newBuilder()
                            .setLowerBound(row.lb()).setUpperBound(row.ub());
                    for (int k = 0; k < row.vars().length; k++) cb.addVarIndex(row.vars()[k]).addCoefficient(row.coefs()[k]);
                    mb.addConstraint(cb);
                }
                mb.setObjectiveOffset(obj.constant());
                com.google.ortools.linearsolver.MPModelRequest req = com.google.ortools.linearsolver.MPModelRequest.newBuilder()
                        .setModel(mb).setSolverType(com.google.ortools.linearsolver.MPModelRequest.SolverType.HIGHS_LINEAR_PROGRAMMING)
                        .setSolverSpecificParameters("output_flag=false\n" + params).setSolverTimeLimitSeconds(600).build();
                long t1 = System.nanoTime(), c1 = mx.getCurrentThreadCpuTime();
                com.google.ortools.linearsolver.MPSolutionResponse resp = MPSolver.solveWithProto(req);
                long t2 = System.nanoTime(), c2 = mx.getCurrentThreadCpuTime();
                double[] x = new double[n];
                for (int v = 0; v < n; v++) x[v] = resp.getVariableValue(v);
                long t3 = System.nanoTime(), c3 = mx.getCurrentThreadCpuTime();
                System.out.printf("proto rep %d: build %.3f s (cpu %.3f), solve %.3f s (cpu %.3f), read %.3f s, %s, obj %.9f, check %.9f%n", r,
                        (t1 - t0) * 1e-9, (c1 - c0) * 1e-9, (t2 - t1) * 1e-9, (c2 - c1) * 1e-9, (t3 - t2) * 1e-9,
                        resp.getStatus(), resp.getObjectiveValue(), lp.objectiveValue(x));
            }
        }
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
            if (Boolean.getBoolean("regimes")) { // per step: does the community buy from / sell to the grid at the optimum?
                java.util.TreeMap<Integer, double[]> reg = new java.util.TreeMap<>(); // step -> {Σbuy, Σsell, Σin}
                for (int v = 0; v < n; v++) {
                    String nm = lp.varName(v);
                    int f = nm.contains(".P_buy[") ? 0 : nm.contains(".P_sell[") ? 1 : nm.contains(".P_P2P_in[") ? 2 : -1;
                    if (f < 0) continue;
                    int k = Integer.parseInt(nm.substring(nm.indexOf('[') + 1, nm.indexOf(']')));
                    reg.computeIfAbsent(k, z -> new double[3])[f] += vars[v].solutionValue();
                }
                int shortSteps = 0, longSteps = 0, both = 0, interior = 0;
                StringBuilder b = new StringBuilder();
                for (var e : reg.entrySet()) {
                    double[] a = e.getValue();
                    boolean sh = a[0] > 1e-6, lo = a[1] > 1e-6;
                    if (sh && lo) both++; else if (sh) shortSteps++; else if (lo) longSteps++; else interior++;
                    b.append(sh && lo ? 'B' : sh ? 'S' : lo ? 'L' : 'i');
                }
                System.out.printf("regimes: short %d, long %d, both %d, interior %d: %s%n", shortSteps, longSteps, both, interior, b);
            }
            solver.delete();
        }
    }

    /**
     * Experiment: the four trade columns per prosumer-step (P_buy, P_sell, P_P2P_in, P_P2P_out) replaced by the
     * deficit d = P_buy column and surplus s = P_sell column (cost moved to the community), and per step a community
     * grid purchase B, grid sale S and P2P volume V with Σ d = B + V, Σ s = S + V (λ^P2P cancels in the DSO's sum).
     */
    static ConvexModel communityTrades(ConvexModel lp) {
        java.util.Map<String, Integer> byName = new java.util.HashMap<>();
        for (int v = 0; v < lp.variableCount(); v++) byName.put(lp.varName(v), v);
        double[] oc = new double[lp.variableCount()];
        LinearExpr ob = lp.linearObjective();
        for (int k = 0; k < ob.termCount(); k++) oc[ob.var(k)] += ob.coef(k);
        boolean[] drop = new boolean[lp.variableCount()];
        boolean[] zeroCost = new boolean[lp.variableCount()];
        java.util.TreeMap<Integer, java.util.List<int[]>> perStep = new java.util.TreeMap<>(); // step -> {buy, sell}
        java.util.TreeMap<Integer, double[]> stepCost = new java.util.TreeMap<>(); // step -> {cBuy, cSell, cV, Imax, Emax}
        for (ConvexModel.Row r : lp.rows()) {
            if (!r.name().matches("p\\d+\\.balance\\[\\d+\\]")) continue;
            String pre = r.name().substring(0, r.name().indexOf('.'));
            String step = r.name().substring(r.name().indexOf('['));
            int k = Integer.parseInt(step.substring(1, step.length() - 1));
            int buy = byName.get(pre + ".P_buy" + step), sell = byName.get(pre + ".P_sell" + step);
            int in = byName.get(pre + ".P_P2P_in" + step), out = byName.get(pre + ".P_P2P_out" + step);
            drop[in] = true; drop[out] = true; zeroCost[buy] = true; zeroCost[sell] = true;
            perStep.computeIfAbsent(k, z -> new java.util.ArrayList<>()).add(new int[] {buy, sell});
            double[] c = {oc[buy], oc[sell], oc[in] + oc[out], 0, 0};
            double[] prev = stepCost.putIfAbsent(k, c);
            if (prev != null && (Math.abs(prev[0] - c[0]) > 1e-12 || Math.abs(prev[1] - c[1]) > 1e-12 || Math.abs(prev[2] - c[2]) > 1e-12)) {
                throw new IllegalStateException("prices differ at step " + k);
            }
            double[] sc = stepCost.get(k);
            sc[3] += lp.upperBound(buy); sc[4] += lp.upperBound(sell);
        }
        ConvexModel e = new ConvexModel();
        int[] map = new int[lp.variableCount()];
        for (int v = 0; v < lp.variableCount(); v++) {
            map[v] = drop[v] ? -1 : e.addVariable(lp.varName(v), lp.lowerBound(v), lp.upperBound(v));
        }
        boolean hint = Boolean.getBoolean("communityHint"); // DsoExpert's dual hint μ = dt·λP2P on each balance row
        double[] shift = new double[lp.variableCount()];
        double constant = ob.constant();
        for (ConvexModel.Row r : lp.rows()) {
            if (r.name().startsWith("dso.p2pBalance")) continue;
            LinearExpr x = new LinearExpr();
            for (int k = 0; k < r.vars().length; k++) if (map[r.vars()[k]] >= 0) x.add(map[r.vars()[k]], r.coefs()[k]);
            e.addConstraint(r.name(), x, r.lb(), r.ub());
            if (hint && r.name().matches("p\\d+\\.balance\\[\\d+\\]")) {
                String pre = r.name().substring(0, r.name().indexOf('.'));
                String step = r.name().substring(r.name().indexOf('['));
                double mu = (oc[byName.get(pre + ".P_P2P_in" + step)] - oc[byName.get(pre + ".P_P2P_out" + step)]) / 2;
                for (int k = 0; k < r.vars().length; k++) shift[r.vars()[k]] -= mu * r.coefs()[k];
                constant += mu * r.lb();
            }
        }
        LinearExpr o2 = LinearExpr.constant(constant);
        for (int v = 0; v < lp.variableCount(); v++) {
            double c = (zeroCost[v] ? 0 : oc[v]) + shift[v];
            if (map[v] >= 0 && c != 0) o2.add(map[v], c);
        }
        for (var en : perStep.entrySet()) {
            int k = en.getKey();
            double[] c = stepCost.get(k);
            int b = e.addVariable("dso.B[" + k + "]", 0, c[3]);
            int s = e.addVariable("dso.S[" + k + "]", 0, c[4]);
            int v = e.addVariable("dso.V[" + k + "]", 0, Math.min(c[3], c[4]));
            o2.add(b, c[0]); o2.add(s, c[1]); o2.add(v, c[2]);
            LinearExpr d = new LinearExpr(), su = new LinearExpr();
            for (int[] bs : en.getValue()) { d.add(map[bs[0]], 1); su.add(map[bs[1]], 1); }
            d.add(b, -1); d.add(v, -1); su.add(s, -1); su.add(v, -1);
            e.addEquality("dso.deficit[" + k + "]", d, 0);
            e.addEquality("dso.surplus[" + k + "]", su, 0);
        }
        e.addObjective(o2);
        return e;
    }

    /**
     * Experiment: in each equality row, one column that appears in no other row is eliminated,
     * x = (b − Σ a_j x_j)/a_x, its bounds becoming the row's range and its cost moved onto the row's other columns.
     */
    static ConvexModel slackColumns(ConvexModel lp) {
        int n = lp.variableCount();
        int[] rowsOf = new int[n];
        for (ConvexModel.Row r : lp.rows()) for (int v : r.vars()) rowsOf[v]++;
        double[] oc = new double[n];
        LinearExpr ob = lp.linearObjective();
        for (int k = 0; k < ob.termCount(); k++) oc[ob.var(k)] += ob.coef(k);
        double constant = ob.constant();
        ConvexModel e = new ConvexModel();
        for (int v = 0; v < n; v++) e.addVariable(lp.varName(v), lp.lowerBound(v), lp.upperBound(v));
        int eliminated = 0;
        String prefer = System.getProperty("slackPrefer", "P_buy");
        for (ConvexModel.Row r : lp.rows()) {
            int pick = -1;
            if (r.lb() == r.ub()) {
                for (int k = 0; k < r.vars().length; k++) {
                    int v = r.vars()[k];
                    if (rowsOf[v] == 1 && Double.isFinite(lp.lowerBound(v)) && Double.isFinite(lp.upperBound(v))
                            && (pick < 0 || lp.varName(v).contains(prefer))) pick = k;
                }
            }
            LinearExpr x = new LinearExpr();
            if (pick < 0) {
                for (int k = 0; k < r.vars().length; k++) x.add(r.vars()[k], r.coefs()[k]);
                e.addConstraint(r.name(), x, r.lb(), r.ub());
                continue;
            }
            int v = r.vars()[pick];
            double a = r.coefs()[pick], b = r.lb();
            // a·v = b − rest, v ∈ [l, u]  →  rest ∈ [b − a·u, b − a·l] (a > 0) or swapped
            for (int k = 0; k < r.vars().length; k++) if (k != pick) x.add(r.vars()[k], r.coefs()[k]);
            double lo = a > 0 ? b - a * lp.upperBound(v) : b - a * lp.lowerBound(v);
            double hi = a > 0 ? b - a * lp.lowerBound(v) : b - a * lp.upperBound(v);
            e.addConstraint(r.name(), x, lo, hi);
            // cost c·v = c/a·(b − rest)
            double c = oc[v];
            oc[v] = 0;
            constant += c / a * b;
            for (int k = 0; k < r.vars().length; k++) if (k != pick) oc[r.vars()[k]] -= c / a * r.coefs()[k];
            e.setBounds(v, 0, 0);
            eliminated++;
        }
        LinearExpr o2 = LinearExpr.constant(constant);
        for (int v = 0; v < n; v++) if (oc[v] != 0) o2.add(v, oc[v]);
        e.addObjective(o2);
        System.out.println("slack columns eliminated: " + eliminated);
        return e;
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
