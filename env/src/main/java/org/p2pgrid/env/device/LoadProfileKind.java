package org.p2pgrid.env.device;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which normalised daily/seasonal load shape a prosumer's demand follows. Kept separate from
 * {@link ProsumerType} so that, e.g., a rural prosumer can be given a residential shape.
 */
public enum LoadProfileKind {
    RESIDENTIAL,
    COMMERCIAL,
    INDUSTRIAL,
    RURAL,
    ENERGY_HUB;

    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static LoadProfileKind fromConfigName(String text) {
        for (LoadProfileKind k : values()) {
            if (k.configName().equals(text) || k.name().equals(text)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown load profile '" + text + "': must be one of "
                + Arrays.stream(values()).map(LoadProfileKind::configName).collect(Collectors.joining(", ")));
    }
}
