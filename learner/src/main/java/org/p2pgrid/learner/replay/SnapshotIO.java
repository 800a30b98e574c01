package org.p2pgrid.learner.replay;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Bulk float array I/O (big-endian, like {@link DataOutputStream#writeFloat}) in 64 KiB chunks. */
final class SnapshotIO {
    private static final int CHUNK_FLOATS = 16 * 1024;

    private SnapshotIO() {}

    static void writeFloats(DataOutputStream out, float[] a, int off, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(Math.min(len, CHUNK_FLOATS) * Float.BYTES).order(ByteOrder.BIG_ENDIAN);
        int done = 0;
        while (done < len) {
            int n = Math.min(CHUNK_FLOATS, len - done);
            buf.clear();
            buf.asFloatBuffer().put(a, off + done, n);
            out.write(buf.array(), 0, n * Float.BYTES);
            done += n;
        }
    }

    static void readFloats(DataInputStream in, float[] a, int off, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(Math.min(len, CHUNK_FLOATS) * Float.BYTES).order(ByteOrder.BIG_ENDIAN);
        int done = 0;
        while (done < len) {
            int n = Math.min(CHUNK_FLOATS, len - done);
            in.readFully(buf.array(), 0, n * Float.BYTES);
            buf.clear();
            buf.asFloatBuffer().get(a, off + done, n);
            done += n;
        }
    }
}
