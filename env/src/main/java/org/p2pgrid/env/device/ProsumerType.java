package org.p2pgrid.env.device;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The five prosumer scenarios of the paper's Table I. */
public enum ProsumerType {
    COMMERCIAL,
    RURAL,
    INDUSTRIAL,
    RESIDENTIAL,
    ENERGY_HUB;

    /** Spelling used in configuration files: {@code commercial}, ..., {@code energy-hub}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Accepts the configuration spelling (and, leniently, the enum constant's name). */
    public static ProsumerType fromConfigName(String text) {
        for (ProsumerType t : values()) {
            if (t.configName().equals(text) || t.name().equals(text)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown prosumer type '" + text + "': must be one of "
                + Arrays.stream(values()).map(ProsumerType::configName).collect(Collectors.joining(", ")));
    }

    /** The load profile a prosumer of this type has unless configured otherwise. */
    public LoadProfileKind defaultLoadProfile() {
        return LoadProfileKind.valueOf(name());
    }
}
