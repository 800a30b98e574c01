package org.p2pgrid.learner.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.p2pgrid.env.data.DataSplit;
import org.p2pgrid.learner.algo.OpLearner;
import org.p2pgrid.learner.nn.CriticKind;
import org.p2pgrid.learner.nn.NetworkConfig;
import org.p2pgrid.learner.replay.ReplayConfig;

/**
 * One training run's settings: the {@code p2pgrid.training} block of HOCON (defaults and their
 * sources in the learner's {@code reference.conf}). Errors name the path and the value.
 */
public record TrainingConfig(Algo algo, int episodes, long seed, int updatesPerStep, int warmupTransitions,
                             int validationEvery, int checkpointEvery, int keepCheckpoints,
                             String validationDays, String testDays, Labels labels,
                             OpLearner.Config learner, NetworkConfig network, ReplayConfig replay, Config source) {

    public static final String PATH = "p2pgrid.training";

    /** Whether the networks normalise their inputs ({@code network.normalise-observations}, see ObservationScale). */
    public boolean normaliseObservations() {
        return source.getBoolean(PATH + ".network.normalise-observations");
    }

    /** OP (MLP joint critic) or OP-MH (differential multi-head attention critic). */
    public enum Algo {
        OP("op", CriticKind.MLP), OP_MH("op-mh", CriticKind.ATTENTION);

        private final String id;
        private final CriticKind critic;

        Algo(String id, CriticKind critic) {
            this.id = id;
            this.critic = critic;
        }

        public String id() { return id; }

        public CriticKind critic() { return critic; }

        public static Algo parse(String s, String where) {
            for (Algo a : values()) {
                if (a.id.equalsIgnoreCase(s)) {
                    return a;
                }
            }
            throw new IllegalArgumentException(where + " = '" + s + "': expected op or op-mh");
        }
    }

    public enum Teacher { EXPERT, RULE_BASED, NONE }

    /**
     * @param highsOptions HiGHS options of the expert DSO's LP solves ({@code labels.highs-options}), name → value
     *                     as HiGHS spells them; checked against HiGHS when the expert is opened
     */
    public record Labels(Teacher teacher, int everySteps, double socToleranceKwh, double cdgToleranceKw, Path cacheDir,
                         Map<String, String> highsOptions) {
        public Labels {
            highsOptions = Collections.unmodifiableMap(new LinkedHashMap<>(highsOptions));
        }
    }

    /** reference.conf defaults only. */
    public static TrainingConfig defaults() {
        return from(ConfigFactory.load(TrainingConfig.class.getClassLoader()));
    }

    /** {@code overrides} (a parsed run file, may be empty) on top of reference.conf. */
    public static TrainingConfig from(Config overrides) {
        Config root = overrides.withFallback(ConfigFactory.defaultReference(TrainingConfig.class.getClassLoader())).resolve();
        Config c = root.getConfig(PATH);
        try {
            Algo algo = Algo.parse(c.getString("algo"), PATH + ".algo");
            int episodes = atLeast(c, "episodes", 0);
            long seed = c.getLong("seed");
            int ups = atLeast(c, "updates-per-step", 0);
            Config l = c.getConfig("learner");
            int batch = atLeast(l, "batch-size", 1, "learner.");
            int warmup = Math.max(atLeast(c, "warmup-transitions", 1), batch);
            int valEvery = atLeast(c, "validation-every", 0);
            int ckEvery = atLeast(c, "checkpoint-every", 0);
            int keep = atLeast(c, "keep-checkpoints", 1);
            String valDays = c.getString("validation-days");
            String testDays = c.getString("test-days");
            days(valDays, PATH + ".validation-days");
            days(testDays, PATH + ".test-days");

            Config lb = c.getConfig("labels");
            Teacher teacher = switch (lb.getString("teacher").toLowerCase(Locale.ROOT)) {
                case "expert" -> Teacher.EXPERT;
                case "rule-based" -> Teacher.RULE_BASED;
                case "none" -> Teacher.NONE;
                default -> throw new IllegalArgumentException(PATH + ".labels.teacher = '" + lb.getString("teacher")
                        + "': expected expert, rule-based or none");
            };
            Labels labels = new Labels(teacher, atLeast(lb, "every-steps", 1, "labels."),
                    nonNegative(lb, "soc-tolerance-kwh", "labels."), nonNegative(lb, "cdg-tolerance-kw", "labels."),
                    Path.of(lb.getString("cache-dir")), highsOptions(lb));

            OpLearner.Config learner = new OpLearner.Config(algo.critic(), positive(l, "learning-rate"), 0.99, batch,
                    nonNegative(l, "initial-lambda", "learner."), nonNegative(l, "epsilon-start", "learner."),
                    nonNegative(l, "epsilon-end", "learner."), l.getLong("epsilon-ramp-start"),
                    l.getLong("epsilon-ramp-updates"), nonNegative(l, "lambda-learning-rate", "learner."),
                    positive(l, "tau"), nonNegative(l, "entropy-coef", "learner."), 1.0,
                    l.getBoolean("w2-without-sigma"), positive(l, "label-clip"), seed,
                    new OpLearner.Chunking(atLeast(l, "update-chunk-rows", 0, "learner."),
                            atLeast(l, "update-memory-budget-mb", 1, "learner.") * (1L << 20)));

            Config n = c.getConfig("network");
            NetworkConfig network = NetworkConfig.defaults().withHidden(atLeast(n, "hidden", 1, "network."))
                    .withAttention(atLeast(n, "embed-dim", 1, "network."), atLeast(n, "heads", 1, "network."),
                            atLeast(n, "head-dim", 1, "network."))
                    .withSeed(seed);
            n.getBoolean("normalise-observations"); // validated here, read by normaliseObservations()

            Config r = c.getConfig("replay");
            ReplayConfig replay = new ReplayConfig(atLeast(r, "normal-capacity", 1, "replay."),
                    atLeast(r, "violation-capacity", 1, "replay."), r.getDouble("normal-fraction"), r.getDouble("alpha"),
                    1e-6, r.getDouble("beta0"), r.getDouble("beta-final"), r.getLong("beta-anneal-samples"));
            return new TrainingConfig(algo, episodes, seed, ups, warmup, valEvery, ckEvery, keep, valDays, testDays,
                    labels, learner, network, replay, root.withOnlyPath(PATH));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("training config: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(PATH)) {
                throw e;
            }
            throw new IllegalArgumentException(PATH + ": " + e.getMessage(), e);
        }
    }

    /** This configuration with {@code p2pgrid.training.<key>} set (CLI overrides). */
    public TrainingConfig with(Map<String, Object> keyValues) {
        Config c = source;
        for (var e : new TreeMap<>(keyValues).entrySet()) {
            c = c.withValue(PATH + "." + e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue()));
        }
        return from(c);
    }

    /** The effective configuration as HOCON (written next to a run so it can be resumed). */
    public String render() {
        return source.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
    }

    public CriticKind criticKind() {
        return algo.critic();
    }

    /** Day lists as {@link DataSplit#parseDays}: a split name, {@code SPLIT/K}, or a comma list of day indices. */
    public static List<Integer> days(String spec, String where) {
        return DataSplit.parseDays(spec, where);
    }

    /** {@code labels.highs-options}: a flat object of scalars (HOCON numbers, booleans and strings all become text). */
    private static Map<String, String> highsOptions(Config labels) {
        Map<String, String> out = new TreeMap<>();
        for (var e : labels.getObject("highs-options").entrySet()) {
            Object v = e.getValue().unwrapped();
            if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
                throw new IllegalArgumentException(PATH + ".labels.highs-options." + e.getKey() + " = " + e.getValue().render()
                        + ": expected a number, boolean or string");
            }
            out.put(e.getKey(), v.toString());
        }
        return out;
    }

    private static int atLeast(Config c, String key, int min) {
        return atLeast(c, key, min, "");
    }

    private static int atLeast(Config c, String key, int min, String prefix) {
        int v = c.getInt(key);
        if (v < min) {
            throw new IllegalArgumentException(PATH + "." + prefix + key + " = " + v + ": must be >= " + min);
        }
        return v;
    }

    private static double positive(Config c, String key) {
        double v = c.getDouble(key);
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(PATH + ".learner." + key + " = " + v + ": must be > 0");
        }
        return v;
    }

    private static double nonNegative(Config c, String key, String prefix) {
        double v = c.getDouble(key);
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(PATH + "." + prefix + key + " = " + v + ": must be >= 0");
        }
        return v;
    }
}
