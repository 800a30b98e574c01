package org.p2pgrid.learner.train;

import java.util.Locale;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.expert.label.ExpertLabeller;

/**
 * The paper's expert (§III-A) as teacher: the DSO over the reference prosumer models, solved from the
 * visited state to the end of the day with perfect forecasts, plans re-used while the state stays
 * on them, labels cached durably ({@link ExpertLabeller}).
 */
public final class ExpertTeacher implements Teacher {
    private final ExpertLabeller labeller;

    public ExpertTeacher(ExpertLabeller labeller) {
        this.labeller = labeller;
    }

    @Override
    public ProsumerAction[] label(int day, int step, DeviceState[] states, double[][] observations) {
        return labeller.label(day, step, states).actions();
    }

    /**
     * Plans kept from an earlier episode of the same day would make labels depend on which episodes
     * ran before in this JVM — a resumed run would label differently. Each episode starts afresh
     * (the durable cache still answers states seen before).
     */
    @Override
    public void startEpisode(int day) {
        labeller.forgetPlans(day);
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
