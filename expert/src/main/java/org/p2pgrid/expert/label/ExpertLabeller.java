package org.p2pgrid.expert.label;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import org.p2pgrid.env.device.ActionProjection;
import org.p2pgrid.env.device.BessSpec;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.pomdp.DayExogenous;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.expert.dso.DsoExpert;
import org.p2pgrid.expert.dso.DsoPlan;

/**
 * The expert's answer for a visited state (paper §III-A, used by the imitation term of §III-B):
 * label(day, step, states) → every prosumer's expert action at that step.
 *
 * <p>Three levels, cheapest first:
 * <ol>
 *   <li>the {@link LabelCache} (memory + disk) by (day, step, quantised states): never solve twice;</li>
 *   <li>a recent plan of the same day whose predicted device states at this step are within
 *       tolerance of the visited ones (the plan is still the optimal continuation up to that
 *       tolerance): its action at this step, projected onto the visited state's limits;</li>
 *   <li>otherwise a receding-horizon DSO solve from this step with the visited states, whose plan
 *       then serves later steps.</li>
 * </ol>
 * Thread-safe: worlds on different threads label in parallel; concurrent requests for the same key
 * share one solve. The {@link DsoExpert} is called concurrently (it builds a model per call).
 */
public final class ExpertLabeller {

    /**
     * @param socToleranceKwh  reuse a plan while every battery's energy is within this of the plan's
     * @param cdgToleranceKw   … and every CDG's previous output within this of the plan's
     * @param plansPerDay      recent plans kept per day (different worlds follow different paths)
     * @param daysKept         days whose plans and exogenous data stay in memory (least recently used go)
     * @param socQuantum       SOC resolution of the cache key (fraction of capacity)
     * @param cdgQuantumKw     CDG resolution of the cache key, kW
     */
    public record Options(double socToleranceKwh, double cdgToleranceKw, int plansPerDay, int daysKept,
                          double socQuantum, double cdgQuantumKw) {
        public Options {
            if (plansPerDay < 1 || daysKept < 1 || !(socQuantum > 0) || !(cdgQuantumKw > 0)
                    || !(socToleranceKwh >= 0) || !(cdgToleranceKw >= 0)) {
                throw new IllegalArgumentException("invalid labeller options " + this);
            }
        }

        public static Options defaults() {
            return new Options(1.0, 1.0, 4, 32, 1e-4, 0.01);
        }
    }

    /** Where a label came from. */
    public enum Source { CACHE, PLAN_REUSE, SOLVE }

    public record Label(ProsumerAction[] actions, Source source, double solveSeconds) {}

    /** A plan with the device states it predicts at each of its steps. */
    private record TrackedPlan(DsoPlan plan, DeviceState[][] predicted) {}

    private final Scenario scenario;
    private final DsoExpert expert;
    private final LabelCache cache;
    private final Options options;
    private final ActionProjection projection;
    private final Map<Integer, Deque<TrackedPlan>> plans;
    private final Map<Integer, DayExogenous> days;
    private final Map<LabelCache.Key, CompletableFuture<Label>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong cacheHits = new AtomicLong();
    private final AtomicLong planReuses = new AtomicLong();
    private final AtomicLong solves = new AtomicLong();
    private final DoubleAdder solveSeconds = new DoubleAdder();

    public ExpertLabeller(Scenario scenario, DsoExpert expert, LabelCache cache, Options options) {
        this.scenario = scenario;
        this.expert = expert;
        this.cache = cache;
        this.options = options;
        this.projection = scenario.projection();
        this.plans = lru(options.daysKept());
        this.days = lru(options.daysKept());
    }

