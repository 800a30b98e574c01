package org.p2pgrid.env.scenario;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.p2pgrid.env.device.ActionProjection;
import org.p2pgrid.env.device.BessSpec;
import org.p2pgrid.env.device.CdgSpec;
import org.p2pgrid.env.device.ClSpec;
import org.p2pgrid.env.device.LoadProfileKind;
import org.p2pgrid.env.device.LoadSpec;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.device.ProsumerType;
import org.p2pgrid.env.device.RdgSpec;
import org.p2pgrid.env.device.SpecViolation;
import org.p2pgrid.env.market.P2pSettings;
import org.p2pgrid.env.market.TouPeriod;
import org.p2pgrid.env.market.TouTariff;

/**
 * The scenario's prosumers, grid tariff and P2P settings, read from {@code p2pgrid.scenario}
 * (defaults and their sources in {@code env/src/main/resources/reference.conf}).
 *
 * <p>Each prosumer entry is merged over its type's device blocks, so an entry can override single
 * values, remove a device with {@code cdg = null}, or set {@code size-scale}. Every error names the
 * full path and value where the offending value was set (type block or prosumer entry).
 *
 * @param dtHours    market step Δt, hours (0.25)
 * @param tariff     per-step grid buy/sell prices (eq 15)
 * @param p2p        P2P price coefficient (eq 20) and DSO fee (eq 19)
 * @param prosumers  in configuration order (the agent order)
 */
public record ScenarioConfig(double dtHours, TouTariff tariff, P2pSettings p2p, List<ProsumerSpec> prosumers) {

    public static final String ROOT = "p2pgrid.scenario";

    private static final Set<String> ENTRY_KEYS = Set.of("id", "type", "bus", "size-scale", "cdg", "rdg", "bess", "cl", "load");
    private static final Set<String> CDG_KEYS = Set.of(
            "p-min-kw", "p-max-kw", "ramp-kw-per-step", "cost-quad-cny-per-kw2h", "cost-lin-cny-per-kwh");
    private static final Set<String> RDG_KEYS = Set.of("pv-capacity-kw", "wt-capacity-kw", "inverter-ratio", "s-max-kva");
    private static final Set<String> BESS_KEYS = Set.of("p-max-charge-kw", "p-max-discharge-kw", "capacity-kwh",
            "soc-min", "soc-max", "soc-initial", "efficiency", "wear-cny-per-kwh");
    private static final Set<String> CL_KEYS = Set.of("alpha", "discomfort-cny-per-kwh");
    private static final Set<String> LOAD_KEYS = Set.of("annual-energy-mwh", "power-factor", "profile");

    public ScenarioConfig {
        prosumers = List.copyOf(prosumers);
    }

    /** The defaults of reference.conf (plus any system-property overrides). */
    public static ScenarioConfig defaults() {
        return load(ConfigFactory.defaultOverrides().withFallback(ConfigFactory.defaultReference()).resolve());
    }

    /**
     * Reads {@code p2pgrid.scenario} from a resolved config that already contains the reference
     * defaults (e.g. {@code ConfigFactory.load()}, or a scenario file {@code .withFallback} it).
     *
     * @throws ScenarioConfigException naming path and value of the first bad setting
     */
    public static ScenarioConfig load(Config root) {
        if (!root.hasPath(ROOT)) {
            throw new ScenarioConfigException(ROOT, "is missing", root.origin());
        }
        Config scenario = root.getConfig(ROOT);
        Reader top = new Reader(scenario, ROOT);

        double dt = top.positive("dt-hours");
        int stepsPerDay = top.rule("dt-hours", dt, () -> TouTariff.stepsPerDay(dt));
        TouTariff tariff = readTariff(top.sub("tariff"), dt);
        if (tariff.steps() != stepsPerDay) {
            throw new IllegalStateException("tariff has " + tariff.steps() + " steps, expected " + stepsPerDay);
        }
        Reader p2pReader = top.sub("p2p");
        double k = p2pReader.number("price-coefficient");
        if (k < 0 || k > 1) {
            throw p2pReader.bad("price-coefficient", k, "must be in [0, 1] (eq 20)");
        }
        double fee = p2pReader.number("dso-fee-cny-per-kwh");
        if (fee < 0) {
            throw p2pReader.bad("dso-fee-cny-per-kwh", fee, "must be >= 0");
        }
        P2pSettings p2p = new P2pSettings(k, fee);
        double globalScale = top.positive("size-scale");

        List<ProsumerSpec> prosumers = readProsumers(scenario, globalScale);
        return new ScenarioConfig(dt, tariff, p2p, prosumers);
    }

