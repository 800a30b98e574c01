package org.p2pgrid.learner.replay;

import java.io.IOException;

/** A replay snapshot could not be read: wrong format, truncated, inconsistent or failing its checksum. */
public class ReplaySnapshotException extends IOException {
    public ReplaySnapshotException(String message) {
        super(message);
    }

    public ReplaySnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
