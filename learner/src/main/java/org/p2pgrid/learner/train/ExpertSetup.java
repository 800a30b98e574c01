package org.p2pgrid.learner.train;

import java.nio.file.Path;
import java.util.Map;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.expert.dso.DsoExpert;
import org.p2pgrid.expert.label.ExpertLabeller;
import org.p2pgrid.expert.label.LabelCache;
import org.p2pgrid.expert.label.LabelFingerprint;
import org.p2pgrid.expert.lang.ReferenceModelFactory;
import org.p2pgrid.expert.solver.OrToolsLpBackend;

/**
 * The offline default expert of §IV-C-1 wired for a run: the reference prosumer models, the DSO with
 * LinDistFlow and the AC check on OR-Tools/HiGHS, and ONE durable label cache per (scenario, profile
 * seed, reference models, plan-reuse tolerances) shared by every labeller of the run.
 */
public final class ExpertSetup implements AutoCloseable {
    private final Scenario scenario;
    private final DsoExpert dso;
    private final LabelCache cache;
    private final ExpertLabeller.Options options;
    private final long fingerprint;

    private ExpertSetup(Scenario scenario, DsoExpert dso, LabelCache cache, ExpertLabeller.Options options, long fingerprint) {
        this.scenario = scenario;
        this.dso = dso;
        this.cache = cache;
        this.options = options;
        this.fingerprint = fingerprint;
    }

    /** {@code cacheDir} null: labels kept in memory only. HiGHS options: {@link OrToolsLpBackend#DEFAULT_HIGHS_OPTIONS}. */
    public static ExpertSetup open(Scenario scenario, long profileSeed, Path cacheDir, double socToleranceKwh,
                                   double cdgToleranceKw) {
        return open(scenario, profileSeed, cacheDir, socToleranceKwh, cdgToleranceKw,
                OrToolsLpBackend.DEFAULT_HIGHS_OPTIONS);
    }

    /**
     * {@code cacheDir} null: labels kept in memory only. {@code highsOptions}: for every HiGHS solve of the DSO
     * (checked against HiGHS here). They are not part of the cache's fingerprint: they change how fast the LP
     * is solved, not which LP — at most which of several optimal plans is returned.
     */
    public static ExpertSetup open(Scenario scenario, long profileSeed, Path cacheDir, double socToleranceKwh,
                                   double cdgToleranceKw, Map<String, String> highsOptions) {
        ExpertLabeller.Options defaults = ExpertLabeller.Options.defaults();
        ExpertLabeller.Options options = new ExpertLabeller.Options(socToleranceKwh, cdgToleranceKw,
                defaults.plansPerDay(), defaults.daysKept(), defaults.socQuantum(), defaults.cdgQuantumKw());
        // plan re-use labels depend on the tolerances: caches of other tolerances are other caches
        long fp = LabelFingerprint.of(scenario, profileSeed) * 31
                + Double.hashCode(socToleranceKwh) * 17L + Double.hashCode(cdgToleranceKw);
        DsoExpert dso = new DsoExpert(scenario, new ReferenceModelFactory(), OrToolsLpBackend.withHighsOptions(highsOptions),
                DsoExpert.Options.defaults());
        LabelCache cache = cacheDir == null ? LabelCache.inMemory() : LabelCache.open(cacheDir, fp);
        return new ExpertSetup(scenario, dso, cache, options, fp);
    }

    /** A labeller with its own plan store over the shared cache (one per independent user: teacher, baseline). */
    public ExpertLabeller newLabeller() {
        return new ExpertLabeller(scenario, dso, cache, options);
    }

    public long fingerprint() {
        return fingerprint;
    }

    public LabelCache cache() {
        return cache;
    }

    @Override
    public void close() {
        cache.close();
    }
}
