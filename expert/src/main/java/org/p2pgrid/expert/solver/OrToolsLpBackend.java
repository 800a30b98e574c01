package org.p2pgrid.expert.solver;

import com.google.ortools.Loader;
import com.google.ortools.linearsolver.MPConstraint;
import com.google.ortools.linearsolver.MPConstraintProto;
import com.google.ortools.linearsolver.MPModelProto;
import com.google.ortools.linearsolver.MPModelRequest;
import com.google.ortools.linearsolver.MPObjective;
import com.google.ortools.linearsolver.MPSolutionResponse;
import com.google.ortools.linearsolver.MPSolver;
import com.google.ortools.linearsolver.MPSolverResponseStatus;
import com.google.ortools.linearsolver.MPVariable;
import com.google.ortools.linearsolver.MPVariableProto;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.p2pgrid.expert.model.ConvexModel;
import org.p2pgrid.expert.model.LinearExpr;

/**
 * LP backend on Google OR-Tools: the model is linearised by {@link Linearizer} and solved by HiGHS'
 * simplex ({@code HIGHS_LP}), falling back to CLP and then GLOP when a solver is not available or reports
 * numerical trouble. HiGHS gets the model as one {@link MPModelProto} through
 * {@link MPSolver#solveWithProto} — only ever a linear one (that path silently drops quadratic objective
 * terms for HiGHS; {@link #solveLinear} refuses them): on the DSO's N = 300 stage-1 LP it cost 15–20 % less
 * CPU than building the model call by call on an {@link MPSolver}, which OR-Tools then copies into a proto
 * for HiGHS anyway (benchmarks/RESULTS.md, "Expert DSO solve", session 5). CLP and GLOP use {@link MPSolver}.
 *
 * <p>Native libraries are loaded once per JVM. Each call builds its own {@link MPSolver} and deletes
 * it afterwards, so calls may run concurrently. Solver output is suppressed unless
 * {@link SolveOptions#solverOutput()}. Trap: OR-Tools' CLP and clp-java's libClp.so in one JVM crashed
 * it (SIGSEGV in ClpSimplex::createRim1) — keep the clp-java QP backend away from the "CLP" chain entry.
 * (Do not call {@code MPSolver.problemType()} on a HiGHS solver:
 * OR-Tools 9.15's Java enum has no value for it and throws.)
 *
 * <p><b>HiGHS options</b> ({@link #highsOptions()}, default {@link #DEFAULT_HIGHS_OPTIONS}) go to every
 * HiGHS solve of the chain as OR-Tools' solver-specific parameter string, which OR-Tools 9.15 hands to
 * {@code Highs::setOptionValue(name, value)} line by line ({@code name=value}; its parser also splits on
 * {@code ','} and {@code ' '}, so neither may appear in a name or value). {@code setSolverSpecificParametersAsString}
 * returns false for HiGHS even when the options take effect, and an option HiGHS rejects surfaces only as the
 * native status 85 (MODEL_INVALID_SOLVER_PARAMETERS) that the Java enum cannot map. So the constructor checks
 * every option against HiGHS itself (a one-variable LP through {@code solveWithProto}, whose response carries
 * HiGHS' message) and throws naming the option.
 */
public final class OrToolsLpBackend implements SolverBackend {

    /** The solver ids tried in order, as accepted by {@link MPSolver#createSolver(String)}. */
    public static final List<String> DEFAULT_CHAIN = List.of("HIGHS_LP", "CLP", "GLOP");

    /**
     * HiGHS options of every HiGHS solve unless configured otherwise. Dual simplex cost perturbation ×5
     * (HiGHS default 1): with the DSO's stage-1 dual hint it cut the N = 300 plan's thread CPU by 20–26 % and
     * N = 100's by 17 % at the same LP optimum, N = 20 unchanged (benchmarks/RESULTS.md, "Expert DSO solve",
     * "HiGHS options through the backend").
     */
    public static final Map<String, String> DEFAULT_HIGHS_OPTIONS =
            Map.of("dual_simplex_cost_perturbation_multiplier", "5");

