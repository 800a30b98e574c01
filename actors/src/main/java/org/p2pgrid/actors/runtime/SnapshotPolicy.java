package org.p2pgrid.actors.runtime;

import java.util.ArrayList;
import java.util.List;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.pomdp.JointPolicy;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.learner.nn.ActorSnapshot;

/**
 * The greedy joint policy of plain-Java actor snapshots, computed exactly as a {@link WorldActor} with its
 * {@link ProsumerActor}s does for a greedy step (float observation row → {@link ActorSnapshot#act} → the
 * agent's own dims placed in the full action). Where no DJL engine runs (a rollout node) this is how the
 * learner's published weights are evaluated. Not thread-safe (the snapshots keep scratch arrays).
 */
public final class SnapshotPolicy implements JointPolicy {
    private final List<ActorSnapshot> actors = new ArrayList<>();
    private final int[][] dims;

    public SnapshotPolicy(Scenario scenario, List<ActorSnapshot.Weights> perAgent) {
        int agents = scenario.prosumers().size();
        if (perAgent.size() != agents) {
            throw new IllegalArgumentException(perAgent.size() + " actors' weights for " + agents + " prosumers");
        }
        dims = new int[agents][];
        for (int i = 0; i < agents; i++) {
            if (perAgent.get(i).agent() != i) {
                throw new IllegalArgumentException("weights of actor" + perAgent.get(i).agent() + " at position " + i);
            }
            actors.add(new ActorSnapshot(perAgent.get(i)));
            dims[i] = scenario.prosumers().get(i).activeActionDims();
        }
    }

    @Override
    public ProsumerAction[] act(double[][] observations) {
        ProsumerAction[] out = new ProsumerAction[actors.size()];
        for (int i = 0; i < out.length; i++) {
            float[] row = new float[observations[i].length];
            for (int f = 0; f < row.length; f++) {
                row[f] = (float) observations[i][f];
            }
            float[] own = actors.get(i).act(row);
            double[] full = new double[ProsumerAction.DIMS];
            for (int j = 0; j < own.length; j++) {
                full[dims[i][j]] = own[j];
            }
            out[i] = ProsumerAction.of(full);
        }
        return out;
    }
}
