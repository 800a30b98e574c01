package org.p2pgrid.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.pomdp.ObservationLayout;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.learner.nn.ActionBounds;
import org.p2pgrid.learner.replay.DualReplay;
import org.p2pgrid.learner.replay.ReplayConfig;
import org.p2pgrid.learner.replay.ReplayShape;
import org.p2pgrid.learner.replay.Transition;

/**
 * Shared set-up of the learner-update benchmarks ({@link LearnerUpdateBenchmark},
 * {@code scenario.UpdateSoakRun}): the default scenario's 20 agents with their static
 * {@link ActionBounds}, and a {@link DualReplay} pre-filled with random but bounded transitions.
 *
 * <p>Data: observations U(−1, 1) (the training loop normalises features); actions inside each
 * agent's static box (normalised y ~ U(−0.95, 0.95), denormalised); reward N(0, 1)-like; an episode
 * ends every 96 steps; every 10th transition is a violation (goes to the violation shard); a
 * fraction {@code labelledFraction} carries an expert label inside the box (y ~ U(−0.8, 0.8)).
 */
public final class LearnerFixture {
    public static final int OBS = ObservationLayout.SIZE;
    /** Largest load used for the CL bound (as NetworkBenchmark and the learner tests). */
    public static final double MAX_LOAD_KW = 100;

    private LearnerFixture() {}

    /** Static bounds of the default scenario's prosumers (20). */
    public static List<ActionBounds> defaultBounds() {
        List<ActionBounds> out = new ArrayList<>();
        for (ProsumerSpec s : Scenarios.defaults(1).prosumers()) {
            out.add(ActionBounds.of(s, MAX_LOAD_KW));
        }
        return out;
    }

    /** Prints the default scenario's own action dims per agent in op_update.py's {@code --dims} format. */
    public static void main(String[] args) {
        StringBuilder sb = new StringBuilder();
        for (ActionBounds b : defaultBounds()) {
            if (sb.length() > 0) {
                sb.append(';');
            }
            for (int j = 0; j < b.dims().length; j++) {
                sb.append(j == 0 ? "" : ",").append(b.dims()[j]);
            }
        }
        System.out.println(sb);
    }

    /** A replay with {@code transitions} random transitions (capacities 2× that, so nothing is overwritten). */
    public static DualReplay filledReplay(List<ActionBounds> bounds, int transitions, double labelledFraction, long seed) {
        int n = bounds.size();
        int ad = ProsumerAction.DIMS;
        DualReplay replay = new DualReplay(new ReplayShape(n, OBS, ad),
                ReplayConfig.defaults().withCapacities(2 * transitions, 2 * transitions));
        SplittableRandom rng = new SplittableRandom(seed);
        for (int t = 0; t < transitions; t++) {
            float[][] obs = new float[n][OBS];
            float[][] next = new float[n][OBS];
            float[][] act = new float[n][ad];
            boolean labelled = rng.nextDouble() < labelledFraction;
            float[][] label = labelled ? new float[n][ad] : null;
            for (int i = 0; i < n; i++) {
                for (int f = 0; f < OBS; f++) {
                    obs[i][f] = (float) (rng.nextDouble() * 2 - 1);
                    next[i][f] = (float) (rng.nextDouble() * 2 - 1);
                }
                ActionBounds b = bounds.get(i);
                float[] y = new float[b.size()];
                float[] yl = new float[b.size()];
                for (int j = 0; j < y.length; j++) {
                    y[j] = (float) (rng.nextDouble() * 1.9 - 0.95);
                    yl[j] = (float) (rng.nextDouble() * 1.6 - 0.8);
                }
                float[] a = b.denormalise(y);
                float[] l = b.denormalise(yl);
                for (int j = 0; j < y.length; j++) {
                    act[i][b.dims()[j]] = a[j];
                    if (labelled) {
                        label[i][b.dims()[j]] = l[j];
                    }
                }
            }
            double reward = (rng.nextDouble() + rng.nextDouble() + rng.nextDouble() - 1.5) * 2;
            int step = t % 96;
            replay.add(Transition.of(t / 96, 10, step, obs, act, reward, next, step == 95, t % 10 == 9, label));
        }
        return replay;
    }
}