    /**
     * LPs with at least this many rows go to HiGHS' parallel dual simplex (SIP, {@code simplex_strategy=2,
     * parallel=on}) when no other HiGHS solve is running in this JVM — it follows the serial solver's path
     * exactly (same iterations, same optimum) and spreads each iteration's linear algebra over the cores. Measured
     * on the DSO's stage-1 LP (2 cores): N = 300 (75 k rows) 12.4–14.3 s vs 18.2 s HiGHS time, N = 100 (25 k)
     * −10 %, N = 20 (5 k) slower (benchmarks/RESULTS.md "Expert DSO solve", session 5). A solve that starts
     * while another runs (expert workers labelling in parallel) stays serial: the cores are busy already.
     */
    public static final int PARALLEL_MIN_ROWS = 20_000;

    /**
     * HiGHS' {@code threads} for every solve, = cores. HiGHS sizes a thread pool per calling thread at its first
     * solve (its default here: one thread, no parallelism) and fails a later solve on that thread that asks for
     * another size, so every solve and the option check pass the same value.
     */
    static final int HIGHS_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static final java.util.concurrent.atomic.AtomicInteger HIGHS_SOLVES_RUNNING =
            new java.util.concurrent.atomic.AtomicInteger();
    /** Solves that went to the parallel simplex (for tests and traces). */
    static final java.util.concurrent.atomic.AtomicLong PARALLEL_SOLVES = new java.util.concurrent.atomic.AtomicLong();

    /** Set by this backend (from {@link SolveOptions}, or as above): overriding them by option would be undone. */
    private static final Set<String> RESERVED_OPTIONS = Set.of("time_limit", "output_flag", "log_to_console", "threads");
    private static final Pattern OPTION_NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern OPTION_VALUE = Pattern.compile("[^\\s,=#]+");
    private static final Set<String> ACCEPTED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final List<String> chain;
    private final Map<String, String> highsOptions;
    private final String highsParameterString;

    public OrToolsLpBackend() {
        this(DEFAULT_CHAIN);
    }

    /** @param chain solver ids tried in order, e.g. {@code List.of("GLOP")} */
    public OrToolsLpBackend(List<String> chain) {
        this(chain, DEFAULT_HIGHS_OPTIONS);
    }

