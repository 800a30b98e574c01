package org.p2pgrid.learner.nn;

import ai.djl.ndarray.NDManager;

/** Which critic architecture: OP's joint MLP or OP-MH's differential attention. */
public enum CriticKind {
    /** OP: {@link MlpCritic}. */
    MLP,
    /** OP-MH: {@link AttentionCritic}. */
    ATTENTION;

    public Critic create(NDManager manager, String name, int agents, int obsDim, int actionDim,
                         NetworkConfig config, long salt) {
        return switch (this) {
            case MLP -> new MlpCritic(manager, name, agents, obsDim, actionDim, config, salt);
            case ATTENTION -> new AttentionCritic(manager, name, agents, obsDim, actionDim, config, salt);
        };
    }
}
