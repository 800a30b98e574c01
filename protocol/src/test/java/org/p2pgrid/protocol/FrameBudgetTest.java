package org.p2pgrid.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.p2pgrid.protocol.v1.ReplaySample;
import org.p2pgrid.protocol.v1.Transition;

/** Sizes that decide what must be split under Artery's 256 KiB frame (default scenario: 20 agents, 10 obs, 5 action). */
class FrameBudgetTest {

    private static ReplaySample sample(int rows) {
        ReplaySample.Builder b = ReplaySample.newBuilder().setRequestId(1).setShard(0);
        for (int i = 0; i < rows; i++) {
            b.addRefs((1L << 32) + i).addRows(Samples.transition(i + 1, true)).addIsWeights(0.5);
        }
        return b.build();
    }

    @Test
    void transitionAndBatchSizes() {
        Transition labelled = Samples.transition(1_000_000, true).build();
        Transition unlabelled = Samples.transition(1_000_000, false).build();
        // 600 floats = 2 400 bytes of payload plus ~50 bytes of header.
        assertTrue(labelled.getSerializedSize() > 2_400 && labelled.getSerializedSize() < 2_460, "" + labelled.getSerializedSize());
        assertEquals(labelled.getSerializedSize() - 404, unlabelled.getSerializedSize()); // 400 bytes + 2-byte tag (field 16) + 2-byte length

        int frame = ProtocolLimits.ARTERY_DEFAULT_FRAME_BYTES - WeightsChunker.ARTERY_ENVELOPE_RESERVE;
        assertTrue(sample(64).getSerializedSize() < frame, "64 rows fit one frame");
        assertTrue(sample(128).getSerializedSize() > ProtocolLimits.ARTERY_DEFAULT_FRAME_BYTES,
                "128 rows do not: send in parts (ReplaySample.part_index/part_count) or raise maximum-frame-size");
    }
}
