package org.p2pgrid.expert.lang;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import org.p2pgrid.env.device.ProsumerType;

/**
 * The "human expert" reference models of the five Table I prosumer types (paper §IV-C-1), written in
 * the modelling language as resources {@code org/p2pgrid/expert/models/<type>.p2pm}. They are the
 * offline default expert and the ground truth LLM-written models are compared against. Compiled once,
 * on first use; the compiled {@link Program}s are shared (they are immutable).
 */
public final class ReferenceModels {
    private static final String DIRECTORY = "/org/p2pgrid/expert/models/";
    private static final Map<ProsumerType, Program> PROGRAMS = new EnumMap<>(ProsumerType.class);

    private ReferenceModels() {}

    /** Resource path of the type's model, e.g. {@code /org/p2pgrid/expert/models/energy_hub.p2pm}. */
    public static String resourcePath(ProsumerType type) {
        return DIRECTORY + type.name().toLowerCase(java.util.Locale.ROOT) + ".p2pm";
    }

    /** The model's source text. */
    public static String source(ProsumerType type) {
        String path = resourcePath(type);
        try (InputStream in = ReferenceModels.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("reference model " + path + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read reference model " + path, e);
        }
    }

    /** The compiled model (a reference model that fails to compile is a build error, hence unchecked). */
    public static synchronized Program program(ProsumerType type) {
        return PROGRAMS.computeIfAbsent(type, t -> Program.compile(source(t)));
    }
}
