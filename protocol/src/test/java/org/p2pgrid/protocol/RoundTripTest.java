package org.p2pgrid.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Message;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.p2pgrid.protocol.v1.ClusterProto;
import org.p2pgrid.protocol.v1.LabelProto;
import org.p2pgrid.protocol.v1.ReplayProto;
import org.p2pgrid.protocol.v1.StatsProto;
import org.p2pgrid.protocol.v1.StepProto;
import org.p2pgrid.protocol.v1.WeightsProto;

class RoundTripTest {

    static Stream<Message> samples() {
        return Samples.all().stream();
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("samples")
    void bytesRoundTripAndSampleIsValid(Message m) throws Exception {
        byte[] bytes = m.toByteArray();
        Message back = m.getParserForType().parseFrom(bytes);
        assertEquals(m, back);
        assertEquals(List.of(), new MessageValidator().check(m), "sample must be valid");
        assertEquals(m, new WireParser().parse(m.getParserForType(), bytes));
        assertEquals(m, new WireParser().parse(m.getParserForType(), new ByteArrayInputStream(bytes)));
    }

    @Test
    void delimitedStreamOfEveryMessage() throws IOException {
        List<Message> all = Samples.all();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Message m : all) {
            m.writeDelimitedTo(out);
        }
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        WireParser parser = new WireParser();
        for (Message m : all) {
            assertEquals(m, parser.parseDelimited(m.getParserForType(), in));
        }
        assertNull(parser.parseDelimited(all.get(0).getParserForType(), in), "clean end of stream");
    }

    @Test
    void samplesCoverEveryTopLevelMessageOfV1() {
        Set<String> declared = new HashSet<>();
        for (FileDescriptor f : List.of(StepProto.getDescriptor(), LabelProto.getDescriptor(),
                WeightsProto.getDescriptor(), ReplayProto.getDescriptor(), StatsProto.getDescriptor(),
                ClusterProto.getDescriptor(), org.p2pgrid.protocol.v1.TrainingProto.getDescriptor())) {
            assertEquals("p2pgrid.v1", f.getPackage());
            for (Descriptor d : f.getMessageTypes()) {
                declared.add(d.getName());
            }
        }
        Set<String> sampled = new HashSet<>();
        for (Message m : Samples.all()) {
            sampled.add(m.getDescriptorForType().getName());
        }
        // Parts of other messages, sampled inside them:
        Set<String> parts = Set.of("ProsumerDeviceState", "LabelAction", "LabelActions", "TensorLayout",
                "CostBreakdown", "CheckpointFile", "ValidationDay");
        Set<String> missing = new HashSet<>(declared);
        missing.removeAll(sampled);
        missing.removeAll(parts);
        assertEquals(Set.of(), missing, "messages without a round-trip sample");
        assertTrue(sampled.containsAll(Samples.topLevelTypes()));
    }
}
