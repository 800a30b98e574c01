package org.p2pgrid.env.scenario;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigOrigin;

/**
 * A scenario setting that is missing, of the wrong type or breaks its rule. The message starts
 * with the full configuration path and the value, e.g.
 * {@code p2pgrid.scenario.prosumer-types.commercial.bess.soc-min = 1.2: must be in [0, soc-max]},
 * followed by where the value was set when that is known.
 */
public final class ScenarioConfigException extends ConfigException {
    private static final long serialVersionUID = 1L;

    private final String path;

    ScenarioConfigException(String path, Object value, String rule, ConfigOrigin origin, Throwable cause) {
        super(path + " = " + value + ": " + rule + where(origin), cause);
        this.path = path;
    }

    ScenarioConfigException(String path, String problem, ConfigOrigin origin) {
        super(path + " " + problem + where(origin), null);
        this.path = path;
    }

    /** A setting that breaks its rule: "path = value: rule (set at origin)". */
    public static ScenarioConfigException invalid(String path, Object value, String rule, ConfigOrigin origin) {
        return new ScenarioConfigException(path, value, rule, origin, null);
    }

    /** Full configuration path of the offending setting. */
    public String path() {
        return path;
    }

    private static String where(ConfigOrigin origin) {
        return origin == null ? "" : " (set at " + origin.description() + ")";
    }
}
