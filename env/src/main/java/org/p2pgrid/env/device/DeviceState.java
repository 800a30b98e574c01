package org.p2pgrid.env.device;

/**
 * What a prosumer's devices carry from one step to the next.
 *
 * @param prevPCdgKw   CDG output at the previous step (centre of the eq 2 ramp window); 0 without CDG
 * @param socFraction  battery state of charge as a fraction of capacity; 0 without BESS
 */
public record DeviceState(double prevPCdgKw, double socFraction) {

    private static final String OWNER = "DeviceState";

    public DeviceState {
        Require.finite(OWNER, "prev-p-cdg-kw", prevPCdgKw);
        Require.inRange(OWNER, "soc-fraction", socFraction, 0, 1, "[0, 1]");
    }

    /** Start of a day: CDG at its minimum output (inside its bounds), battery at its initial SOC. */
    public static DeviceState initial(ProsumerSpec spec) {
        return new DeviceState(
                spec.hasCdg() ? spec.cdg().pMinKw() : 0,
                spec.hasBess() ? spec.bess().socInitial() : 0);
    }
}
