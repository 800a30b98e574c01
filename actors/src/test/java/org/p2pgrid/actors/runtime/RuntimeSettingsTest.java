package org.p2pgrid.actors.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RuntimeSettingsTest {

    @Test
    void defaultsFromReferenceConfAndOverrides() {
        RuntimeSettings d = RuntimeSettings.from(ConfigFactory.empty());
        assertEquals(2, d.worlds());
        assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors() - 1), d.expertWorkers(), "0 = cores - 1, min 1");
        assertEquals(10, d.weightsEveryUpdates());
        assertEquals(32, d.maxUnackedTransitions());
        assertEquals(Duration.ofSeconds(10), d.askTimeout());
        RuntimeSettings o = RuntimeSettings.from(ConfigFactory.parseString(
                "p2pgrid.runtime { worlds = 5, expert-workers = 3, ask-timeout = 250ms }"));
        assertEquals(5, o.worlds());
        assertEquals(3, o.expertWorkers());
        assertEquals(Duration.ofMillis(250), o.askTimeout());
        assertEquals(PolicyPlacement.PER_WORLD, d.policyActors(), "the measured default (benchmarks/RESULTS.md)");
        assertEquals(PolicyPlacement.PER_NODE, RuntimeSettings.from(ConfigFactory.parseString(
                "p2pgrid.runtime.policy-actors = per-node")).policyActors());
        assertEquals(PolicyPlacement.PER_NODE, d.withPolicyActors(PolicyPlacement.PER_NODE).policyActors());
    }

    @Test
    void errorsNameThePathAndTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RuntimeSettings.from(ConfigFactory.parseString("p2pgrid.runtime.worlds = 0")));
        assertTrue(e.getMessage().contains("p2pgrid.runtime.worlds = 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RuntimeSettings.from(ConfigFactory.parseString("p2pgrid.runtime.max-unacked-transitions = -1")));
        assertTrue(e.getMessage().contains("max-unacked-transitions"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RuntimeSettings.from(ConfigFactory.parseString("p2pgrid.runtime.policy-actors = per-core")));
        assertTrue(e.getMessage().contains("p2pgrid.runtime.policy-actors = per-core"), e.getMessage());
    }
}
