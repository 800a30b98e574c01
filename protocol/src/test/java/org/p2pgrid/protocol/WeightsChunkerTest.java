package org.p2pgrid.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.p2pgrid.protocol.v1.PolicyWeightsChunk;
import org.p2pgrid.protocol.v1.TensorLayout;

class WeightsChunkerTest {

    /** A 20-agent, hidden-256 Gaussian actor set (obs 10, k = 5): ~71 k floats per agent, 5.7 MB in all. */
    @Test
    void realisticPolicyFitsArteryFrames() {
        int obs = 10;
        int h = 256;
        int k = 5;
        List<TensorLayout> layout = List.of(
                t("actor0.l1.W", obs, h), t("actor0.l1.b", h), t("actor0.l2.W", h, h), t("actor0.l2.b", h),
                t("actor0.mu.W", h, k), t("actor0.mu.b", k), t("actor0.logstd.W", h, k), t("actor0.logstd.b", k));
        int n = obs * h + h + h * h + h + 2 * (h * k + k);
        assertEquals(71_178, n);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = i * 1e-3f;
        }
        WeightsChunker chunker = WeightsChunker.forArteryFrame(ProtocolLimits.ARTERY_DEFAULT_FRAME_BYTES);
        long total = 0;
        int messages = 0;
        WeightsAssembler a = new WeightsAssembler();
        for (int agent = 0; agent < 20; agent++) {
            List<PolicyWeightsChunk> chunks = chunker.split(12, agent, w, layout);
            assertEquals(2, chunks.size(), "284 712 bytes per agent: two chunks of ≤ 252 KiB");
            for (PolicyWeightsChunk c : chunks) {
                assertTrue(c.getSerializedSize() <= ProtocolLimits.ARTERY_DEFAULT_FRAME_BYTES - WeightsChunker.ARTERY_ENVELOPE_RESERVE);
                total += c.getSerializedSize();
                messages++;
                WeightsAssembler.Outcome o = a.offer(c);
                if (c.getChunkIndex() == 1) {
                    assertArrayEquals(w, assertInstanceOf(WeightsAssembler.Complete.class, o).weights().values());
                }
            }
        }
        assertEquals(40, messages);
        assertTrue(total > 20L * 284_712 && total < 20L * (284_712 + 1_000), "total " + total); // ~5.7 MB
    }

    @Test
    void exactSizesAndFloatEncoding() {
        float[] w = {1f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, 3.25f};
        byte[] b = WeightsChunker.toBytes(w);
        assertEquals(20, b.length);
        assertEquals(0x00, b[0]);
        assertEquals((byte) 0x80, b[2]); // 1.0f = 0x3f800000, little-endian: 00 00 80 3f
        assertEquals(0x3f, b[3]);
        assertArrayEquals(w, WeightsChunker.toFloats(b));
        assertThrows(IllegalArgumentException.class, () -> WeightsChunker.toFloats(new byte[3]));

        // 100-byte messages: 36 payload bytes (9 floats) per chunk.
        List<PolicyWeightsChunk> chunks = new WeightsChunker(100).split(1, 0, new float[100]);
        assertEquals(36, new WeightsChunker(100).payloadBytes());
        assertEquals(12, chunks.size());
        assertEquals(400, chunks.get(0).getTotalBytes());
        assertEquals(400 - 11 * 36, chunks.get(11).getPayload().size());
        List<Integer> counts = new ArrayList<>();
        chunks.forEach(c -> counts.add(c.getChunkCount()));
        assertTrue(counts.stream().allMatch(c -> c == 12));
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new WeightsChunker(10));
        WeightsChunker c = new WeightsChunker(1000);
        assertThrows(IllegalArgumentException.class, () -> c.split(0, 0, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> c.split(1, 0, new float[0]));
        List<TensorLayout> huge = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            huge.add(t("a-rather-long-tensor-name-" + i, 1));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.split(1, 0, new float[100], huge));
        assertTrue(e.getMessage().contains("leaves no room for payload"), e.getMessage());
    }

    private static TensorLayout t(String name, long... shape) {
        TensorLayout.Builder b = TensorLayout.newBuilder().setName(name);
        for (long s : shape) {
            b.addShape(s);
        }
        return b.build();
    }
}
