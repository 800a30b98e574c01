package org.p2pgrid.cli;

/**
 * Keeps every process on loopback. DJL (also pulled in by LangChain4j embeddings) phones home to
 * 169.254.169.254 at start-up unless told not to, and would download native libraries; these
 * properties must be set before anything touches DJL, so every entry point calls this first.
 */
public final class Offline {
    private Offline() {}

    public static void enforce() {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
    }
}
