package org.p2pgrid.protocol;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.p2pgrid.protocol.v1.PolicyWeightsChunk;
import org.p2pgrid.protocol.v1.TensorLayout;

/**
 * Cuts one agent's flat float32 weight vector into {@link PolicyWeightsChunk}s whose SERIALISED size
 * is at most {@code maxMessageBytes} each (chunk 0 also carries the tensor layout, and so less
 * payload). Pekko Artery's default frame is 256 KiB; {@link #forArteryFrame(int)} leaves room for
 * Artery's envelope (recipient/sender paths, manifest).
 *
 * <p>Layout of the payload: the floats in order, 4 bytes each, little-endian; CRC32 over those bytes.
 */
public final class WeightsChunker {
    /** Worst-case bytes of a chunk's fields besides payload bytes and layout (measured bound: 57). */
    static final int HEADER_BOUND = 64;
    /** Room left for Artery's envelope by {@link #forArteryFrame(int)}. */
    public static final int ARTERY_ENVELOPE_RESERVE = 4096;

    private final int maxMessageBytes;
    private final ProtocolLimits limits;

    /**
     * @param maxMessageBytes upper bound of each chunk's serialised size; at least {@code HEADER_BOUND + 4}
     *                        and at most {@code limits.maxChunkPayloadBytes() + HEADER_BOUND}
     * @param limits          what receivers accept: {@link #split} refuses a vector that would need more
     *                        than {@code maxChunkCount} chunks or exceeds {@code maxWeightsBytes}
     */
    public WeightsChunker(int maxMessageBytes, ProtocolLimits limits) {
        if (maxMessageBytes < HEADER_BOUND + 4) {
            throw new IllegalArgumentException("maxMessageBytes must be ≥ " + (HEADER_BOUND + 4) + ", got " + maxMessageBytes);
        }
        this.maxMessageBytes = Math.min(maxMessageBytes, limits.maxChunkPayloadBytes() + HEADER_BOUND);
        this.limits = limits;
    }

    /** With {@link ProtocolLimits#defaults()}. */
    public WeightsChunker(int maxMessageBytes) {
        this(maxMessageBytes, ProtocolLimits.defaults());
    }

    /** Chunks that fit an Artery {@code maximum-frame-size} of {@code frameBytes} with its envelope. */
    public static WeightsChunker forArteryFrame(int frameBytes) {
        return new WeightsChunker(frameBytes - ARTERY_ENVELOPE_RESERVE);
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** Payload bytes per chunk other than chunk 0 (a multiple of 4). */
    public int payloadBytes() {
        return (maxMessageBytes - HEADER_BOUND) & ~3;
    }

    public List<PolicyWeightsChunk> split(long version, int agent, float[] weights) {
        return split(version, agent, weights, List.of());
    }

    /**
     * @param version policy version, > 0
     * @param layout  tensor names and shapes of {@code weights} (may be empty), sent on chunk 0
     */
    public List<PolicyWeightsChunk> split(long version, int agent, float[] weights, List<TensorLayout> layout) {
        if (version <= 0) {
            throw new IllegalArgumentException("version must be > 0, got " + version);
        }
        if (weights.length == 0) {
            throw new IllegalArgumentException("no weights for agent " + agent);
        }
        if (4L * weights.length > limits.maxWeightsBytes()) {
            throw new IllegalArgumentException(4L * weights.length + " bytes of weights for agent " + agent
                    + ", over the limit " + limits.maxWeightsBytes());
        }
        byte[] bytes = toBytes(weights);
        int layoutBytes = 0;
        for (TensorLayout t : layout) {
            int s = t.getSerializedSize();
            layoutBytes += 1 + com.google.protobuf.CodedOutputStream.computeUInt32SizeNoTag(s) + s;
        }
        int per = payloadBytes();
        int first = (maxMessageBytes - HEADER_BOUND - layoutBytes) & ~3;
        if (first < 4) {
            throw new IllegalArgumentException("layout of " + layoutBytes + " bytes leaves no room for payload in a "
                    + maxMessageBytes + "-byte chunk");
        }
        first = Math.min(first, bytes.length);
        int count = 1 + (int) ((bytes.length - first + (long) per - 1) / per);
        if (count > limits.maxChunkCount()) {
            throw new IllegalArgumentException(bytes.length + " bytes in " + maxMessageBytes + "-byte messages need "
                    + count + " chunks, over the limit " + limits.maxChunkCount() + " (use larger chunks)");
        }
        long crc = crc32(bytes);
        List<PolicyWeightsChunk> chunks = new ArrayList<>(count);
        int offset = 0;
        for (int i = 0; i < count; i++) {
            int len = Math.min(i == 0 ? first : per, bytes.length - offset);
            PolicyWeightsChunk.Builder b = PolicyWeightsChunk.newBuilder()
                    .setSchemaVersion(SchemaVersions.WEIGHTS)
                    .setVersion(version)
                    .setAgent(agent)
                    .setChunkIndex(i)
                    .setChunkCount(count)
                    .setTotalBytes(bytes.length)
                    .setCrc32((int) crc)
                    .setPayload(ByteString.copyFrom(bytes, offset, len));
            if (i == 0) {
                b.addAllLayout(layout);
            }
            chunks.add(b.build());
            offset += len;
        }
        return chunks;
    }

    /** Floats as little-endian float32 bytes. */
    public static byte[] toBytes(float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(Math.multiplyExact(values.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return buf.array();
    }

    /** Little-endian float32 bytes as floats; {@code bytes.length} must be a multiple of 4. */
    public static float[] toFloats(byte[] bytes) {
        if (bytes.length % 4 != 0) {
            throw new IllegalArgumentException(bytes.length + " bytes is not a whole number of float32s");
        }
        float[] f = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    /** {@link CRC32} of {@code bytes} (as the unsigned 32-bit value). */
    public static long crc32(byte[] bytes) {
        CRC32 c = new CRC32();
        c.update(bytes);
        return c.getValue();
    }
}
