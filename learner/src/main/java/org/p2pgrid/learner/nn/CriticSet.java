package org.p2pgrid.learner.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * The value networks of paper §III-B-3: double Q (Q_θ,1, Q_θ,2; the min is taken, eqs 27, 35, 39),
 * a state-value V_ψ (eq 35) and its Polyak-averaged target V_ψ̄ (eqs 36–37). All four have the same
 * architecture ({@link CriticKind}); the target starts as an exact copy of V and is never trained
 * by gradient (its parameters record no gradient).
 *
 * <p>Loss helpers take optional per-sample importance weights w [B] (prioritised replay); without
 * them the expectation is the plain batch mean. Means are over the batch AND the N per-agent
 * values, so each agent's critic gets its own term of the same size.
 */
public final class CriticSet {
    private final Critic q1;
    private final Critic q2;
    private final Critic v;
    private final Critic vTarget;
    private final double tau;
    private final Consts c;

    public CriticSet(NDManager manager, CriticKind kind, int agents, int obsDim, int actionDim, NetworkConfig config) {
        this(manager, kind, agents, obsDim, actionDim, config, null);
    }

    /**
     * @param obsScales one fixed input normalisation per agent ({@link ObservationScale}), applied to the
     *                  joint observation [B, N, obsDim] before every critic; null for none
     */
    public CriticSet(NDManager manager, CriticKind kind, int agents, int obsDim, int actionDim, NetworkConfig config,
                     List<ObservationScale> obsScales) {
        this.q1 = scaled(manager, kind.create(manager, "q1", agents, obsDim, actionDim, config, 1), obsScales);
        this.q2 = scaled(manager, kind.create(manager, "q2", agents, obsDim, actionDim, config, 2), obsScales);
        this.v = scaled(manager, kind.create(manager, "v", agents, obsDim, 0, config, 3), obsScales);
        this.vTarget = scaled(manager, kind.create(manager, "v", agents, obsDim, 0, config, 3), obsScales);
        this.vTarget.params().copyFrom(v.params());
        this.vTarget.params().setTrainable(false);
        this.tau = config.tau();
        this.c = new Consts(manager);
    }

    public Critic q1() {
        return q1;
    }

    public Critic q2() {
        return q2;
    }

    public Critic v() {
        return v;
    }

    public Critic vTarget() {
        return vTarget;
    }

    public double tau() {
        return tau;
    }

    /** min_{z∈{1,2}} Q_θ,z(s, a) [B, N] (eqs 27, 35, 39). */
    public NDArray minQ(NDArray obs, NDArray actions) {
        return q1.forward(obs, actions).minimum(q2.forward(obs, actions));
    }

    /** Eq 36 target y = r + γ·m·V_ψ̄(s'), without autograd. {@code reward}, {@code mask} [B, N] or [B, 1]; mask 0 ends the bootstrap. */
    public NDArray target(NDArray reward, NDArray mask, NDArray nextObs, double gamma) {
        return Djl.noGrad(() -> vTarget.forward(nextObs, null).mul(mask).mul(c.of(gamma)).add(reward));
    }

    /** Eq 36: ½(Q_θ,1 − y)² + ½(Q_θ,2 − y)², importance-weighted mean. Also returns per-sample |δ| via {@link #tdError}. */
    public NDArray qLoss(NDArray obs, NDArray actions, NDArray y, NDArray weights) {
        NDArray d1 = q1.forward(obs, actions).sub(y);
        NDArray d2 = q2.forward(obs, actions).sub(y);
        NDArray perSample = d1.square().add(d2.square()).mul(c.of(0.5));   // [B, N]
        return weightedMean(perSample, weights);
    }

    /** Eq 35: (V_ψ(s) − min_z Q_θ,z(s, a))², with a ~ π freshly sampled and the min treated as a constant. */
    public NDArray vLoss(NDArray obs, NDArray minQ, NDArray weights) {
        NDArray d = v.forward(obs, null).sub(minQ.stopGradient());
        return weightedMean(d.square(), weights);
    }

    /** Per-sample priority signal: mean over agents of |Q_θ,1 − y| [B], without autograd. */
    public NDArray tdError(NDArray obs, NDArray actions, NDArray y) {
        return Djl.noGrad(() -> q1.forward(obs, actions).sub(y).abs().mean(new int[] {1}));
    }

    /** Eq 37: ψ̄ ← τψ + (1 − τ)ψ̄. */
    public void updateTarget() {
        vTarget.params().polyakFrom(v.params(), tau);
    }

    private static Critic scaled(NDManager manager, Critic critic, List<ObservationScale> obsScales) {
        if (obsScales == null || obsScales.stream().allMatch(ObservationScale::isIdentity)) {
            return critic;
        }
        if (obsScales.size() != critic.agents()) {
            throw new IllegalArgumentException(obsScales.size() + " observation scales for " + critic.agents() + " agents");
        }
        int d = critic.obsDim();
        float[] offset = new float[critic.agents() * d];
        float[] scale = new float[critic.agents() * d];
        for (int i = 0; i < critic.agents(); i++) {
            System.arraycopy(obsScales.get(i).offset(), 0, offset, i * d, d);
            System.arraycopy(obsScales.get(i).scale(), 0, scale, i * d, d);
        }
        NDArray o = manager.create(offset, new Shape(critic.agents(), d));
        NDArray s = manager.create(scale, new Shape(critic.agents(), d));
        NDScope.unregister(o, s);
        return new ScaledCritic(critic, o, s);
    }

    /** A critic whose joint observation [B, N, obsDim] is normalised per agent first (batch tensor first: see Consts). */
    private record ScaledCritic(Critic inner, NDArray offset, NDArray scale) implements Critic {
        @Override
        public NDArray forward(NDArray obs, NDArray actions) {
            return inner.forward(obs.sub(offset).mul(scale), actions);
        }

        @Override
        public Params params() {
            return inner.params();
        }

        /** The inner critic's, plus the two normalised copies of the joint observation. */
        @Override
        public long bytesPerRow() {
            return inner.bytesPerRow() + Float.BYTES * 2L * inner.agents() * inner.obsDim();
        }

        @Override
        public int agents() {
            return inner.agents();
        }

        @Override
        public int obsDim() {
            return inner.obsDim();
        }

        @Override
        public int actionDim() {
            return inner.actionDim();
        }
    }

    /** Number of trainable scalars in Q1, Q2 and V (the target is a copy of V). */
    public long trainableParameterCount() {
        return q1.params().count() + q2.params().count() + v.params().count();
    }

    private NDArray weightedMean(NDArray perSample, NDArray weights) {
        if (weights == null) {
            return perSample.mean();
        }
        return perSample.mean(new int[] {1}).mul(weights).mean();
    }
}
