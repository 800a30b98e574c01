package org.p2pgrid.actors.wire;

import java.util.ArrayList;
import java.util.List;
import org.p2pgrid.learner.replay.Transition;
import org.p2pgrid.protocol.MessageValidator;
import org.p2pgrid.protocol.SchemaVersions;

/** learner {@link Transition} ⇄ wire {@link org.p2pgrid.protocol.v1.Transition}. */
public final class TransitionWire {
    private static final MessageValidator VALIDATOR = new MessageValidator();

    private TransitionWire() {
    }

    /**
     * @param worldId  sending world
     * @param sequence per-world sequence number, from 1, for {@code TransitionAck}
     */
    public static org.p2pgrid.protocol.v1.Transition toProto(Transition t, long worldId, long sequence) {
        int ol = t.agents() * t.obsDim();
        int al = t.agents() * t.actionDim();
        float[] obs = new float[ol];
        float[] next = new float[ol];
        float[] act = new float[al];
        t.copyObservation(obs, 0);
        t.copyNextObservation(next, 0);
        t.copyAction(act, 0);
        org.p2pgrid.protocol.v1.Transition.Builder b = org.p2pgrid.protocol.v1.Transition.newBuilder()
                .setSchemaVersion(SchemaVersions.TRANSITION)
                .setWorldId(worldId)
                .setSequence(sequence)
                .setEpisodeId(t.episodeId())
                .setDay(t.day())
                .setStep(t.step())
                .setAgents(t.agents())
                .setObsDim(t.obsDim())
                .setActionDim(t.actionDim())
                .addAllObservation(boxed(obs))
                .addAllAction(boxed(act))
                .setReward(t.reward())
                .addAllNextObservation(boxed(next))
                .setDone(t.done())
                .setViolation(t.violation());
        if (t.hasExpertLabel()) {
            float[] label = new float[al];
            t.copyExpertLabel(label, 0);
            b.addAllExpertLabel(boxed(label));
        }
        return b.build();
    }

    /** Validates {@code p} (throws {@link org.p2pgrid.protocol.InvalidMessageException}) and converts it. */
    public static Transition fromProto(org.p2pgrid.protocol.v1.Transition p) {
        VALIDATOR.validate(p);
        int n = p.getAgents();
        float[][] label = p.getExpertLabelCount() == 0 ? null : joint(p.getExpertLabelList(), n, p.getActionDim());
        return Transition.of(p.getEpisodeId(), p.getDay(), p.getStep(), joint(p.getObservationList(), n, p.getObsDim()),
                joint(p.getActionList(), n, p.getActionDim()), p.getReward(),
                joint(p.getNextObservationList(), n, p.getObsDim()), p.getDone(), p.getViolation(), label);
    }

    static List<Float> boxed(float[] a) {
        List<Float> l = new ArrayList<>(a.length);
        for (float v : a) {
            l.add(v);
        }
        return l;
    }

    static float[][] joint(List<Float> flat, int rows, int cols) {
        float[][] a = new float[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int d = 0; d < cols; d++) {
                a[i][d] = flat.get(i * cols + d);
            }
        }
        return a;
    }
}
