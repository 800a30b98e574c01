package org.p2pgrid.actors.cluster;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code p2pgrid.cluster.expert} block (defaults and documentation in the actors' reference.conf).
 *
 * @param workers         expert workers on an expert node (0 = one per core)
 * @param cacheDir        an expert node's durable label cache ("" = {@code <training label cache-dir>/expert-node-PORT})
 * @param inFlightPerNode label requests the learner keeps outstanding per expert node
 * @param resendAfter     an unanswered label request is sent again after this long
 * @param stallAfter      an expert node holding requests that attaches no label this long is given up on (0 = never)
 */
public record ExpertSettings(int workers, String cacheDir, int inFlightPerNode, Duration resendAfter, Duration stallAfter) {
    public static final String PATH = ClusterSettings.PATH + ".expert";

    public static ExpertSettings from(Config root) {
        Config c = root.getConfig(PATH);
        ExpertSettings s = new ExpertSettings(c.getInt("workers"), c.getString("cache-dir"), c.getInt("in-flight-per-node"),
                c.getDuration("resend-after"), c.getDuration("stall-after"));
        if (s.workers < 0 || s.inFlightPerNode < 1 || s.resendAfter.isNegative() || s.resendAfter.isZero()) {
            throw new IllegalArgumentException(PATH + ": workers >= 0, in-flight-per-node >= 1, resend-after > 0 expected");
        }
        if (s.stallAfter.isNegative() || (!s.stallAfter.isZero() && s.stallAfter.compareTo(s.resendAfter) <= 0)) {
            throw new IllegalArgumentException(PATH + ".stall-after: 0 (off) or longer than resend-after (" + s.resendAfter
                    + ") expected, got " + s.stallAfter);
        }
        return s;
    }

    /** Workers on this machine: the setting, or one per core. */
    public int workersHere() {
        return workers > 0 ? workers : Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** This node's label cache: the setting, or a per-port directory under the run's label cache (two processes must never append to one file). */
    public Path cacheDirFor(Path trainingCacheDir, int port) {
        return cacheDir.isBlank() ? trainingCacheDir.resolve("expert-node-" + port) : Path.of(cacheDir);
    }
}
