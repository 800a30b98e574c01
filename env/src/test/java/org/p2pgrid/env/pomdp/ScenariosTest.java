package org.p2pgrid.env.pomdp;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p2pgrid.env.scenario.ScenarioConfigException;

class ScenariosTest {

    @Test
    void defaultScenarioIsTableOneOnCase141() {
        Scenario s = Scenarios.defaults(1);
        assertEquals(141, s.network().busCount());
        assertEquals(20, s.prosumers().size());
        assertEquals(0.25, s.dtHours());
        assertEquals(0.99, s.gamma());
    }

    @Test
    void syntheticScenarioRunsADayOnALargeFeeder() {
        Scenario s = Scenarios.synthetic(500, 70, 5);
        assertEquals(500, s.network().busCount());
        assertEquals(70, s.prosumers().size());
        assertEquals(70, s.prosumers().stream().map(p -> p.bus()).distinct().count(), "distinct buses");
        EpisodeMetrics m = Episodes.runDay(new P2pTradingEnv(s), Scenarios.ruleBased(s), 200);
        assertEquals(96, m.steps());
        assertTrue(Double.isFinite(m.totalCost()));
        assertThrows(IllegalArgumentException.class, () -> Scenarios.synthetic(141, 141, 1));
    }

    @Test
    void badRewardSettingsNameThePathAndValue() {
        var bad = ConfigFactory.parseString("p2pgrid.scenario.reward.v-min = 1.2")
                .withFallback(ConfigFactory.defaultReference()).resolve();
        var e = assertThrows(ScenarioConfigException.class, () -> Scenarios.fromConfig(bad, 1));
        assertTrue(e.getMessage().contains("p2pgrid.scenario.reward"), e.getMessage());
        assertTrue(e.getMessage().contains("v-min"), e.getMessage());

        var badScale = ConfigFactory.parseString("p2pgrid.scenario.background-load.peak-scale = -1")
                .withFallback(ConfigFactory.defaultReference()).resolve();
        var e2 = assertThrows(ScenarioConfigException.class, () -> Scenarios.fromConfig(badScale, 1));
        assertTrue(e2.getMessage().startsWith("p2pgrid.scenario.background-load.peak-scale = -1"), e2.getMessage());
    }

    @Test
    void scenarioFileOverridesDefaultsAndAProsumerOffTheFeederIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.conf");
        Files.writeString(file, "p2pgrid.scenario.background-load.peak-scale = 0.3\n");
        Scenario s = Scenarios.fromFile(file, 1);
        assertEquals(0.3, ((GeneratedExogenous) s.exogenous()).backgroundPeakScale());

        Files.writeString(file, "p2pgrid.scenario.prosumers = [ { id = X, type = residential, bus = 999 } ]\n");
        var e = assertThrows(IllegalArgumentException.class, () -> Scenarios.fromFile(file, 1));
        assertTrue(e.getMessage().contains("bus 999"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Scenarios.fromFile(dir.resolve("missing.conf"), 1));
    }
}