    public int stepsPerDay() {
        return tariff.steps();
    }

    /** The projection for this scenario's Δt. */
    public ActionProjection projection() {
        return new ActionProjection(dtHours);
    }

    // ---------------------------------------------------------------- tariff

    private static TouTariff readTariff(Reader t, double dt) {
        Reader bands = t.sub("buy-cny-per-kwh");
        Map<String, Double> buy = new LinkedHashMap<>();
        for (String band : bands.config.root().keySet()) {
            buy.put(band, bands.number(band));
        }
        double sell = t.number("sell-cny-per-kwh");
        if (sell < 0) {
            throw t.bad("sell-cny-per-kwh", sell, "must be >= 0");
        }
        for (Map.Entry<String, Double> b : buy.entrySet()) {
            if (!(b.getValue() > sell)) {
                throw bands.bad(b.getKey(), b.getValue(),
                        "the buy price must exceed sell-cny-per-kwh (" + sell + ") in every band (eq 20)");
            }
        }
        List<TouPeriod> periods = new ArrayList<>();
        List<? extends Config> list = t.configList("periods");
        for (int i = 0; i < list.size(); i++) {
            Reader p = new Reader(list.get(i), t.path + ".periods[" + i + "]");
            p.onlyKeys(Set.of("from-hour", "to-hour", "band"));
            double from = p.number("from-hour");
            double to = p.number("to-hour");
            String band = p.string("band");
            periods.add(p.rule("from-hour", from, () -> new TouPeriod(from, to, band)));
        }
        return t.rule("periods", "[...]", () -> TouTariff.fromPeriods(dt, periods, buy, sell));
    }

    // ---------------------------------------------------------------- prosumers

