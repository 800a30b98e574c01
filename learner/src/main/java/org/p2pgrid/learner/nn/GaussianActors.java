package org.p2pgrid.learner.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.device.ProsumerSpec;

/**
 * The N per-agent {@link GaussianActor}s (20 by default) and the joint action the critics consume.
 * See {@link GaussianActor} for why these are separate fused-linear networks rather than stacked
 * weights.
 */
public final class GaussianActors {
    private final List<GaussianActor> actors;
    /** Per agent a constant [k, 5] 0/1 matrix scattering own dims into eq-22 positions. */
    private final List<NDArray> scatter;

    public GaussianActors(NDManager manager, int obsDim, List<int[]> actionDimsPerAgent, NetworkConfig config) {
        this(manager, obsDim, actionDimsPerAgent, config, null);
    }

    /** @param obsScales one fixed input normalisation per agent ({@link ObservationScale}), or null for none */
    public GaussianActors(NDManager manager, int obsDim, List<int[]> actionDimsPerAgent, NetworkConfig config,
                          List<ObservationScale> obsScales) {
        if (obsScales != null && obsScales.size() != actionDimsPerAgent.size()) {
            throw new IllegalArgumentException(obsScales.size() + " observation scales for "
                    + actionDimsPerAgent.size() + " agents");
        }
        List<GaussianActor> list = new ArrayList<>();
        List<NDArray> sc = new ArrayList<>();
        for (int i = 0; i < actionDimsPerAgent.size(); i++) {
            int[] dims = actionDimsPerAgent.get(i);
            list.add(new GaussianActor(manager, i, obsDim, dims, config,
                    obsScales == null ? ObservationScale.identity(obsDim) : obsScales.get(i)));
            float[] m = new float[dims.length * ProsumerAction.DIMS];
            for (int j = 0; j < dims.length; j++) {
                m[j * ProsumerAction.DIMS + dims[j]] = 1f;
            }
            sc.add(manager.create(m, new Shape(dims.length, ProsumerAction.DIMS)));
        }
        this.actors = Collections.unmodifiableList(list);
        this.scatter = Collections.unmodifiableList(sc);
    }

    /** One actor per prosumer, each over {@link ProsumerSpec#activeActionDims()}. */
    public static GaussianActors forProsumers(NDManager manager, int obsDim, List<ProsumerSpec> specs, NetworkConfig config) {
        List<int[]> dims = new ArrayList<>();
        for (ProsumerSpec s : specs) {
            dims.add(s.activeActionDims());
        }
        return new GaussianActors(manager, obsDim, dims, config);
    }

    public int size() {
        return actors.size();
    }

    public GaussianActor actor(int agent) {
        return actors.get(agent);
    }

    public List<GaussianActor> actors() {
        return actors;
    }

    public long parameterCount() {
        long n = 0;
        for (GaussianActor a : actors) {
            n += a.params().count();
        }
        return n;
    }

    /**
     * All agents at once. {@code obs} [B, N, obsDim]; {@code lo}, {@code hi}, {@code eps}: one array
     * per agent as in {@link GaussianActor#sample} ({@code eps} null → greedy).
     */
    public JointSample sample(NDArray obs, List<NDArray> lo, List<NDArray> hi, List<NDArray> eps) {
        List<GaussianActor.Squash> bounds = new ArrayList<>(actors.size());
        for (int i = 0; i < actors.size(); i++) {
            bounds.add(GaussianActor.squash(obs.getManager(), lo.get(i), hi.get(i)));
        }
        return sample(obs, bounds, eps);
    }

    /** Bounds prepared once per agent ({@link GaussianActor#squash}, e.g. the static {@link ActionBounds}). */
    public JointSample sample(NDArray obs, List<GaussianActor.Squash> bounds, List<NDArray> eps) {
        List<ActorSample> samples = new ArrayList<>(actors.size());
        NDList squashedFull = new NDList(actors.size());
        NDList actionFull = new NDList(actors.size());
        NDList logProbs = new NDList(actors.size());
        for (int i = 0; i < actors.size(); i++) {
            NDArray o = obs.get(":, " + i + ", :");
            ActorSample s = actors.get(i).sample(o, bounds.get(i), eps == null ? null : eps.get(i));
            samples.add(s);
            squashedFull.add(s.squashed().matMul(scatter.get(i)));
            actionFull.add(s.action().matMul(scatter.get(i)));
            logProbs.add(s.logProb());
        }
        return new JointSample(Collections.unmodifiableList(samples),
                NDArrays.stack(squashedFull, 1), NDArrays.stack(actionFull, 1), NDArrays.stack(logProbs, 1));
    }

    /** Standard-normal noise for {@link #sample}: one [batch, k_i] array per agent, drawn in Java from {@code rng}. */
    public List<NDArray> noise(NDManager step, java.util.SplittableRandom rng, int batch) {
        List<float[]> host = noiseHost(rng, batch);
        List<NDArray> out = new ArrayList<>(actors.size());
        for (int i = 0; i < actors.size(); i++) {
            out.add(step.create(host.get(i), new Shape(batch, actors.get(i).actionCount())));
        }
        return out;
    }

    /**
     * The same draws as {@link #noise} as host arrays, row-major [batch, k_i] per agent, so that an
     * update split into row chunks can give every chunk exactly the rows the whole batch would get.
     */
    public List<float[]> noiseHost(java.util.SplittableRandom rng, int batch) {
        List<float[]> out = new ArrayList<>(actors.size());
        for (GaussianActor a : actors) {
            float[] v = new float[batch * a.actionCount()];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) gaussian(rng);
            }
            out.add(v);
        }
        return out;
    }

    static double gaussian(java.util.SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /**
     * @param perAgent   each agent's {@link ActorSample}
     * @param squashed   [B, N, 5] normalised actions y ∈ (−1, 1) at their eq-22 positions, 0 at dims
     *                   an agent does not own — the critics' action input
     * @param action     [B, N, 5] physical actions, same layout (what goes to the environment)
     * @param logProb    [B, N]
     */
    public record JointSample(List<ActorSample> perAgent, NDArray squashed, NDArray action, NDArray logProb) {
    }
}
