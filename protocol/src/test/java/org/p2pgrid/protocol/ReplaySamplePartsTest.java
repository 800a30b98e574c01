package org.p2pgrid.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.p2pgrid.protocol.v1.ReplaySample;

class ReplaySamplePartsTest {

    private static ReplaySample batch(int rows) {
        ReplaySample.Builder b = ReplaySample.newBuilder().setRequestId(9).setShard(1);
        for (int i = 0; i < rows; i++) {
            b.addRefs((1L << 40) + i).addRows(Samples.transition(i + 1, i % 3 == 0)).addIsWeights(1.0 / (i + 1));
        }
        return b.build();
    }

    @Test
    void batchOf128FitsArteryInTwoParts() {
        int frame = ProtocolLimits.ARTERY_DEFAULT_FRAME_BYTES - WeightsChunker.ARTERY_ENVELOPE_RESERVE;
        ReplaySample whole = batch(128);
        List<ReplaySample> parts = ReplaySampleParts.split(whole, frame);
        assertEquals(2, parts.size());
        for (ReplaySample p : parts) {
            assertTrue(p.getSerializedSize() <= frame);
            assertEquals(List.of(), new MessageValidator().check(p));
        }
        assertEquals(whole, ReplaySampleParts.join(List.of(parts.get(1), parts.get(0))));
    }

    @Property(tries = 30)
    void anyBatchAnyLimitRoundTrips(@ForAll @IntRange(min = 1, max = 200) int rows,
                                    @ForAll @IntRange(min = 2_600, max = 300_000) int maxBytes,
                                    @ForAll long seed) {
        ReplaySample whole = batch(rows);
        List<ReplaySample> parts = new ArrayList<>(ReplaySampleParts.split(whole, maxBytes));
        for (ReplaySample p : parts) {
            assertTrue(p.getSerializedSize() <= maxBytes, p.getSerializedSize() + " > " + maxBytes);
        }
        Collections.shuffle(parts, new Random(seed));
        assertEquals(whole, ReplaySampleParts.join(parts));
    }

    @Test
    void missingDuplicateAndForeignPartsAreRefused() {
        List<ReplaySample> parts = ReplaySampleParts.split(batch(40), 30_000);
        assertEquals(4, parts.size());
        InvalidMessageException e = assertThrows(InvalidMessageException.class,
                () -> ReplaySampleParts.join(parts.subList(0, 3)));
        assertEquals("ReplaySample.part_index: part 3 of 4 missing", e.getMessage());
        List<ReplaySample> dup = new ArrayList<>(parts);
        dup.set(3, parts.get(2));
        e = assertThrows(InvalidMessageException.class, () -> ReplaySampleParts.join(dup));
        assertEquals("ReplaySample.part_index: 2 received twice", e.getMessage());
        List<ReplaySample> foreign = new ArrayList<>(parts);
        foreign.set(1, parts.get(1).toBuilder().setRequestId(10).build());
        e = assertThrows(InvalidMessageException.class, () -> ReplaySampleParts.join(foreign));
        assertEquals("ReplaySample.part_index 1: request 10 shard 1 of 4 parts does not belong with request 9 shard 1 of 4 parts",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReplaySampleParts.split(batch(1), 1_000));
    }
}
