package org.p2pgrid.learner.train;

import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.pomdp.JointPolicy;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;

/**
 * The documented rule-based policy as teacher: its action on the visited observation. Cheap labels
 * for experiments (how much does the expert's quality matter?) and for tests of the training machinery.
 */
public final class RuleBasedTeacher implements Teacher {
    private final JointPolicy policy;

    public RuleBasedTeacher(Scenario scenario) {
        this.policy = Scenarios.ruleBased(scenario);
    }

    @Override
    public ProsumerAction[] label(int day, int step, DeviceState[] states, double[][] observations) {
        return policy.act(observations);
    }
}
