package org.p2pgrid.learner.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Named float32 tensors in a checkpoint stream: name, rank, dims, then the values (big-endian).
 * Reading writes INTO an existing tensor of the live network and checks name and shape first, so a
 * checkpoint of another architecture fails with a message naming the tensor instead of loading
 * garbage.
 */
public final class TensorIO {
    private static final int CHUNK_FLOATS = 16 * 1024;

    private TensorIO() {}

    public static void write(DataOutputStream out, String name, NDArray array) throws IOException {
        if (array.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("tensor " + name + " is " + array.getDataType() + ", expected float32");
        }
        out.writeUTF(name);
        long[] dims = array.getShape().getShape();
        out.writeInt(dims.length);
        for (long d : dims) {
            out.writeLong(d);
        }
        float[] v = array.toFloatArray();
        writeFloats(out, v);
    }

    /** Reads the next tensor into {@code target}, which must have the same name and shape. */
    public static void readInto(DataInputStream in, String expectedName, NDArray target) throws IOException {
        String name = in.readUTF();
        if (!name.equals(expectedName)) {
            throw new IOException("checkpoint has tensor '" + name + "' where the network expects '" + expectedName
                    + "' (written by a different architecture or algorithm?)");
        }
        int rank = in.readInt();
        if (rank < 0 || rank > 8) {
            throw new IOException("tensor " + name + ": rank " + rank + " is out of range (corrupt checkpoint)");
        }
        long[] dims = new long[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = in.readLong();
        }
        Shape shape = new Shape(dims);
        if (!shape.equals(target.getShape())) {
            throw new IOException("tensor " + name + ": checkpoint shape " + shape + ", network expects "
                    + target.getShape() + " (different hidden size / attention settings?)");
        }
        float[] v = new float[Math.toIntExact(shape.size())];
        readFloats(in, v);
        Djl.noGrad(() -> target.set(v));
    }

    public static void writeFloats(DataOutputStream out, float[] a) throws IOException {
        out.writeInt(a.length);
        ByteBuffer buf = ByteBuffer.allocate(Math.max(1, Math.min(a.length, CHUNK_FLOATS)) * Float.BYTES)
                .order(ByteOrder.BIG_ENDIAN);
        int done = 0;
        while (done < a.length) {
            int n = Math.min(CHUNK_FLOATS, a.length - done);
            buf.clear();
            buf.asFloatBuffer().put(a, done, n);
            out.write(buf.array(), 0, n * Float.BYTES);
            done += n;
        }
    }

    public static void readFloats(DataInputStream in, float[] a) throws IOException {
        int len = in.readInt();
        if (len != a.length) {
            throw new IOException("expected " + a.length + " floats, checkpoint has " + len);
        }
        ByteBuffer buf = ByteBuffer.allocate(Math.max(1, Math.min(len, CHUNK_FLOATS)) * Float.BYTES)
                .order(ByteOrder.BIG_ENDIAN);
        int done = 0;
        while (done < len) {
            int n = Math.min(CHUNK_FLOATS, len - done);
            in.readFully(buf.array(), 0, n * Float.BYTES);
            buf.clear();
            buf.asFloatBuffer().get(a, done, n);
            done += n;
        }
    }

    /** All tensors of {@code params}, in order. */
    public static void writeParams(DataOutputStream out, Params params) throws IOException {
        out.writeInt(params.asMap().size());
        for (var e : params.asMap().entrySet()) {
            write(out, e.getKey(), e.getValue());
        }
    }

    public static void readParams(DataInputStream in, Params params) throws IOException {
        int n = in.readInt();
        if (n != params.asMap().size()) {
            throw new IOException("checkpoint has " + n + " tensors for a network of " + params.asMap().size()
                    + " (" + params.asMap().keySet().iterator().next() + " ...)");
        }
        for (var e : params.asMap().entrySet()) {
            readInto(in, e.getKey(), e.getValue());
        }
    }

    /** Adam's step count and moments (m, v per parameter, in parameter order). */
    public static void writeAdam(DataOutputStream out, String name, Adam adam) throws IOException {
        out.writeLong(adam.steps());
        var state = adam.state();
        out.writeInt(state.size());
        for (int i = 0; i < state.size(); i++) {
            write(out, name + ".adam." + i, state.get(i));
        }
    }

    public static void readAdam(DataInputStream in, String name, Adam adam) throws IOException {
        long steps = in.readLong();
        var state = adam.state();
        int n = in.readInt();
        if (n != state.size()) {
            throw new IOException("optimiser " + name + ": checkpoint has " + n + " moment tensors, expected " + state.size());
        }
        for (int i = 0; i < n; i++) {
            readInto(in, name + ".adam." + i, state.get(i));
        }
        adam.setSteps(steps);
    }
}
