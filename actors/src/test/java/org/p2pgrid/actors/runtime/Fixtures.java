package org.p2pgrid.actors.runtime;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.pomdp.ObservationLayout;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.learner.nn.ActionBounds;
import org.p2pgrid.learner.nn.ActorSnapshot;
import org.p2pgrid.learner.replay.Transition;
import org.p2pgrid.learner.train.Trainer;

/** Small shared pieces for the runtime's tests (no DJL: weights are random plain arrays). */
final class Fixtures {
    static final Scenario SCENARIO = Scenarios.synthetic(33, 3, 7);

    private Fixtures() {}

    /** The test actor system's config: the runtime's own Pekko settings. */
    static Config config() {
        return ActorTraining.systemConfig();
    }

    static ActorSnapshot.Weights randomWeights(int agent, int hidden, ActionBounds bounds, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int obs = ObservationLayout.SIZE;
        int k = bounds.size();
        return new ActorSnapshot.Weights(agent, obs, rnd(r, hidden * obs), rnd(r, hidden), rnd(r, hidden * hidden),
                rnd(r, hidden), rnd(r, k * hidden), rnd(r, k), rnd(r, k * hidden), rnd(r, k), -20f, 2f,
                bounds.lo(), bounds.hi());
    }

    /** One random weight set per prosumer of {@link #SCENARIO}. */
    static List<ActorSnapshot.Weights> randomWeights(long seed) {
        List<ActionBounds> bounds = Trainer.actionBounds(SCENARIO);
        List<ActorSnapshot.Weights> out = new ArrayList<>();
        for (int i = 0; i < bounds.size(); i++) {
            out.add(randomWeights(i, 16, bounds.get(i), seed * 31 + i));
        }
        return out;
    }

    private static float[] rnd(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() - 0.5) * 0.6f;
        }
        return a;
    }

    /** A transition of {@code agents} agents with distinct contents; violation as given. */
    static Transition transition(int agents, int step, boolean violation) {
        float[][] o = new float[agents][ObservationLayout.SIZE];
        float[][] a = new float[agents][5];
        for (int i = 0; i < agents; i++) {
            o[i][0] = step + i;
            a[i][0] = step;
        }
        return Transition.of(1, 0, step, o, a, -step, o, false, violation, null);
    }

    static int agents() {
        List<ProsumerSpec> specs = SCENARIO.prosumers();
        return specs.size();
    }
}