    /** A plan is ~10² kB (per-step voltages of every bus): keep only recently used days. */
    private static <K, V> Map<K, V> lru(int capacity) {
        return java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<K, V>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        });
    }

    /** Expert actions for every prosumer at {@code step} of {@code day}, from the visited device states. */
    public Label label(int day, int step, DeviceState[] states) {
        if (states.length != scenario.prosumers().size()) {
            throw new IllegalArgumentException("states for " + states.length + " prosumers, scenario has "
                    + scenario.prosumers().size());
        }
        LabelCache.Key key = new LabelCache.Key(day, step, stateKey(states));
        var cached = cache.get(key);
        if (cached.isPresent()) {
            cacheHits.incrementAndGet();
            return new Label(cached.get(), Source.CACHE, 0);
        }
        CompletableFuture<Label> mine = new CompletableFuture<>();
        CompletableFuture<Label> existing = inFlight.putIfAbsent(key, mine);
        if (existing != null) {
            return existing.join();
        }
        try {
            Label label = compute(day, step, states);
            cache.put(key, label.actions());
            mine.complete(label);
            return label;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key);
        }
    }

    private Label compute(int day, int step, DeviceState[] states) {
        DayExogenous data = days.computeIfAbsent(day, d -> scenario.exogenous().day(d));
        Deque<TrackedPlan> recent = plans.computeIfAbsent(day, d -> new ArrayDeque<>());
        TrackedPlan match = null;
        synchronized (recent) {
            for (TrackedPlan p : recent) {
                if (covers(p, step) && close(p.predicted()[step - p.plan().firstStep()], states)) {
                    match = p;
                    break;
                }
            }
        }
        if (match != null) {
            planReuses.incrementAndGet();
            return new Label(fitToState(match.plan().actions()[step - match.plan().firstStep()], data, step, states),
                    Source.PLAN_REUSE, 0);
        }
        DsoPlan plan = solveAndTrack(day, step, states, data, recent);
        return new Label(fitToState(plan.actionsNow(), data, step, states), Source.SOLVE,
                plan.solveSeconds() + plan.buildSeconds());
    }

    /**
     * Solves the receding-horizon problem from {@code step} with the given states and keeps the plan
     * for later labels of the same day (e.g. the perfect-foresight plan of a whole day from step 0).
     */
    public DsoPlan plan(int day, int step, DeviceState[] states) {
        DayExogenous data = days.computeIfAbsent(day, d -> scenario.exogenous().day(d));
        Deque<TrackedPlan> recent = plans.computeIfAbsent(day, d -> new ArrayDeque<>());
        return solveAndTrack(day, step, states, data, recent);
    }

    private DsoPlan solveAndTrack(int day, int step, DeviceState[] states, DayExogenous data, Deque<TrackedPlan> recent) {
        DsoPlan plan = expert.plan(data, step, states);
        solves.incrementAndGet();
        solveSeconds.add(plan.solveSeconds() + plan.buildSeconds());
        if (!plan.isOptimal()) {
            throw new ExpertFailedException("expert solve failed on day " + day + " at step " + step + ": "
                    + plan.status() + " — " + plan.explanation());
        }
        TrackedPlan tracked = new TrackedPlan(plan, predictStates(plan, states));
        synchronized (recent) {
            recent.addFirst(tracked);
            while (recent.size() > options.plansPerDay()) {
                recent.removeLast();
            }
        }
        return plan;
    }

    /** The plan's actions may sit a hair outside the visited state's limits; the label must not. */
    private ProsumerAction[] fitToState(ProsumerAction[] planned, DayExogenous data, int step, DeviceState[] states) {
        ProsumerAction[] out = new ProsumerAction[planned.length];
        for (int i = 0; i < planned.length; i++) {
            var exo = new org.p2pgrid.env.device.Exogenous(data.pRdgMaxKw()[i][step], data.pLoadKw()[i][step],
                    data.qLoadKvar()[i][step]);
            out[i] = projection.project(scenario.prosumers().get(i), states[i], exo, planned[i]).action();
        }
        return out;
    }

    private DeviceState[][] predictStates(DsoPlan plan, DeviceState[] start) {
        int h = plan.horizon();
        DeviceState[][] predicted = new DeviceState[h][];
        predicted[0] = start.clone();
        for (int k = 1; k < h; k++) {
            predicted[k] = new DeviceState[start.length];
            for (int i = 0; i < start.length; i++) {
                predicted[k][i] = projection.next(scenario.prosumers().get(i), predicted[k - 1][i], plan.actions()[k - 1][i]);
            }
        }
        return predicted;
    }

    private static boolean covers(TrackedPlan p, int step) {
        int k = step - p.plan().firstStep();
        return k >= 0 && k < p.plan().horizon();
    }

    private boolean close(DeviceState[] predicted, DeviceState[] visited) {
        for (int i = 0; i < visited.length; i++) {
            ProsumerSpec spec = scenario.prosumers().get(i);
            BessSpec bess = spec.bess();
            if (bess != null && Math.abs(predicted[i].socFraction() - visited[i].socFraction()) * bess.capacityKwh()
                    > options.socToleranceKwh()) {
                return false;
            }
            if (spec.cdg() != null && Math.abs(predicted[i].prevPCdgKw() - visited[i].prevPCdgKw()) > options.cdgToleranceKw()) {
                return false;
            }
        }
        return true;
    }

    /** FNV-1a over the quantised states: equal for states that round to the same grid point. */
    long stateKey(DeviceState[] states) {
        long h = 0xcbf29ce484222325L;
        for (DeviceState s : states) {
            h = mix(h, Math.round(s.socFraction() / options.socQuantum()));
            h = mix(h, Math.round(s.prevPCdgKw() / options.cdgQuantumKw()));
        }
        return h;
    }

    private static long mix(long h, long v) {
        for (int b = 0; b < 8; b++) {
            h ^= (v >>> (8 * b)) & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** Drops the plans kept for {@code day} (labels then depend only on the cache and later calls). */
    public void forgetPlans(int day) {
        plans.remove(day);
    }

    public long cacheHits() { return cacheHits.get(); }
    public long planReuses() { return planReuses.get(); }
    public long solves() { return solves.get(); }
    public double totalSolveSeconds() { return solveSeconds.sum(); }

    /** The expert could not produce a label (infeasible, numerical trouble…); the message says why. */
    public static final class ExpertFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ExpertFailedException(String message) {
            super(message);
        }
    }
}
