package org.p2pgrid.env.pomdp;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.p2pgrid.env.data.ProfileGenerator;
import org.p2pgrid.env.data.SeriesSource;
import org.p2pgrid.env.grid.DefaultFeeder;
import org.p2pgrid.env.grid.MatpowerCaseReader;
import org.p2pgrid.env.grid.Network;
import org.p2pgrid.env.grid.SyntheticFeeder;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.market.TouTariff;
import org.p2pgrid.env.scenario.ScenarioConfig;
import org.p2pgrid.env.scenario.ScenarioConfigException;

/**
 * Builds {@link Scenario}s from HOCON: the built-in default (reference.conf: case141, the 20
 * prosumers of Table I, generated profiles) or a scenario file that overrides any part of it.
 */
public final class Scenarios {
    private static final String ROOT = ScenarioConfig.ROOT;
    private static final String BUILTIN_CASE141 = "builtin:case141";

    private Scenarios() {}

    /** The built-in default scenario with profiles generated from {@code seed}. */
    public static Scenario defaults(long seed) {
        return fromConfig(ConfigFactory.defaultOverrides().withFallback(ConfigFactory.defaultReference()).resolve(), seed);
    }

    /** A scenario file (HOCON) on top of the defaults. */
    public static Scenario fromFile(Path file, long seed) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("scenario file " + file + " does not exist");
        }
        Config own = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        Config all = ConfigFactory.defaultOverrides().withFallback(own).withFallback(ConfigFactory.defaultReference()).resolve();
        return fromConfig(all, seed);
    }

    /** A resolved configuration holding {@code p2pgrid.scenario}. */
    public static Scenario fromConfig(Config root, long seed) {
        ScenarioConfig config = ScenarioConfig.load(root);
        Config s = root.getConfig(ROOT);
        Network network = feeder(s);
        double peakScale = positive(s, "background-load.peak-scale");
        RewardSettings reward;
        try {
            reward = new RewardSettings(number(s, "reward.cost-weight"), number(s, "reward.violation-offset"),
                    number(s, "reward.violation-coefficient"), number(s, "reward.v-min"), number(s, "reward.v-max"),
                    number(s, "reward.v-base"));
        } catch (IllegalArgumentException e) {
            throw ScenarioConfigException.invalid(ROOT + ".reward", s.getValue("reward").render(com.typesafe.config.ConfigRenderOptions.concise()), e.getMessage(),
                    s.getValue("reward").origin());
        }
        double gamma = number(s, "reward.discount");
        if (!(gamma > 0 && gamma <= 1)) {
            throw ScenarioConfigException.invalid(ROOT + ".reward.discount", gamma, "must be in (0, 1]",
                    s.getValue("reward.discount").origin());
        }
        SeriesSource profiles = ProfileGenerator.withDefaults(seed);
        return new Scenario(network, config, reward, gamma, new GeneratedExogenous(profiles, config.prosumers(), peakScale));
    }

    /**
     * A stress-test scenario: a seeded synthetic radial feeder of {@code buses} buses with
     * {@code prosumers} prosumers, cycling through the default scenario's 20 prosumer definitions
     * (Table I's types and devices), scaled so that their capacity relative to the feeder's load is
     * the default's, and placed on distinct random non-slack buses.
     */
    public static Scenario synthetic(int buses, int prosumers, long seed) {
        Network network = SyntheticFeeder.generate(buses, seed);
        if (prosumers < 1 || prosumers >= buses) {
            throw new IllegalArgumentException("prosumers = " + prosumers + ": must be in 1.." + (buses - 1)
                    + " for a " + buses + "-bus feeder (one prosumer per non-slack bus at most)");
        }
        Scenario base = defaults(seed);
        List<Integer> candidates = new ArrayList<>();
        for (int b = 0; b < network.busCount(); b++) {
            if (b != network.slackIndex()) {
                candidates.add(network.busNumber(b));
            }
        }
        Collections.shuffle(candidates, new Random(seed));
        List<ProsumerSpec> templates = base.prosumers();
        // Keep the default's proportion of prosumer capacity to feeder load: the same devices on a
        // weaker or more crowded feeder would collapse its voltages instead of stressing the code.
        double sizeScale = (network.totalBasePdPu() * network.baseMva())
                / (base.network().totalBasePdPu() * base.network().baseMva()) * templates.size() / prosumers;
        List<ProsumerSpec> placed = new ArrayList<>(prosumers);
        for (int i = 0; i < prosumers; i++) {
            ProsumerSpec t = templates.get(i % templates.size()).scaled(sizeScale);
            placed.add(new ProsumerSpec(t.id() + "-" + (i / templates.size()), t.type(), candidates.get(i),
                    t.cdg(), t.rdg(), t.bess(), t.cl(), t.load()));
        }
        ScenarioConfig bc = base.config();
        ScenarioConfig config = new ScenarioConfig(bc.dtHours(), bc.tariff(), bc.p2p(), placed);
        GeneratedExogenous exogenous = new GeneratedExogenous(ProfileGenerator.withDefaults(seed), placed,
                ((GeneratedExogenous) base.exogenous()).backgroundPeakScale());
        return new Scenario(network, config, base.reward(), base.gamma(), exogenous);
    }

    /** The documented rule-based baseline for this scenario (peak/valley = the tariff's highest/lowest buy price). */
    public static JointPolicy ruleBased(Scenario scenario) {
        TouTariff tariff = scenario.tariff();
        double max = Double.NEGATIVE_INFINITY, min = Double.POSITIVE_INFINITY;
        for (int t = 0; t < tariff.steps(); t++) {
            max = Math.max(max, tariff.buyAt(t));
            min = Math.min(min, tariff.buyAt(t));
        }
        return new RuleBasedPolicy(scenario.prosumers(), max, min);
    }

    public static JointPolicy idle(Scenario scenario) {
        return new IdlePolicy(scenario.prosumers());
    }

    private static Network feeder(Config s) {
        String feeder = s.getString("feeder");
        if (BUILTIN_CASE141.equals(feeder)) {
            return DefaultFeeder.case141();
        }
        Path path = Path.of(feeder);
        if (!Files.isRegularFile(path)) {
            throw ScenarioConfigException.invalid(ROOT + ".feeder", feeder,
                    "expected \"" + BUILTIN_CASE141 + "\" or an existing MATPOWER case file", s.getValue("feeder").origin());
        }
        return MatpowerCaseReader.read(path);
    }

    private static double number(Config s, String key) {
        try {
            double v = s.getDouble(key);
            if (!Double.isFinite(v)) {
                throw ScenarioConfigException.invalid(ROOT + "." + key, v, "must be finite", s.getValue(key).origin());
            }
            return v;
        } catch (ConfigException.Missing e) {
            throw ScenarioConfigException.invalid(ROOT + "." + key, "(missing)", "is required", s.origin());
        } catch (ConfigException.WrongType e) {
            throw ScenarioConfigException.invalid(ROOT + "." + key, s.getValue(key).render(), "must be a number",
                    s.getValue(key).origin());
        }
    }

    private static double positive(Config s, String key) {
        double v = number(s, key);
        if (!(v > 0)) {
            throw ScenarioConfigException.invalid(ROOT + "." + key, v, "must be > 0", s.getValue(key).origin());
        }
        return v;
    }
}
