package org.p2pgrid.learner.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.pomdp.JointPolicy;
import org.p2pgrid.learner.algo.OpLearner;
import org.p2pgrid.learner.nn.Djl;
import org.p2pgrid.learner.nn.GaussianActor;
import org.p2pgrid.learner.nn.GaussianActors;

/**
 * The learner's current actors as a policy for the environment (eq 27): greedy a = squash(μ) for
 * evaluation ({@link #act}), or a = squash(μ + σε) with ε from the caller's stream for exploration.
 * Each agent reads only its own observation row (decentralised execution). Not thread-safe.
 */
public final class LearnedPolicy implements JointPolicy {
    private final GaussianActors actors;
    private final List<GaussianActor.Squash> squash = new ArrayList<>();
    private final NDManager manager;
    private final int agents;
    private final int obsDim;

    public LearnedPolicy(OpLearner learner, NDManager manager) {
        this.actors = learner.actors();
        this.agents = actors.size();
        this.obsDim = actors.actor(0).obsDim();
        for (int i = 0; i < agents; i++) {
            squash.add(learner.squash(i));
        }
        this.manager = manager;
    }

    /** Greedy (mean) action. */
    @Override
    public ProsumerAction[] act(double[][] observations) {
        return decide(observations, null);
    }

    /** Exploration: one Gaussian sample per agent from {@code rng}. */
    public ProsumerAction[] explore(double[][] observations, SplittableRandom rng) {
        return decide(observations, rng);
    }

    private ProsumerAction[] decide(double[][] observations, SplittableRandom rng) {
        if (observations.length != agents) {
            throw new IllegalArgumentException(observations.length + " observations for " + agents + " agents");
        }
        float[] flat = new float[agents * obsDim];
        for (int i = 0; i < agents; i++) {
            for (int f = 0; f < obsDim; f++) {
                flat[i * obsDim + f] = (float) observations[i][f];
            }
        }
        try (NDManager s = manager.newSubManager()) {
            NDArray obs = s.create(flat, new Shape(1, agents, obsDim));
            List<NDArray> eps = rng == null ? null : actors.noise(s, rng, 1);
            float[] a = Djl.noGrad(() -> actors.sample(obs, squash, eps).action().toFloatArray());
            ProsumerAction[] out = new ProsumerAction[agents];
            int dims = ProsumerAction.DIMS;
            for (int i = 0; i < agents; i++) {
                out[i] = new ProsumerAction(a[i * dims], a[i * dims + 1], a[i * dims + 2], a[i * dims + 3],
                        a[i * dims + 4]);
            }
            return out;
        }
    }
}
