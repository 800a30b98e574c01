package org.p2pgrid.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.UnknownFieldSet;
import org.junit.jupiter.api.Test;
import org.p2pgrid.protocol.v1.Credit;
import org.p2pgrid.protocol.v1.LabelReply;
import org.p2pgrid.protocol.v1.LabelSource;
import org.p2pgrid.protocol.v1.PolicyWeightsChunk;
import org.p2pgrid.protocol.v1.Transition;
import org.p2pgrid.protocol.v1test.Extra;
import org.p2pgrid.protocol.v1test.FutureCredit;
import org.p2pgrid.protocol.v1test.FutureTransition;
import org.p2pgrid.protocol.v1test.PastTransition;

/** Old and new builds talk to each other: unknown fields are kept, missing fields read as defaults. */
class CompatibilityTest {

    @Test
    void newerTransitionWithUnknownFieldsParsesAndKeepsThem() throws Exception {
        Transition current = Samples.transition(5, true).build();
        FutureTransition future = FutureTransition.parseFrom(current.toByteArray()).toBuilder()
                .setScenario("case141-20p").addCarbonKg(0.42).addCarbonKg(0.5)
                .setExtra(Extra.newBuilder().setA(7).setB("x")).build();

        Transition read = new WireParser().parse(Transition.parser(), future.toByteArray());
        // Every known field as written; the three new ones kept as unknown fields.
        assertEquals(current, read.toBuilder().setUnknownFields(UnknownFieldSet.getDefaultInstance()).build());
        assertEquals(3, read.getUnknownFields().asMap().size());
        assertTrue(read.getUnknownFields().hasField(17));

        // A relay (old build) re-serialises it: the newer reader still sees the new fields.
        FutureTransition relayed = FutureTransition.parseFrom(read.toByteArray());
        assertEquals(future, relayed);
    }

    @Test
    void olderTransitionReadsWithDefaults() throws Exception {
        Transition current = Samples.transition(5, true).build();
        PastTransition past = PastTransition.parseFrom(current.toByteArray()).toBuilder()
                .setUnknownFields(UnknownFieldSet.getDefaultInstance()).build(); // what an old writer sends
        Transition read = new WireParser().parse(Transition.parser(), past.toByteArray());
        assertFalse(read.getViolation(), "absent bool reads false");
        assertEquals(0, read.getExpertLabelCount(), "absent label reads as not labelled");
        assertEquals(current.getObservationList(), read.getObservationList());
        assertEquals(current.getReward(), read.getReward());
    }

    @Test
    void unknownFieldAddedThroughUnknownFieldSet() throws Exception {
        Credit c = Credit.newBuilder().setShard(2).setN(64).build();
        UnknownFieldSet extra = UnknownFieldSet.newBuilder()
                .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(123).build())
                .addField(100, UnknownFieldSet.Field.newBuilder()
                        .addLengthDelimited(com.google.protobuf.ByteString.copyFromUtf8("later")).build())
                .build();
        byte[] bytes = c.toBuilder().setUnknownFields(extra).build().toByteArray();
        Credit read = new WireParser().parse(Credit.parser(), bytes);
        assertEquals(2, read.getShard());
        assertEquals(64, read.getN());
        assertEquals(123L, read.getUnknownFields().getField(99).getVarintList().get(0));

        FutureCredit future = FutureCredit.newBuilder().setShard(2).setN(64).setDeadlineMillis(5000).build();
        assertEquals(Credit.newBuilder().setShard(2).setN(64).build(),
                Credit.parseFrom(future.toByteArray()).toBuilder().setUnknownFields(UnknownFieldSet.getDefaultInstance()).build());
    }

    @Test
    void unknownEnumValueIsKeptAndRejectedByValidation() throws Exception {
        byte[] bytes = Samples.labelReply().toBuilder().setSourceValue(9).build().toByteArray();
        LabelReply read = LabelReply.parseFrom(bytes);
        assertEquals(LabelSource.UNRECOGNIZED, read.getSource());
        assertEquals(9, read.getSourceValue());
        InvalidMessageException e = assertThrows(InvalidMessageException.class,
                () -> new WireParser().parse(LabelReply.parser(), bytes));
        assertEquals("LabelReply.source: unknown value 9, expected CACHE, PLAN_REUSE or SOLVE", e.getMessage());
    }

    @Test
    void newerSchemaVersionIsRejectedNotMisread() {
        byte[] t = Samples.transition(1, false).setSchemaVersion(2).build().toByteArray();
        InvalidMessageException e = assertThrows(InvalidMessageException.class,
                () -> new WireParser().parse(Transition.parser(), t));
        assertEquals("Transition.schema_version: 2, this build reads 0 to 1 (written by a newer, incompatible build?)",
                e.getMessage());

        PolicyWeightsChunk c = new WeightsChunker(1024).split(1, 0, new float[] {1f}).get(0).toBuilder()
                .setSchemaVersion(-1).build(); // uint32 max
        assertEquals("PolicyWeightsChunk.schema_version: 4294967295, this build reads 0 to 1 (written by a newer, incompatible build?)",
                new MessageValidator().check(c).get(0));

        // Unset (0) is accepted: proto3's default from a writer that did not set it.
        assertEquals(java.util.List.of(), new MessageValidator().check(Samples.transition(1, false).setSchemaVersion(0).build()));
    }
}
