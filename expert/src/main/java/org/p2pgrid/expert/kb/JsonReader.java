package org.p2pgrid.expert.kb;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** A JSON node with its path, so every read that fails says where ({@link KnowledgeBaseException}). */
record JsonReader(JsonNode node, String path) {

    JsonReader field(String name) {
        JsonNode n = node.get(name);
        if (n == null || n.isNull()) {
            throw new KnowledgeBaseException(path + "." + name, "missing required field");
        }
        return new JsonReader(n, path + "." + name);
    }

    boolean has(String name) {
        JsonNode n = node.get(name);
        return n != null && !n.isNull();
    }

    String string(String name) {
        JsonReader f = field(name);
        if (!f.node.isTextual()) {
            throw new KnowledgeBaseException(f.path, "must be a string, not " + f.node.getNodeType());
        }
        if (f.node.asText().isBlank()) {
            throw new KnowledgeBaseException(f.path, "must not be blank");
        }
        return f.node.asText();
    }

    /** A string or null (absent/null); present but not a string is an error. */
    String optionalString(String name) {
        return has(name) ? string(name) : null;
    }

    int integer(String name) {
        JsonReader f = field(name);
        if (!f.node.isIntegralNumber()) {
            throw new KnowledgeBaseException(f.path, "must be an integer, not " + f.node.getNodeType());
        }
        return f.node.asInt();
    }

    boolean bool(String name) {
        JsonReader f = field(name);
        if (!f.node.isBoolean()) {
            throw new KnowledgeBaseException(f.path, "must be true or false, not " + f.node.getNodeType());
        }
        return f.node.asBoolean();
    }

    <T> List<T> list(String name, Function<JsonReader, T> element) {
        JsonReader f = field(name);
        if (!f.node.isArray()) {
            throw new KnowledgeBaseException(f.path, "must be an array, not " + f.node.getNodeType());
        }
        List<T> out = new ArrayList<>(f.node.size());
        for (int i = 0; i < f.node.size(); i++) {
            out.add(element.apply(new JsonReader(f.node.get(i), f.path + "[" + i + "]")));
        }
        return List.copyOf(out);
    }

    <T> List<T> optionalList(String name, Function<JsonReader, T> element) {
        return has(name) ? list(name, element) : List.of();
    }

    List<String> strings(String name) {
        return list(name, JsonReader::asString);
    }

    List<Integer> integers(String name) {
        return list(name, r -> {
            if (!r.node.isIntegralNumber()) {
                throw new KnowledgeBaseException(r.path, "must be an integer, not " + r.node.getNodeType());
            }
            return r.node.asInt();
        });
    }

    String asString() {
        if (!node.isTextual() || node.asText().isBlank()) {
            throw new KnowledgeBaseException(path, "must be a non-blank string");
        }
        return node.asText();
    }

    KnowledgeBaseException error(String message) {
        return new KnowledgeBaseException(path, message);
    }
}
