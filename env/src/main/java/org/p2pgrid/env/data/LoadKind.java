package org.p2pgrid.env.data;

import java.util.Locale;

/**
 * Prosumer types of the paper's Table I, as load classes. Which real profiles stand behind each
 * (files in {@code ../shared/data/load}, equal weights unless stated):
 * <ul>
 *   <li>RESIDENTIAL: LP_W_EFH (single-family house), LP_W_MFH_m (multi-family house)</li>
 *   <li>COMMERCIAL: LP_G0 (BDEW general trade), LP_G1 (BDEW weekdays 8–18), LP_O_Buero_m (office)</li>
 *   <li>INDUSTRIAL: LP_G_MV (metal processing), LP_G_G (electroplating)</li>
 *   <li>RURAL: LP_L0 (BDEW agriculture)</li>
 *   <li>ENERGY_HUB: one third each of the residential, commercial and industrial mixes (a hub serves
 *       a small mixed district)</li>
 * </ul>
 */
public enum LoadKind {
    RESIDENTIAL, COMMERCIAL, INDUSTRIAL, RURAL, ENERGY_HUB;

    /** Name used in configuration and in the parameter resource, e.g. {@code energy_hub}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static LoadKind fromConfigName(String name) {
        for (LoadKind k : values()) {
            if (k.configName().equals(name.trim().toLowerCase(Locale.ROOT))) return k;
        }
        throw new IllegalArgumentException("unknown prosumer load type '" + name
                + "' (expected residential, commercial, industrial, rural or energy_hub)");
    }
}
