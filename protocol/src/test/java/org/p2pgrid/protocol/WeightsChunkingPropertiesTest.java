package org.p2pgrid.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.p2pgrid.protocol.WeightsAssembler.Complete;
import org.p2pgrid.protocol.WeightsAssembler.Outcome;
import org.p2pgrid.protocol.WeightsAssembler.Pending;
import org.p2pgrid.protocol.WeightsAssembler.Rejected;
import org.p2pgrid.protocol.v1.PolicyWeightsChunk;
import org.p2pgrid.protocol.v1.TensorLayout;

/** Chunker and assembler: any size, any order, duplicates, corruption. */
class WeightsChunkingPropertiesTest {

    private static float[] weights(int n, long seed) {
        Random r = new Random(seed);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) r.nextGaussian();
        }
        return w;
    }

    private static List<TensorLayout> layout(int n) {
        int a = n / 3;
        List<TensorLayout> l = new ArrayList<>();
        if (a > 0) {
            l.add(TensorLayout.newBuilder().setName("actor0.l1.W").addShape(a).addShape(1).build());
        }
        l.add(TensorLayout.newBuilder().setName("actor0.l1.b").addShape(n - a).build());
        return l;
    }

    /** Offers all chunks; returns the single Complete (asserting every other outcome is Pending). */
    private static WeightsAssembler.AssembledWeights assemble(WeightsAssembler a, List<PolicyWeightsChunk> chunks) {
        WeightsAssembler.AssembledWeights done = null;
        for (PolicyWeightsChunk c : chunks) {
            Outcome o = a.offer(c);
            if (o instanceof Complete k) {
                assertEquals(null, done, "completed twice");
                done = k.weights();
            } else {
                assertInstanceOf(Pending.class, o, () -> "unexpected " + o);
            }
        }
        return done;
    }

    @Property(tries = 100)
    void anySizeAnyOrderReassemblesExactly(@ForAll @IntRange(min = 1, max = 100_000) int floats,
                                           @ForAll @IntRange(min = 200, max = 300_000) int maxBytes,
                                           @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long version,
                                           @ForAll @IntRange(min = 0, max = 1023) int agent,
                                           @ForAll long seed) {
        float[] w = weights(floats, seed);
        List<TensorLayout> layout = layout(floats);
        List<PolicyWeightsChunk> chunks;
        try {
            chunks = new WeightsChunker(maxBytes).split(version, agent, w, layout);
        } catch (IllegalArgumentException e) {
            // Only allowed refusal: more chunks than receivers accept.
            assertTrue(e.getMessage().endsWith("chunks, over the limit 4096 (use larger chunks)"), e.getMessage());
            assertTrue((long) floats * 4 / (maxBytes - WeightsChunker.HEADER_BOUND) >= 4000, e.getMessage());
            return;
        }
        for (PolicyWeightsChunk c : chunks) {
            assertTrue(c.getSerializedSize() <= maxBytes, c.getSerializedSize() + " > " + maxBytes);
            assertEquals(List.of(), new MessageValidator().check(c));
        }
        Collections.shuffle(chunks, new Random(seed));
        WeightsAssembler a = new WeightsAssembler();
        WeightsAssembler.AssembledWeights got = assemble(a, chunks);
        assertArrayEquals(w, got.values());
        assertEquals(version, got.version());
        assertEquals(agent, got.agent());
        assertEquals(layout, got.layout());
        assertEquals(0, a.partialCount());
        assertEquals(0, a.bufferedBytes());
        // The same version again is stale.
        Outcome again = a.offer(chunks.get(0));
        assertTrue(again instanceof Rejected r && r.reason().contains("stale, version " + version + " already assembled"),
                again::toString);
    }

    @Property(tries = 100)
    void duplicatesAreRejectedAndDoNotDisturbAssembly(@ForAll @IntRange(min = 1, max = 20_000) int floats,
                                                      @ForAll @IntRange(min = 100, max = 5_000) int maxBytes,
                                                      @ForAll long seed) {
        float[] w = weights(floats, seed);
        List<PolicyWeightsChunk> chunks = new WeightsChunker(maxBytes).split(7, 3, w);
        Random r = new Random(seed);
        List<PolicyWeightsChunk> stream = new ArrayList<>(chunks);
        Collections.shuffle(stream, r);
        // Duplicate some chunk right after itself, unless it is the completing one.
        int k = r.nextInt(stream.size());
        WeightsAssembler a = new WeightsAssembler();
        WeightsAssembler.AssembledWeights got = null;
        for (int i = 0; i < stream.size(); i++) {
            Outcome o = a.offer(stream.get(i));
            if (o instanceof Complete c) {
                got = c.weights();
            }
            if (i == k && i < stream.size() - 1) {
                Outcome dup = a.offer(stream.get(i));
                assertTrue(dup instanceof Rejected rj && rj.reason().contains("chunk " + stream.get(i).getChunkIndex() + ": duplicate"),
                        dup::toString);
            }
        }
        assertArrayEquals(w, got.values());
    }

    @Property(tries = 100)
    void corruptedPayloadIsRejectedByCrc(@ForAll @IntRange(min = 1, max = 20_000) int floats,
                                         @ForAll @IntRange(min = 100, max = 5_000) int maxBytes,
                                         @ForAll long seed) {
        float[] w = weights(floats, seed);
        List<PolicyWeightsChunk> chunks = new ArrayList<>(new WeightsChunker(maxBytes).split(2, 0, w));
        Random r = new Random(seed);
        int victim = r.nextInt(chunks.size());
        byte[] p = chunks.get(victim).getPayload().toByteArray();
        p[r.nextInt(p.length)] ^= (byte) (1 << r.nextInt(8));
        chunks.set(victim, chunks.get(victim).toBuilder().setPayload(ByteString.copyFrom(p)).build());
        Collections.shuffle(chunks, r);
        WeightsAssembler a = new WeightsAssembler();
        Outcome last = null;
        for (PolicyWeightsChunk c : chunks) {
            last = a.offer(c);
        }
        assertTrue(last instanceof Rejected rj && rj.reason().startsWith("version 2 agent 0: CRC32 of the reassembled "
                + (floats * 4) + " bytes is "), String.valueOf(last));
        assertEquals(0, a.partialCount(), "a failed vector is dropped");
        assertEquals(0, a.assembledVersion(0));
    }

    @Property(tries = 100)
    void mismatchedHeadersAreRejectedWithReason(@ForAll @IntRange(min = 2, max = 5_000) int floats,
                                                @ForAll @IntRange(min = 0, max = 4) int kind,
                                                @ForAll long seed) {
        List<PolicyWeightsChunk> chunks = new WeightsChunker(100).split(5, 1, weights(floats, seed));
        if (chunks.size() < 2) {
            return;
        }
        WeightsAssembler a = new WeightsAssembler();
        assertInstanceOf(Pending.class, a.offer(chunks.get(0)));
        PolicyWeightsChunk c = chunks.get(1);
        PolicyWeightsChunk bad;
        String expected;
        switch (kind) {
            case 0 -> {
                bad = c.toBuilder().setChunkCount(c.getChunkCount() + 1).build();
                expected = "version 5 agent 1 chunk 1: chunk_count " + (c.getChunkCount() + 1) + " ≠ " + c.getChunkCount();
            }
            case 1 -> {
                bad = c.toBuilder().setTotalBytes(c.getTotalBytes() + 4).build();
                expected = "version 5 agent 1 chunk 1: total_bytes " + (c.getTotalBytes() + 4) + " ≠ " + c.getTotalBytes();
            }
            case 2 -> {
                bad = c.toBuilder().setCrc32(c.getCrc32() ^ 1).build();
                expected = "version 5 agent 1 chunk 1: crc32 ";
            }
            case 3 -> {
                bad = c.toBuilder().setChunkIndex(c.getChunkCount()).build();
                expected = "PolicyWeightsChunk.chunk_index: " + c.getChunkCount() + ", expected 0 ≤ index < chunk_count";
            }
            default -> {
                bad = c.toBuilder().setVersion(4).build();
                expected = "version 4 agent 1 chunk 1: older than version 5 being assembled for agent 1";
            }
        }
        Outcome o = a.offer(bad);
        assertTrue(o instanceof Rejected r && r.reason().startsWith(expected), o + " does not start with " + expected);
        // The partial survives a bad chunk: the good ones still complete it.
        WeightsAssembler.AssembledWeights got = assemble(a, chunks.subList(1, chunks.size()));
        assertArrayEquals(weights(floats, seed), got.values());
    }

    @Property(tries = 50)
    void newerVersionDropsIncompleteOlderOne(@ForAll @IntRange(min = 100, max = 10_000) int floats, @ForAll long seed) {
        WeightsChunker chunker = new WeightsChunker(256);
        List<PolicyWeightsChunk> v1 = chunker.split(1, 9, weights(floats, seed));
        List<PolicyWeightsChunk> v2 = chunker.split(2, 9, weights(floats, seed + 1));
        WeightsAssembler a = new WeightsAssembler();
        for (PolicyWeightsChunk c : v1.subList(0, v1.size() - 1)) {
            a.offer(c);
        }
        assertEquals(1, a.partialCount());
        long held = a.bufferedBytes();
        assertTrue(held > 0);
        assertInstanceOf(Pending.class, a.offer(v2.get(0)));
        assertEquals(1, a.droppedIncomplete());
        assertEquals(1, a.partialCount(), "one partial per agent");
        assertEquals(v2.get(0).getPayload().size(), a.bufferedBytes());
        Outcome late = a.offer(v1.get(v1.size() - 1));
        assertTrue(late instanceof Rejected r && r.reason().contains("older than version 2"), late::toString);
        assertArrayEquals(weights(floats, seed + 1), assemble(a, v2.subList(1, v2.size())).values());
    }
}
