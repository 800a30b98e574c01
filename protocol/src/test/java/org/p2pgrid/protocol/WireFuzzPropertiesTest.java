package org.p2pgrid.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.Message;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Corrupted bytes of any message: the parser either yields a message that passes validation or
 * throws {@link InvalidMessageException} — never another exception, never an unvalidated message.
 */
class WireFuzzPropertiesTest {
    private static final List<Message> SAMPLES = Samples.all();
    private static final WireParser PARSER = new WireParser();
    private static final MessageValidator VALIDATOR = new MessageValidator();

    @Property(tries = 2000)
    void corruptedBytesAreParsedAndValidatedOrRejected(@ForAll @IntRange(min = 0, max = 1000) int which,
                                                       @ForAll @IntRange(min = 1, max = 8) int flips,
                                                       @ForAll long seed) {
        Message m = SAMPLES.get(which % SAMPLES.size());
        byte[] bytes = m.toByteArray();
        Random r = new Random(seed);
        int mode = r.nextInt(3);
        if (mode == 0) {
            for (int i = 0; i < flips; i++) {
                bytes[r.nextInt(bytes.length)] ^= (byte) (1 << r.nextInt(8));
            }
        } else if (mode == 1) {
            bytes = java.util.Arrays.copyOf(bytes, r.nextInt(bytes.length)); // truncated
        } else {
            for (int i = 0; i < flips; i++) {
                bytes[r.nextInt(bytes.length)] = (byte) r.nextInt(256); // random bytes
            }
        }
        try {
            Message back = PARSER.parse(m.getParserForType(), bytes);
            assertEquals(List.of(), VALIDATOR.check(back));
        } catch (InvalidMessageException e) {
            assertFalse(e.getMessage().isBlank());
        }
    }
}
