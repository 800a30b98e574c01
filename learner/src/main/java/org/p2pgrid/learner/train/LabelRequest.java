package org.p2pgrid.learner.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.p2pgrid.env.device.DeviceState;

/**
 * A visited state waiting for its expert label: the replay reference of its transition and what the
 * teacher needs. Public so that other runtimes (the actor runtime) write the same checkpoints.
 */
public record LabelRequest(long ref, int day, int step, DeviceState[] states, double[][] observations) {

    void writeTo(DataOutputStream out) throws IOException {
        out.writeLong(ref);
        out.writeInt(day);
        out.writeInt(step);
        out.writeInt(states.length);
        out.writeInt(observations[0].length);
        for (int i = 0; i < states.length; i++) {
            out.writeDouble(states[i].prevPCdgKw());
            out.writeDouble(states[i].socFraction());
            for (double o : observations[i]) {
                out.writeDouble(o);
            }
        }
    }

    static LabelRequest readFrom(DataInputStream in) throws IOException {
        long ref = in.readLong();
        int day = in.readInt();
        int step = in.readInt();
        int agents = in.readInt();
        int obsDim = in.readInt();
        if (agents < 1 || agents > 100_000 || obsDim < 1 || obsDim > 1000) {
            throw new IOException("pending label request: " + agents + " agents x " + obsDim + " features is corrupt");
        }
        DeviceState[] states = new DeviceState[agents];
        double[][] obs = new double[agents][obsDim];
        for (int i = 0; i < agents; i++) {
            states[i] = new DeviceState(in.readDouble(), in.readDouble());
            for (int f = 0; f < obsDim; f++) {
                obs[i][f] = in.readDouble();
            }
        }
        return new LabelRequest(ref, day, step, states, obs);
    }
}
