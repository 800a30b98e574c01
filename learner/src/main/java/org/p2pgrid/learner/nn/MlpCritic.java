package org.p2pgrid.learner.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import java.util.SplittableRandom;

/**
 * OP's critic: an MLP over the joint state–action, [s, a] (N·(obsDim + actionDim) inputs) →
 * hidden → hidden (ReLU) → N outputs, one value per agent (Q_θᵢ or, with actionDim 0, V_ψᵢ).
 */
public final class MlpCritic implements Critic {
    private final int agents;
    private final int obsDim;
    private final int actionDim;
    private final Params params;
    private final Dense l1;
    private final Dense l2;
    private final Dense out;
    private final int hidden;

    public MlpCritic(NDManager manager, String name, int agents, int obsDim, int actionDim, NetworkConfig config, long salt) {
        this.agents = agents;
        this.obsDim = obsDim;
        this.actionDim = actionDim;
        this.params = new Params(manager);
        SplittableRandom rng = new SplittableRandom(config.seed() * 1_000_003L + 7919 * salt + 3);
        int in = agents * (obsDim + actionDim);
        this.hidden = config.hidden();
        this.l1 = new Dense(params, name + ".l1", rng, in, config.hidden());
        this.l2 = new Dense(params, name + ".l2", rng, config.hidden(), config.hidden());
        this.out = new Dense(params, name + ".out", rng, config.hidden(), agents);
    }

    @Override
    public NDArray forward(NDArray obs, NDArray actions) {
        long b = obs.getShape().get(0);
        NDArray x = obs.reshape(b, (long) agents * obsDim);
        if (actionDim > 0) {
            x = x.concat(actions.reshape(b, (long) agents * actionDim), 1); // joint [s, a]
        }
        NDArray h = Activation.relu(l1.apply(x));
        h = Activation.relu(l2.apply(h));
        return out.apply(h); // [B, N]
    }

    /** Joint input (reshape/concat copies), four hidden-wide activations and the N outputs, about twice for backward. */
    @Override
    public long bytesPerRow() {
        return Float.BYTES * 2L * (2L * agents * (obsDim + actionDim) + 4L * hidden + agents);
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public int agents() {
        return agents;
    }

    @Override
    public int obsDim() {
        return obsDim;
    }

    @Override
    public int actionDim() {
        return actionDim;
    }
}
