package org.p2pgrid.expert.label;

import java.nio.charset.StandardCharsets;
import org.p2pgrid.env.device.ProsumerType;
import org.p2pgrid.env.pomdp.GeneratedExogenous;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.expert.lang.ReferenceModels;

/**
 * Identifies what expert labels depend on — scenario (devices, tariff, reward limits, feeder,
 * background load), profile seed, and the reference models' source — for durable label caches:
 * labels of one scenario or model version are wrong for another.
 */
public final class LabelFingerprint {
    private LabelFingerprint() {}

    public static long of(Scenario scenario, long seed) {
        StringBuilder identity = new StringBuilder()
                .append(scenario.config()).append('|').append(scenario.reward()).append('|')
                .append(scenario.network().name()).append('|').append(scenario.network().busCount()).append('|')
                .append(scenario.network().totalBasePdPu()).append("|seed=").append(seed).append('|')
                .append(scenario.exogenous().getClass().getName());
        if (scenario.exogenous() instanceof GeneratedExogenous g) {
            identity.append("|background=").append(g.backgroundPeakScale());
        }
        for (ProsumerType type : ProsumerType.values()) {
            identity.append('|').append(ReferenceModels.source(type));
        }
        long h = 0xcbf29ce484222325L;
        for (byte b : identity.toString().getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
