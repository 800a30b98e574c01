package org.p2pgrid.expert.kb;

/**
 * A malformed knowledge base: names the JSON path of the offending field (e.g.
 * {@code $.devices[2].parameters[0].unit}) and what is wrong with it.
 */
public final class KnowledgeBaseException extends RuntimeException {
    private final String path;

    public KnowledgeBaseException(String path, String message) {
        super("knowledge base " + path + ": " + message);
        this.path = path;
    }

    public KnowledgeBaseException(String path, String message, Throwable cause) {
        super("knowledge base " + path + ": " + message, cause);
        this.path = path;
    }

    /** JSON path of the offending field, {@code $} for the document. */
    public String path() {
        return path;
    }
}
