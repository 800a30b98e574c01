package org.p2pgrid.protocol;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import java.io.IOException;
import java.io.InputStream;

/**
 * Parses wire bytes with size limits applied BEFORE anything is allocated for them, then
 * validates: a byte array over {@link ProtocolLimits#maxMessageBytes()} is refused by its length;
 * a stream is read through a {@link CodedInputStream} whose size limit stops it at the limit (a
 * length prefix that claims more is refused before the field is read); a length-delimited stream
 * record's prefix is checked first. Nested lengths that claim more bytes than remain are refused by
 * protobuf itself ("truncated message"), so a 10-byte message cannot make the parser allocate
 * gigabytes.
 */
public final class WireParser {
    private final ProtocolLimits limits;
    private final MessageValidator validator;

    public WireParser(ProtocolLimits limits) {
        this.limits = limits;
        this.validator = new MessageValidator(limits);
    }

    public WireParser() {
        this(ProtocolLimits.defaults());
    }

    /** Parses and validates {@code bytes} as the message of {@code parser}. */
    public <T extends Message> T parse(Parser<T> parser, byte[] bytes) {
        return validator.validate(parseUnchecked(parser, bytes));
    }

    /** Parses {@code bytes} with the size limits only (no {@link MessageValidator} rules). */
    public <T extends Message> T parseUnchecked(Parser<T> parser, byte[] bytes) {
        if (bytes.length > limits.maxMessageBytes()) {
            throw new InvalidMessageException(typeName(parser) + ": " + bytes.length
                    + " bytes, over the limit " + limits.maxMessageBytes());
        }
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        in.setRecursionLimit(limits.maxNesting());
        return parse(parser, in);
    }

    /** Parses and validates the whole of {@code stream} (not closed) as one message. */
    public <T extends Message> T parse(Parser<T> parser, InputStream stream) {
        CodedInputStream in = CodedInputStream.newInstance(stream);
        in.setSizeLimit(limits.maxMessageBytes());
        in.setRecursionLimit(limits.maxNesting());
        return validator.validate(parse(parser, in));
    }

    /**
     * Reads one varint-length-delimited message (as {@code writeDelimitedTo} writes) and validates it;
     * returns {@code null} at a clean end of stream.
     */
    public <T extends Message> T parseDelimited(Parser<T> parser, InputStream stream) {
        try {
            int first = stream.read();
            if (first == -1) {
                return null;
            }
            int size = CodedInputStream.readRawVarint32(first, stream);
            if (size < 0 || size > limits.maxMessageBytes()) {
                throw new InvalidMessageException(typeName(parser) + ": length prefix "
                        + Integer.toUnsignedString(size) + " bytes, over the limit " + limits.maxMessageBytes());
            }
            // Bounded view: CodedInputStream buffers ahead, which must not swallow the next record.
            CodedInputStream in = CodedInputStream.newInstance(new Bounded(stream, size));
            in.setSizeLimit(size);
            in.setRecursionLimit(limits.maxNesting());
            T msg = parse(parser, in);
            if (in.getTotalBytesRead() != size) {
                throw new InvalidMessageException(typeName(parser) + ": read " + in.getTotalBytesRead()
                        + " bytes of a " + size + "-byte record");
            }
            return validator.validate(msg);
        } catch (InvalidMessageException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidMessageException(typeName(parser) + ": " + e.getMessage(), e);
        }
    }

    private static <T extends Message> T parse(Parser<T> parser, CodedInputStream in) {
        try {
            T msg = parser.parseFrom(in);
            in.checkLastTagWas(0);
            return msg;
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidMessageException(typeName(parser) + ": not a valid message: " + e.getMessage(), e);
        }
    }

    /** The message type's name, e.g. "Transition" (parsing zero bytes gives the default instance). */
    static String typeName(Parser<? extends Message> parser) {
        try {
            return parser.parseFrom(new byte[0]).getDescriptorForType().getName();
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            return "message";
        }
    }

    /** At most {@code remaining} bytes of {@code in}. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        private long remaining;

        Bounded(InputStream in, long remaining) {
            this.in = in;
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }
    }
}
