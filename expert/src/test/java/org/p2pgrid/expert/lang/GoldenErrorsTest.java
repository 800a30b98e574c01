package org.p2pgrid.expert.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.device.ProsumerType;
import org.p2pgrid.expert.model.ConvexModel;

/**
 * Golden files: every {@code golden/*.p2pm} is a bad program; its {@code .expected} holds the exact
 * messages (one per line) an LLM would be shown. A first line {@code # place: TYPE T=n} also places
 * the program with the standard bindings of that prosumer type at horizon n (bind-time errors).
 * Run with {@code -Dgolden.update=true} to rewrite the expected files after a deliberate change.
 */
class GoldenErrorsTest {
    static final Path DIR = Path.of("src/test/resources/org/p2pgrid/expert/lang/golden");
    static final Pattern PLACE = Pattern.compile("^# place: (\\w+) T=(\\d+)");

    @TestFactory
    Stream<DynamicTest> goldenMessages() throws IOException {
        List<Path> programs;
        try (Stream<Path> files = Files.list(DIR)) {
            programs = files.filter(p -> p.toString().endsWith(".p2pm")).sorted().toList();
        }
        assertTrue(programs.size() >= 15, "at least 15 golden programs, found " + programs.size());
        boolean update = Boolean.getBoolean("golden.update");
        return programs.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            String source = Files.readString(p, StandardCharsets.UTF_8);
            String actual = messages(source);
            Path expectedFile = Path.of(p.toString().replaceAll("\\.p2pm$", ".expected"));
            if (update || !Files.exists(expectedFile)) {
                Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
            }
            assertTrue(!actual.startsWith("OK"), p + " should be rejected but was accepted");
            assertEquals(Files.readString(expectedFile, StandardCharsets.UTF_8), actual, p.toString());
        }));
    }

    static String messages(String source) {
        try {
            Program program = Program.compile(source);
            Matcher m = PLACE.matcher(source);
            if (m.find()) {
                ProsumerSpec spec = ReferenceModelsTest.specOf(ProsumerType.valueOf(m.group(1)));
                int horizon = Integer.parseInt(m.group(2));
                var forecast = ReferenceModelsTest.forecast(spec, 96 - horizon);
                program.place(new ConvexModel(), "x.", ReferenceModelFactory.bindings(spec, DeviceState.initial(spec),
                        forecast));
            }
            return "OK\n";
        } catch (ModelException e) {
            return e.getMessage() + "\n";
        }
    }
}
