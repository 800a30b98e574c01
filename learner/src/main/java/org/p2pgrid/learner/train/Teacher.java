package org.p2pgrid.learner.train;

import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerAction;

/**
 * Who says what an expert would have done in a visited state (the a_LLM of eqs 28–30): the label
 * the actors' Wasserstein-2 constraint pulls towards. Implementations must be deterministic for the
 * same (day, step, states) and the same sequence of earlier calls — training is reproducible for a seed.
 */
public interface Teacher extends AutoCloseable {

    /**
     * The joint expert action for the state the environment was in before step {@code step} of
     * {@code day}: device states (SOC, previous CDG output) and the agents' observations (eq 23).
     */
    ProsumerAction[] label(int day, int step, DeviceState[] states, double[][] observations);

    /** Called when an episode of {@code day} starts labelling: forget per-path state kept for that day. */
    default void startEpisode(int day) {}

    /** Human-readable counters (e.g. solves, cache hits) for progress and notes. */
    default String stats() {
        return "";
    }

    @Override
    default void close() {}
}
