package org.p2pgrid.learner.train;

import java.util.Locale;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.expert.label.ExpertLabeller;

/**
 * The paper's expert (§III-A) as teacher: the DSO over the reference prosumer models, solved from the
 * visited state to the end of the day with perfect forecasts, plans re-used while the state stays
 * on them, labels cached durably ({@link ExpertLabeller}).
 */
public final class ExpertTeacher implements Teacher {
    private final ExpertLabeller labeller;
    private final DeviceState[] initialStates;

    public ExpertTeacher(ExpertLabeller labeller, Scenario scenario) {
        this.labeller = labeller;
        this.initialStates = scenario.prosumers().stream().map(DeviceState::initial).toArray(DeviceState[]::new);
    }

    @Override
    public ProsumerAction[] label(int day, int step, DeviceState[] states, double[][] observations) {
        return labeller.label(day, step, states).actions();
    }

    /**
     * Each episode starts from the day's perfect-foresight plan from the initial device states (one
     * DSO solve); later labels re-use it, fitted to the visited state, until the state drifts beyond
     * the labeller's tolerances. Plans kept from an earlier episode of the same day are dropped first:
     * they would make labels depend on which episodes ran before in this JVM, and a resumed run
     * would label differently (the durable cache still answers states seen before).
     */
    @Override
    public void startEpisode(int day) {
        labeller.forgetPlans(day);
        labeller.plan(day, 0, initialStates.clone());
    }

    public ExpertLabeller labeller() {
        return labeller;
    }

    @Override
    public String stats() {
        return String.format(Locale.ROOT, "expert: %d solves (%.0f s), %d plan re-uses, %d cache hits",
                labeller.solves(), labeller.totalSolveSeconds(), labeller.planReuses(), labeller.cacheHits());
    }

}
