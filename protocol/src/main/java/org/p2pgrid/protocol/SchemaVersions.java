package org.p2pgrid.protocol;

/**
 * {@code schema_version} written by this build into the messages that carry one. A reader accepts
 * 0 (a writer that did not set it: proto3 default) up to these; a larger value means a newer,
 * incompatible writer and is rejected by {@link MessageValidator}.
 */
public final class SchemaVersions {
    public static final int TRANSITION = 1;
    public static final int WEIGHTS = 1;
    public static final int CHECKPOINT = 1;

    private SchemaVersions() {
    }
}
