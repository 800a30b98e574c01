package org.p2pgrid.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.p2pgrid.protocol.v1.Credit;
import org.p2pgrid.protocol.v1.PolicyWeightsChunk;
import org.p2pgrid.protocol.v1.Transition;

class WireParserTest {
    private final ProtocolLimits limits = ProtocolLimits.defaults().withMaxMessageBytes(2048);
    private final WireParser parser = new WireParser(limits);

    @Test
    void oversizedArrayIsRefusedByItsLength() {
        byte[] big = Samples.transition(1, true).build().toByteArray();
        assertTrue(big.length > 2048, big.length + " bytes");
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> parser.parse(Transition.parser(), big));
        assertEquals("Transition: " + big.length + " bytes, over the limit 2048", e.getMessage());
    }

    @Test
    void oversizedStreamIsStoppedAtTheLimit() {
        byte[] big = Samples.transition(1, true).build().toByteArray();
        InvalidMessageException e = assertThrows(InvalidMessageException.class,
                () -> parser.parse(Transition.parser(), new ByteArrayInputStream(big)));
        assertTrue(e.getMessage().startsWith("Transition: not a valid message: Protocol message was too large"), e.getMessage());
    }

    /** A 12-byte message that claims a 2 GB packed float field / a 1 GB bytes field: refused, nothing big allocated. */
    @Test
    void lyingLengthPrefixesAreRefusedBeforeAllocation() throws IOException {
        byte[] floats = lyingField(10, WireFormat.WIRETYPE_LENGTH_DELIMITED, Integer.MAX_VALUE - 3);
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> parser.parse(Transition.parser(), floats));
        assertTrue(e.getMessage().startsWith("Transition: not a valid message: "), e.getMessage());
        byte[] payload = lyingField(8, WireFormat.WIRETYPE_LENGTH_DELIMITED, 1 << 30);
        e = assertThrows(InvalidMessageException.class, () -> parser.parse(PolicyWeightsChunk.parser(), payload));
        assertTrue(e.getMessage().startsWith("PolicyWeightsChunk: not a valid message"), e.getMessage());
        // Through a stream, which has no "remaining bytes" to compare with: the size limit refuses it.
        InvalidMessageException s = assertThrows(InvalidMessageException.class,
                () -> parser.parse(PolicyWeightsChunk.parser(), endless(payload)));
        assertTrue(s.getMessage().contains("too large"), s.getMessage());
    }

    @Test
    void delimitedRecordsRespectTheLimitAndDoNotSwallowTheNext() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Credit a = Credit.newBuilder().setShard(1).setN(5).build();
        Credit b = Credit.newBuilder().setShard(2).setN(6).build();
        a.writeDelimitedTo(out);
        b.writeDelimitedTo(out);
        Samples.transition(1, true).build().writeDelimitedTo(out);
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        assertEquals(a, parser.parseDelimited(Credit.parser(), in));
        assertEquals(b, parser.parseDelimited(Credit.parser(), in));
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> parser.parseDelimited(Transition.parser(), in));
        assertTrue(e.getMessage().matches("Transition: length prefix \\d+ bytes, over the limit 2048"), e.getMessage());

        ByteArrayOutputStream lie = new ByteArrayOutputStream();
        CodedOutputStream cos = CodedOutputStream.newInstance(lie);
        cos.writeUInt32NoTag(-1);
        cos.flush();
        e = assertThrows(InvalidMessageException.class,
                () -> parser.parseDelimited(Credit.parser(), new ByteArrayInputStream(lie.toByteArray())));
        assertEquals("Credit: length prefix 4294967295 bytes, over the limit 2048", e.getMessage());
    }

    @Test
    void garbageAndInvalidContentAreRefused() {
        InvalidMessageException e = assertThrows(InvalidMessageException.class,
                () -> parser.parse(Credit.parser(), new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}));
        assertTrue(e.getMessage().startsWith("Credit: not a valid message"), e.getMessage());
        e = assertThrows(InvalidMessageException.class,
                () -> parser.parse(Credit.parser(), Credit.newBuilder().setN(-3).build().toByteArray()));
        assertEquals("Credit.n: -3, expected 1 to 1048576", e.getMessage());
        assertEquals(Credit.newBuilder().setN(-3).build(),
                parser.parseUnchecked(Credit.parser(), Credit.newBuilder().setN(-3).build().toByteArray()));
    }

    private static byte[] lyingField(int field, int wireType, int claimedLength) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream c = CodedOutputStream.newInstance(out);
        c.writeTag(field, wireType);
        c.writeUInt32NoTag(claimedLength);
        c.writeRawBytes(new byte[] {1, 2, 3, 4});
        c.flush();
        return out.toByteArray();
    }

    /** {@code head} followed by zeros for ever. */
    private static InputStream endless(byte[] head) {
        return new InputStream() {
            int i;

            @Override
            public int read() {
                return i < head.length ? head[i++] & 0xff : 0;
            }
        };
    }
}