    private static List<ProsumerSpec> readProsumers(Config scenario, double globalScale) {
        Reader types = new Reader(scenario, ROOT).sub("prosumer-types");
        List<? extends Config> entries = new Reader(scenario, ROOT).configList("prosumers");
        List<ProsumerSpec> result = new ArrayList<>();
        Map<String, Integer> seenIds = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            String entryPath = ROOT + ".prosumers[" + i + "]";
            Reader entry = new Reader(entries.get(i), entryPath);
            entry.onlyKeys(ENTRY_KEYS);
            String id = entry.string("id");
            if (id.isBlank()) {
                throw entry.bad("id", "\"\"", "must be a non-blank name");
            }
            Integer previous = seenIds.putIfAbsent(id, i);
            if (previous != null) {
                throw entry.bad("id", id, "duplicate of " + ROOT + ".prosumers[" + previous + "].id");
            }
            String typeName = entry.string("type");
            ProsumerType type = entry.rule("type", typeName, () -> ProsumerType.fromConfigName(typeName));
            if (!types.config.hasPath(type.configName())) {
                throw entry.bad("type", typeName, "has no block " + types.path + "." + type.configName());
            }
            int bus = entry.integer("bus");
            if (bus < 1) {
                throw entry.bad("bus", bus, "must be a 1-based bus number (>= 1)");
            }
            double scale = globalScale * (entry.config.hasPath("size-scale") ? entry.positive("size-scale") : 1.0);

            Merged m = new Merged(entry, types.sub(type.configName()));
            CdgSpec cdg = m.has("cdg") ? readCdg(m.block("cdg")) : null;
            RdgSpec rdg = readRdg(m.require("rdg"));
            BessSpec bess = m.has("bess") ? readBess(m.block("bess")) : null;
            ClSpec cl = readCl(m.require("cl"));
            LoadSpec load = readLoad(m.require("load"), type);
            ProsumerSpec spec = entry.rule("id", id, () -> new ProsumerSpec(id, type, bus, cdg, rdg, bess, cl, load));
            result.add(scale == 1.0 ? spec : spec.scaled(scale));
        }
        return result;
    }

    private static CdgSpec readCdg(Block b) {
        b.onlyKeys(CDG_KEYS);
        return b.build(() -> new CdgSpec(b.number("p-min-kw"), b.number("p-max-kw"), b.number("ramp-kw-per-step"),
                b.number("cost-quad-cny-per-kw2h"), b.number("cost-lin-cny-per-kwh")));
    }

    private static RdgSpec readRdg(Block b) {
        b.onlyKeys(RDG_KEYS);
        double pv = b.number("pv-capacity-kw");
        double wt = b.number("wt-capacity-kw");
        double sMax;
        if (b.has("s-max-kva")) {
            sMax = b.number("s-max-kva");
        } else {
            double ratio = b.number("inverter-ratio");
            if (!(ratio > 0)) {
                throw b.bad("inverter-ratio", ratio, "must be > 0");
            }
            sMax = ratio * (pv + wt);
        }
        return b.build(() -> new RdgSpec(sMax, pv, wt));
    }

    private static BessSpec readBess(Block b) {
        b.onlyKeys(BESS_KEYS);
        return b.build(() -> new BessSpec(b.number("p-max-charge-kw"), b.number("p-max-discharge-kw"),
                b.number("capacity-kwh"), b.number("soc-min"), b.number("soc-max"), b.number("soc-initial"),
                b.number("efficiency"), b.number("wear-cny-per-kwh")));
    }

    private static ClSpec readCl(Block b) {
        b.onlyKeys(CL_KEYS);
        return b.build(() -> new ClSpec(b.number("alpha"), b.number("discomfort-cny-per-kwh")));
    }

    private static LoadSpec readLoad(Block b, ProsumerType type) {
        b.onlyKeys(LOAD_KEYS);
        LoadProfileKind profile = type.defaultLoadProfile();
        if (b.has("profile")) {
            String text = b.string("profile");
            profile = b.reader("profile").rule("profile", text, () -> LoadProfileKind.fromConfigName(text));
        }
        LoadProfileKind chosen = profile;
        return b.build(() -> new LoadSpec(b.number("annual-energy-mwh"), b.number("power-factor"), chosen));
    }

    /** A prosumer entry over its type block: values come from the entry if set there, else the type. */
    private record Merged(Reader entry, Reader type) {
        boolean has(String device) {
            if (entry.config.hasPathOrNull(device)) {
                return !entry.config.getIsNull(device); // "cdg = null" removes the type's device
            }
            return type.config.hasPath(device);
        }

        Block block(String device) {
            Reader fromEntry = entry.config.hasPath(device) ? entry.sub(device) : null;
            Reader fromType = type.config.hasPath(device) ? type.sub(device) : null;
            return new Block(fromEntry, fromType);
        }

        Block require(String device) {
            if (!has(device)) {
                throw new ScenarioConfigException(type.path + "." + device,
                        "is missing: every prosumer needs a " + device + " block (in its type or its entry "
                                + entry.path + ")", type.config.origin());
            }
            return block(device);
        }
    }

    /** One device block, looked up key by key in the entry first, then the type. */
    private record Block(Reader fromEntry, Reader fromType) {
        boolean has(String key) {
            return reader(key) != null && reader(key).config.hasPath(key);
        }

        Reader reader(String key) {
            if (fromEntry != null && fromEntry.config.hasPath(key)) {
                return fromEntry;
            }
            if (fromType != null && fromType.config.hasPath(key)) {
                return fromType;
            }
            return fromType != null ? fromType : fromEntry;
        }

        double number(String key) {
            return reader(key).number(key);
        }

        String string(String key) {
            return reader(key).string(key);
        }

        void onlyKeys(Set<String> allowed) {
            if (fromEntry != null) {
                fromEntry.onlyKeys(allowed);
            }
            if (fromType != null) {
                fromType.onlyKeys(allowed);
            }
        }

        ScenarioConfigException bad(String key, Object value, String rule) {
            return reader(key).bad(key, value, rule);
        }

        /** Runs a record constructor; a {@link SpecViolation} is re-stated at the field's config path. */
        <T> T build(Supplier<T> constructor) {
            try {
                return constructor.get();
            } catch (SpecViolation v) {
                Reader where = reader(v.field());
                throw where.bad(v.field(), v.value(), v.rule(), v);
            }
        }
    }

    /** Typed access to one config object with errors naming the full path. */
    private static final class Reader {
        final Config config;
        final String path;

        Reader(Config config, String path) {
            this.config = config;
            this.path = path;
        }

        String full(String key) {
            return path + "." + key;
        }

        Reader sub(String key) {
            ConfigValue v = value(key);
            if (v.valueType() != ConfigValueType.OBJECT) {
                throw bad(key, v.render(), "must be an object { ... }");
            }
            return new Reader(config.getConfig(key), full(key));
        }

        List<? extends Config> configList(String key) {
            ConfigValue v = value(key);
            try {
                return config.getConfigList(key);
            } catch (ConfigException.WrongType e) {
                throw bad(key, v.render(), "must be a list of objects [ { ... }, ... ]", e);
            }
        }

        double number(String key) {
            ConfigValue v = value(key);
            if (v.valueType() != ConfigValueType.NUMBER) {
                throw bad(key, v.render(), "must be a number");
            }
            double d = config.getDouble(key);
            if (!Double.isFinite(d)) {
                throw bad(key, d, "must be a finite number");
            }
            return d;
        }

        double positive(String key) {
            double d = number(key);
            if (!(d > 0)) {
                throw bad(key, d, "must be > 0");
            }
            return d;
        }

        int integer(String key) {
            double d = number(key);
            if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
                throw bad(key, d, "must be a whole number");
            }
            return (int) d;
        }

        String string(String key) {
            ConfigValue v = value(key);
            if (v.valueType() != ConfigValueType.STRING) {
                throw bad(key, v.render(), "must be a string");
            }
            return config.getString(key);
        }

        ConfigValue value(String key) {
            if (!config.hasPath(key)) {
                throw new ScenarioConfigException(full(key), "is missing", config.origin());
            }
            return config.getValue(key);
        }

        /** Rejects keys outside {@code allowed}: a typo like {@code soc-mni} would otherwise be ignored silently. */
        void onlyKeys(Set<String> allowed) {
            ConfigObject object = config.root();
            Set<String> unknown = new LinkedHashSet<>(object.keySet());
            unknown.removeAll(allowed);
            if (!unknown.isEmpty()) {
                String key = unknown.iterator().next();
                throw new ScenarioConfigException(full(key), "is not a known setting; expected one of "
                        + allowed.stream().sorted().toList(), object.get(key).origin());
            }
        }

        /** Runs a constructor/parser and re-states its IllegalArgumentException at {@code key}. */
        <T> T rule(String key, Object value, Supplier<T> action) {
            try {
                return action.get();
            } catch (SpecViolation v) {
                throw bad(key, value, v.getMessage(), v);
            } catch (IllegalArgumentException e) {
                throw bad(key, value, e.getMessage(), e);
            }
        }

        ScenarioConfigException bad(String key, Object value, String rule) {
            return bad(key, value, rule, null);
        }

        ScenarioConfigException bad(String key, Object value, String rule, Throwable cause) {
            ConfigOrigin origin = config.hasPath(key) ? config.getValue(key).origin() : config.origin();
            return new ScenarioConfigException(full(key), value, rule, origin, cause);
        }
    }
}
