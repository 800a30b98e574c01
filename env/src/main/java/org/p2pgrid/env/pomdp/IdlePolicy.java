package org.p2pgrid.env.pomdp;

import java.util.List;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.device.ProsumerSpec;

import static org.p2pgrid.env.pomdp.ObservationLayout.P_RDG_MAX;

/**
 * The "do nothing" baseline: renewables produce what is available at unity power factor, nothing
 * else is dispatched (CDG at 0, projected up to its minimum; battery idle; no curtailment).
 */
public final class IdlePolicy implements JointPolicy {
    private final int agents;

    public IdlePolicy(List<ProsumerSpec> prosumers) {
        this.agents = prosumers.size();
    }

    @Override
    public ProsumerAction[] act(double[][] observations) {
        ProsumerAction[] actions = new ProsumerAction[agents];
        for (int i = 0; i < agents; i++) {
            actions[i] = new ProsumerAction(0, observations[i][P_RDG_MAX], 0, 0, 0);
        }
        return actions;
    }
}
