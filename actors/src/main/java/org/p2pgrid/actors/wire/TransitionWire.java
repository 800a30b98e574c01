package org.p2pgrid.actors.wire;

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
                .setReward(t.reward())
                .setDone(t.done())
                .setViolation(t.violation());
        // One primitive add per float: addAll(Iterable<Float>) would box 600 floats per transition.
        for (float v : obs) {
            b.addObservation(v);
        }
        for (float v : act) {
            b.addAction(v);
        }
        for (float v : next) {
            b.addNextObservation(v);
        }
        if (t.hasExpertLabel()) {
            float[] label = new float[al];
            t.copyExpertLabel(label, 0);
            for (float v : label) {
                b.addExpertLabel(v);
            }
        }
        return b.build();
    }

    /** Validates {@code p} (throws {@link org.p2pgrid.protocol.InvalidMessageException}) and converts it. */
    public static Transition fromProto(org.p2pgrid.protocol.v1.Transition p) {
        VALIDATOR.validate(p);
        int n = p.getAgents();
        int od = p.getObsDim();
        int ad = p.getActionDim();
        float[][] label = p.getExpertLabelCount() == 0 ? null : joint(p::getExpertLabel, n, ad);
        return Transition.of(p.getEpisodeId(), p.getDay(), p.getStep(), joint(p::getObservation, n, od),
                joint(p::getAction, n, ad), p.getReward(), joint(p::getNextObservation, n, od), p.getDone(),
                p.getViolation(), label);
    }

    /** Primitive element access (the generated {@code getX(int)}: no boxing, unlike {@code getXList().get}). */
    interface FloatAt {
        float at(int index);
    }

    static float[][] joint(FloatAt flat, int rows, int cols) {
        float[][] a = new float[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int d = 0; d < cols; d++) {
                a[i][d] = flat.at(i * cols + d);
            }
        }
        return a;
    }
}