    /**
     * @param chain        solver ids tried in order, e.g. {@code List.of("GLOP")}
     * @param highsOptions HiGHS option name → value (as HiGHS' options file spells them, e.g.
     *                     {@code simplex_strategy → 1}) for every HiGHS solve of the chain; empty = HiGHS' defaults
     * @throws IllegalArgumentException if HiGHS does not know an option or rejects its value (the message names it)
     */
    public OrToolsLpBackend(List<String> chain, Map<String, String> highsOptions) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("at least one OR-Tools solver id is needed");
        }
        this.chain = List.copyOf(chain);
        this.highsOptions = Collections.unmodifiableMap(new LinkedHashMap<>(highsOptions));
        this.highsParameterString = checkHighsOptions(this.highsOptions);
    }

    /** The default chain with these HiGHS options. */
    public static OrToolsLpBackend withHighsOptions(Map<String, String> highsOptions) {
        return new OrToolsLpBackend(DEFAULT_CHAIN, highsOptions);
    }

    /** The HiGHS options of every HiGHS solve (insertion order). */
    public Map<String, String> highsOptions() {
        return highsOptions;
    }

    /**
     * Parses {@code name=value} pairs separated by {@code ','}, {@code ';'} or new lines (e.g. a system
     * property); blank or {@code "none"} = no options.
     */
    public static Map<String, String> parseHighsOptions(String spec) {
        Map<String, String> out = new LinkedHashMap<>();
        if (spec == null || spec.isBlank() || spec.strip().equalsIgnoreCase("none")) {
            return out;
        }
        for (String token : spec.split("[,;\\n]")) {
            if (token.isBlank()) {
                continue;
            }
            int eq = token.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("HiGHS option '" + token.strip() + "': expected name=value");
            }
            out.put(token.substring(0, eq).strip(), token.substring(eq + 1).strip());
        }
        return out;
    }

    /** The parameter string for OR-Tools, after checking every option against HiGHS. */
    private String checkHighsOptions(Map<String, String> options) {
        StringBuilder lines = new StringBuilder();
        for (var e : options.entrySet()) {
            String name = e.getKey();
            String value = e.getValue();
            if (name == null || !OPTION_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("HiGHS option name '" + name + "': expected lower-case letters, "
                        + "digits and '_' as in HiGHS' option list");
            }
            if (RESERVED_OPTIONS.contains(name)) {
                throw new IllegalArgumentException("HiGHS option '" + name + "' is set by the backend (time_limit, "
                        + "output_flag, log_to_console from SolveOptions; threads = cores); it cannot be passed as a HiGHS option");
            }
            // OR-Tools splits the string on ',', ' ', '=' and '\n' and skips lines starting with '#':
            // such a value would reach HiGHS as something else.
            if (value == null || !OPTION_VALUE.matcher(value).matches()) {
                throw new IllegalArgumentException("HiGHS option '" + name + "' = '" + value
                        + "': a value must be non-empty without spaces, ',', '=' or '#'");
            }
            lines.append(name).append('=').append(value).append('\n');
        }
        String parameters = lines.toString();
        if (!parameters.isEmpty() && chain.stream().anyMatch(id -> id.startsWith("HIGHS"))) {
            for (var e : options.entrySet()) { // one at a time, so the error names the option without parsing HiGHS' text
                String line = e.getKey() + "=" + e.getValue() + "\n";
                if (ACCEPTED.contains(line)) {
                    continue; // backends are built per run, test and harness repetition: probe once per JVM
                }
                String rejected = highsRejects(line);
                if (rejected != null) {
                    throw new IllegalArgumentException("HiGHS rejected option '" + e.getKey() + "' = '" + e.getValue()
                            + "' (unknown name, wrong type or out of range; see https://ergo-code.github.io/HiGHS/dev/"
                            + "options/definitions/): " + rejected.strip());
                }
                ACCEPTED.add(line);
            }
        }
        return parameters;
    }

    /** HiGHS' complaint about these options on a one-variable LP, or null if it takes them. */
    private static String highsRejects(String parameters) {
        Natives.ensureLoaded();
        MPModelProto lp = MPModelProto.newBuilder()
                .addVariable(MPVariableProto.newBuilder().setLowerBound(0).setUpperBound(1).setObjectiveCoefficient(1))
                .addConstraint(MPConstraintProto.newBuilder().setLowerBound(0).setUpperBound(1)
                        .addVarIndex(0).addCoefficient(1))
                .build();
        MPSolutionResponse r = MPSolver.solveWithProto(MPModelRequest.newBuilder().setModel(lp)
                .setSolverType(MPModelRequest.SolverType.HIGHS_LINEAR_PROGRAMMING)
                // output_flag first: HiGHS would print its complaint to native stdout as well
                .setSolverSpecificParameters("output_flag=false\nthreads=" + HIGHS_THREADS + "\n" + parameters).build());
        return r.getStatus() == MPSolverResponseStatus.MPSOLVER_MODEL_INVALID_SOLVER_PARAMETERS
                ? (r.getStatusStr().isBlank() ? "status MODEL_INVALID_SOLVER_PARAMETERS" : r.getStatusStr())
                : null;
    }

    private static final class Natives {
        static {
            Loader.loadNativeLibraries();
        }

        static void ensureLoaded() {}
    }

    @Override
    public String name() {
        return "ortools-" + String.join("/", chain) + (highsOptions.isEmpty() ? "" : " " + highsOptions);
    }

    @Override
    public Solution solve(ConvexModel model, SolveOptions options) {
        long start = System.nanoTime();
        Linearizer.Result linear = Linearizer.linearize(model, options);
        Linearizer.Substituted fewerRows = Linearizer.substituteSegmentSums(linear);
        Solution lp = solveLinear(fewerRows.model(), options, true);
        double seconds = (System.nanoTime() - start) * 1e-9;
        if (!lp.isOptimal()) {
            return new Solution(lp.status(), lp.explanation(), Double.NaN, new double[0], seconds, lp.backend(),
                    linear.objectiveErrorBound());
        }
        double[] x = java.util.Arrays.copyOf(fewerRows.recover(lp.x()), linear.originalVariables());
        String summary = "OPTIMAL (LP objective " + String.format("%.6f", lp.objective()) + "; linearised: "
                + options.squareSegments() + " segments per square, objective "
                + "error bound " + linear.objectiveErrorBound() + "; discs as inscribed " + options.discSides()
                + "-gons, radius factor " + linear.discRadiusFactor() + ")";
        return new Solution(Solution.Status.OPTIMAL, summary, model.objectiveValue(x), x, seconds, lp.backend(),
                linear.objectiveErrorBound());
    }

    /**
     * Solves an already linear model (no squares, discs or quadratic objective terms).
     *
     * @param diagnose explain infeasibility/unboundedness (may re-solve auxiliary models)
     */
    Solution solveLinear(ConvexModel lp, SolveOptions options, boolean diagnose) {
        if (!lp.squareEpigraphs().isEmpty() || !lp.discs().isEmpty() || lp.quadraticTermCount() > 0) {
            throw new IllegalArgumentException("solveLinear needs a linear model; linearise it first");
        }
        Natives.ensureLoaded();
        long start = System.nanoTime();
        Solution last = null;
        for (String id : chain) {
            Solution s = solveWith(id, lp, options, start);
            if (s == null) {
                continue; // solver not available in this build
            }
            last = s;
            if (s.status() != Solution.Status.NUMERICAL_TROUBLE) {
                break;
            }
        }
        if (last == null) {
            return Solution.failed(Solution.Status.NOT_SOLVED, "NOT_SOLVED: none of the OR-Tools solvers " + chain
                    + " is available in this OR-Tools build", (System.nanoTime() - start) * 1e-9, name());
        }
        if (!diagnose) {
            return last;
        }
        if (last.status() == Solution.Status.INFEASIBLE || last.status() == Solution.Status.UNBOUNDED) {
            // Simplex codes may report "infeasible or unbounded" as either; a feasibility solve
            // (zero objective) tells which it is.
            Solution feasibility = solveLinear(withoutObjective(lp), options, false);
            double seconds = (System.nanoTime() - start) * 1e-9;
            if (feasibility.isOptimal()) {
                return Solution.failed(Solution.Status.UNBOUNDED, Diagnostics.explainUnbounded(lp), seconds,
                        last.backend());
            }
            String why = Diagnostics.explainInfeasible(lp, m -> solveLinear(m, options, false));
            return Solution.failed(Solution.Status.INFEASIBLE, why, (System.nanoTime() - start) * 1e-9,
                    last.backend());
        }
        return last;
    }

    private Solution solveWith(String id, ConvexModel lp, SolveOptions options, long start) {
        if (id.equals("HIGHS_LP")) {
            return solveHighsWithProto(lp, options, start);
        }
        MPSolver solver = MPSolver.createSolver(id);
        if (solver == null) {
            return null;
        }
        String backend = "ortools-" + id;
        try {
            if (options.solverOutput()) {
                solver.enableOutput();
            } else {
                solver.suppressOutput();
            }
            if (id.startsWith("HIGHS")) {
                // Returns false for HiGHS although OR-Tools keeps the string and applies it at solve().
                solver.setSolverSpecificParametersAsString(
                        (options.solverOutput() ? "" : "output_flag=false\nlog_to_console=false\n") + highsParameterString);
            }
            solver.setTimeLimit((long) Math.ceil(options.timeLimitSeconds() * 1000));
            double inf = MPSolver.infinity();
            int n = lp.variableCount();
            MPVariable[] vars = new MPVariable[n];
            for (int v = 0; v < n; v++) {
                vars[v] = solver.makeNumVar(clampInf(lp.lowerBound(v), inf), clampInf(lp.upperBound(v), inf), "");
            }
            for (ConvexModel.Row row : lp.rows()) {
                MPConstraint c = solver.makeConstraint(clampInf(row.lb(), inf), clampInf(row.ub(), inf), "");
                for (int k = 0; k < row.vars().length; k++) {
                    c.setCoefficient(vars[row.vars()[k]], row.coefs()[k]);
                }
            }
            MPObjective objective = solver.objective();
            LinearExpr obj = lp.linearObjective();
            double[] coef = new double[n];
            for (int k = 0; k < obj.termCount(); k++) {
                coef[obj.var(k)] += obj.coef(k);
            }
            for (int v = 0; v < n; v++) {
                if (coef[v] != 0) {
                    objective.setCoefficient(vars[v], coef[v]);
                }
            }
            objective.setOffset(obj.constant());
            objective.setMinimization();

            long transferred = System.nanoTime();
            MPSolver.ResultStatus status;
            try {
                status = solver.solve();
            } catch (IllegalArgumentException unmapped) {
                // OR-Tools 9.15 + HiGHS: at the time limit the native solve returns a status code (99) the
                // Java enum has no value for, so solve() throws instead of returning NOT_SOLVED/FEASIBLE.
                if (String.valueOf(unmapped.getMessage()).endsWith(" 85")) {
                    // MODEL_INVALID_SOLVER_PARAMETERS: the constructor's check makes this unreachable, unless
                    // HiGHS accepts each option alone but not together.
                    throw new IllegalArgumentException(id + " rejected the HiGHS options " + highsOptions, unmapped);
                }
                status = MPSolver.ResultStatus.NOT_SOLVED;
            }
            if (Boolean.getBoolean("p2pgrid.solver.trace")) {
                System.out.printf("%s: transfer %.3f s, solve %.3f s, %d iterations%n", id,
                        (transferred - start) * 1e-9, (System.nanoTime() - transferred) * 1e-9, solver.iterations());
            }
            double seconds = (System.nanoTime() - start) * 1e-9;
            return switch (status) {
                case OPTIMAL -> {
                    double[] x = new double[n];
                    for (int v = 0; v < n; v++) {
                        x[v] = vars[v].solutionValue();
                    }
                    yield new Solution(Solution.Status.OPTIMAL, "OPTIMAL", lp.objectiveValue(x), x, seconds, backend, 0);
                }
                case INFEASIBLE -> Solution.failed(Solution.Status.INFEASIBLE, "INFEASIBLE", seconds, backend);
                case UNBOUNDED -> Solution.failed(Solution.Status.UNBOUNDED, "UNBOUNDED", seconds, backend);
                case FEASIBLE, NOT_SOLVED -> seconds >= options.timeLimitSeconds() * 0.95
                        ? Solution.failed(Solution.Status.TIME_LIMIT, "TIME_LIMIT: " + id + " stopped at the time limit of "
                                + options.timeLimitSeconds() + " s before proving optimality; raise the limit or shrink "
                                + "the model (fewer linearisation segments, shorter horizon)", seconds, backend)
                        : Solution.failed(Solution.Status.NOT_SOLVED, "NOT_SOLVED: " + id + " stopped with status "
                                + status + " after " + seconds + " s without an optimal solution", seconds, backend);
                case ABNORMAL, MODEL_INVALID -> Solution.failed(Solution.Status.NUMERICAL_TROUBLE, "NUMERICAL_TROUBLE: "
                        + id + " returned " + status + ". Likely cause: coefficients of very different magnitudes "
                        + "(check units: kW vs p.u., CNY/kWh vs CNY/MWh) or huge bounds used as 'infinity'", seconds,
                        backend);
            };
        } finally {
            solver.delete();
        }
    }

    /** HiGHS through one model proto each way (no {@link MPSolver} object: no per-entry JNI calls, no second copy). */
    private Solution solveHighsWithProto(ConvexModel lp, SolveOptions options, long start) {
        String id = "HIGHS_LP";
        String backend = "ortools-" + id;
        int n = lp.variableCount();
        double[] coef = new double[n];
        LinearExpr obj = lp.linearObjective();
        for (int k = 0; k < obj.termCount(); k++) {
            coef[obj.var(k)] += obj.coef(k);
        }
        MPModelProto.Builder model = MPModelProto.newBuilder().setObjectiveOffset(obj.constant()).setMaximize(false);
        for (int v = 0; v < n; v++) {
            model.addVariable(MPVariableProto.newBuilder().setLowerBound(lp.lowerBound(v)).setUpperBound(lp.upperBound(v))
                    .setObjectiveCoefficient(coef[v]));
        }
        for (ConvexModel.Row row : lp.rows()) {
            MPConstraintProto.Builder c = MPConstraintProto.newBuilder().setLowerBound(row.lb()).setUpperBound(row.ub());
            for (int k = 0; k < row.vars().length; k++) {
                c.addVarIndex(row.vars()[k]).addCoefficient(row.coefs()[k]);
            }
            model.addConstraint(c);
        }
        boolean parallel = HIGHS_SOLVES_RUNNING.incrementAndGet() == 1 && HIGHS_THREADS > 1
                && lp.rows().size() >= PARALLEL_MIN_ROWS
                && !highsOptions.containsKey("simplex_strategy") && !highsOptions.containsKey("parallel");
        long transferred;
        MPSolutionResponse response;
        try { // the count of running solves is back down however this ends
            if (parallel) {
                PARALLEL_SOLVES.incrementAndGet();
            }
            MPModelRequest request = MPModelRequest.newBuilder().setModel(model)
                    .setSolverType(MPModelRequest.SolverType.HIGHS_LINEAR_PROGRAMMING)
                    .setEnableInternalSolverOutput(options.solverOutput())
                    .setSolverTimeLimitSeconds(options.timeLimitSeconds())
                    .setSolverSpecificParameters((options.solverOutput() ? "" : "output_flag=false\nlog_to_console=false\n")
                            + "threads=" + HIGHS_THREADS + "\n" + (parallel ? "simplex_strategy=2\nparallel=on\n" : "")
                            + highsParameterString)
                    .build();
            transferred = System.nanoTime();
            response = MPSolver.solveWithProto(request);
        } finally {
            HIGHS_SOLVES_RUNNING.decrementAndGet();
        }
        if (response.getStatus() == MPSolverResponseStatus.MPSOLVER_SOLVER_TYPE_UNAVAILABLE) {
            return null; // not in this build: the next solver of the chain
        }
        if (Boolean.getBoolean("p2pgrid.solver.trace")) {
            System.out.printf("%s (proto%s): build %.3f s, solve %.3f s, %s%n", id, parallel ? ", parallel" : "",
                    (transferred - start) * 1e-9, (System.nanoTime() - transferred) * 1e-9, response.getStatus());
        }
        double seconds = (System.nanoTime() - start) * 1e-9;
        String said = response.getStatusStr().isBlank() ? "" : " (" + response.getStatusStr() + ")";
        return switch (response.getStatus()) {
            case MPSOLVER_OPTIMAL -> {
                if (response.getVariableValueCount() != n) {
                    yield Solution.failed(Solution.Status.NUMERICAL_TROUBLE, "NUMERICAL_TROUBLE: " + id + " said OPTIMAL but "
                            + "returned " + response.getVariableValueCount() + " of " + n + " values", seconds, backend);
                }
                double[] x = new double[n];
                for (int v = 0; v < n; v++) {
                    x[v] = response.getVariableValue(v);
                }
                yield new Solution(Solution.Status.OPTIMAL, "OPTIMAL", lp.objectiveValue(x), x, seconds, backend, 0);
            }
            case MPSOLVER_INFEASIBLE -> Solution.failed(Solution.Status.INFEASIBLE, "INFEASIBLE" + said, seconds, backend);
            case MPSOLVER_UNBOUNDED -> Solution.failed(Solution.Status.UNBOUNDED, "UNBOUNDED" + said, seconds, backend);
            case MPSOLVER_MODEL_INVALID_SOLVER_PARAMETERS ->
                // the constructor's check makes this unreachable, unless HiGHS takes each option alone but not together
                    throw new IllegalArgumentException(id + " rejected the HiGHS options " + highsOptions + said);
            case MPSOLVER_MODEL_INVALID, MPSOLVER_ABNORMAL -> Solution.failed(Solution.Status.NUMERICAL_TROUBLE,
                    "NUMERICAL_TROUBLE: " + id + " returned " + response.getStatus() + said + ". Likely cause: coefficients of "
                    + "very different magnitudes (check units: kW vs p.u., CNY/kWh vs CNY/MWh) or huge bounds used as "
                    + "'infinity'", seconds, backend);
            default -> seconds >= options.timeLimitSeconds() * 0.95
                    ? Solution.failed(Solution.Status.TIME_LIMIT, "TIME_LIMIT: " + id + " stopped at the time limit of "
                            + options.timeLimitSeconds() + " s before proving optimality; raise the limit or shrink "
                            + "the model (fewer linearisation segments, shorter horizon)", seconds, backend)
                    : Solution.failed(Solution.Status.NOT_SOLVED, "NOT_SOLVED: " + id + " stopped with status "
                            + response.getStatus() + said + " after " + seconds + " s without an optimal solution", seconds,
                            backend);
        };
    }

    private static double clampInf(double v, double inf) {
        return v >= inf ? inf : (v <= -inf ? -inf : v);
    }

    private static ConvexModel withoutObjective(ConvexModel lp) {
        ConvexModel m = new ConvexModel();
        for (int v = 0; v < lp.variableCount(); v++) {
            m.addVariable(lp.varName(v), lp.lowerBound(v), lp.upperBound(v));
        }
        for (ConvexModel.Row row : lp.rows()) {
            m.addConstraint(row.name(), Linearizer.rowExpr(row), row.lb(), row.ub());
        }
        return m;
    }
}
