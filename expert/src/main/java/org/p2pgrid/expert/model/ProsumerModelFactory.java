package org.p2pgrid.expert.model;

import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerSpec;

/**
 * Places one prosumer's model into a shared {@link ConvexModel}, bound to its state at step t and
 * perfect forecasts for t..T−1 (paper §III-A: {@code def prosumer(state)}). Implemented by compiled
 * modelling-language programs (reference "human expert" models or LLM-written ones).
 */
@FunctionalInterface
public interface ProsumerModelFactory {

    /**
     * @param namePrefix prefix for every variable/constraint name (unique per prosumer in the model)
     * @param state device state before step t (previous CDG output, SOC)
     * @param forecast exogenous inputs and prices for steps t..T−1
     */
    ProsumerModel place(ConvexModel model, String namePrefix, ProsumerSpec spec, DeviceState state,
                        ProsumerForecast forecast);
}
