package org.p2pgrid.env.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.p2pgrid.env.device.LoadProfileKind;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.device.ProsumerType;

class ScenarioConfigTest {

    private static Config withOverride(String hocon) {
        return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve();
    }

    private static String errorFor(String hocon) {
        return assertThrows(ScenarioConfigException.class, () -> ScenarioConfig.load(withOverride(hocon))).getMessage();
    }

    @Test
    void defaultsHoldTheTwentyProsumersOfTableOne() {
        ScenarioConfig s = ScenarioConfig.defaults();
        assertEquals(0.25, s.dtHours());
        assertEquals(96, s.stepsPerDay());
        assertEquals(20, s.prosumers().size());

        Map<ProsumerType, List<Integer>> busesByType = s.prosumers().stream().collect(Collectors.groupingBy(
                ProsumerSpec::type, Collectors.mapping(ProsumerSpec::bus, Collectors.toList())));
        assertEquals(List.of(48, 78, 102, 127), busesByType.get(ProsumerType.COMMERCIAL));
        assertEquals(List.of(59, 109, 130, 140), busesByType.get(ProsumerType.RURAL));
        assertEquals(List.of(67, 95, 133, 136), busesByType.get(ProsumerType.INDUSTRIAL));
        assertEquals(List.of(62, 86, 106, 138), busesByType.get(ProsumerType.RESIDENTIAL));
        assertEquals(List.of(74, 100, 116, 134), busesByType.get(ProsumerType.ENERGY_HUB));
        assertEquals(20, s.prosumers().stream().map(ProsumerSpec::id).distinct().count());
    }

    @Test
    void defaultsGiveEachTypeTheDevicesOfTableOne() {
        for (ProsumerSpec p : ScenarioConfig.defaults().prosumers()) {
            boolean cdg = p.hasCdg();
            boolean pv = p.rdg().hasPv();
            boolean wt = p.rdg().hasWt();
            boolean ess = p.hasBess();
            String devices = (cdg ? "CDG " : "") + (wt ? "WT " : "") + (pv ? "PV " : "") + (ess ? "ESS " : "") + "CL";
            String expected = switch (p.type()) {
                case COMMERCIAL, RURAL -> "CDG PV ESS CL";
                case INDUSTRIAL -> "CDG WT CL";
                case RESIDENTIAL -> "PV ESS CL";
                case ENERGY_HUB -> "CDG WT PV ESS CL";
            };
            assertEquals(expected, devices, p.id());
            assertEquals(p.type().defaultLoadProfile(), p.load().profile(), p.id());
        }
    }

    @Test
    void activeDimsFollowTheOwnedDevices() {
        ScenarioConfig s = ScenarioConfig.defaults();
        ProsumerSpec industrial = s.prosumers().stream().filter(p -> p.type() == ProsumerType.INDUSTRIAL).findFirst().orElseThrow();
        ProsumerSpec residential = s.prosumers().stream().filter(p -> p.type() == ProsumerType.RESIDENTIAL).findFirst().orElseThrow();
        ProsumerSpec hub = s.prosumers().stream().filter(p -> p.type() == ProsumerType.ENERGY_HUB).findFirst().orElseThrow();
        assertEquals(List.of(ProsumerAction.P_CDG, ProsumerAction.P_RDG, ProsumerAction.Q_RDG, ProsumerAction.P_CL),
                toList(industrial.activeActionDims()));
        assertEquals(List.of(ProsumerAction.P_RDG, ProsumerAction.Q_RDG, ProsumerAction.P_BESS, ProsumerAction.P_CL),
                toList(residential.activeActionDims()));
        assertEquals(List.of(0, 1, 2, 3, 4), toList(hub.activeActionDims()));
    }

    private static List<Integer> toList(int[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }

    @Test
    void defaultTariffHasBuyAboveSellAndTheExpectedBands() {
        ScenarioConfig s = ScenarioConfig.defaults();
        for (int t = 0; t < 96; t++) {
            assertTrue(s.tariff().buyAt(t) > s.tariff().sellAt(t), "step " + t);
        }
        assertEquals(0.33, s.tariff().buyAt(0)); // 00:00 valley
        assertEquals(1.05, s.tariff().buyAt(32)); // 08:00 peak
        assertEquals(0.66, s.tariff().buyAt(44)); // 11:00 flat
        assertEquals(1.05, s.tariff().buyAt(87)); // 21:45 peak
        assertEquals(0.66, s.tariff().buyAt(88)); // 22:00 flat
        assertEquals(0.5, s.p2p().priceCoefficient());
        assertEquals(0.02, s.p2p().dsoFeeCnyPerKwh());
    }

    @Test
    void derivedInverterRatingIsRatioTimesInstalledCapacity() {
        ProsumerSpec hub = ScenarioConfig.defaults().prosumers().stream()
                .filter(p -> p.id().equals("HUB1")).findFirst().orElseThrow();
        assertEquals(1.1 * 1800, hub.rdg().sMaxKva(), 1e-9);
    }

    @Test
    void overridesPerTypePerProsumerAndScale() {
        ScenarioConfig s = ScenarioConfig.load(withOverride("""
                p2pgrid.scenario.size-scale = 2
                p2pgrid.scenario.prosumer-types.commercial.rdg.pv-capacity-kw = 650
                p2pgrid.scenario.prosumers = [
                  { id = A, type = commercial, bus = 10 }
                  { id = B, type = commercial, bus = 11, cdg = null, size-scale = 0.5, bess { capacity-kwh = 800 } }
                  { id = C, type = residential, bus = 12, load { profile = commercial } }
                ]
                """));
        assertEquals(3, s.prosumers().size());
        ProsumerSpec a = s.prosumers().get(0);
        ProsumerSpec b = s.prosumers().get(1);
        ProsumerSpec c = s.prosumers().get(2);
        assertEquals(1300, a.rdg().pvCapacityKw(), 1e-9);
        assertEquals(600, a.cdg().pMaxKw(), 1e-9);
        assertEquals(0.0008 / 2, a.cdg().costQuadCnyPerKw2h(), 1e-15);
        assertNull(b.cdg());
        assertEquals(800, b.bess().capacityKwh(), 1e-9); // scale 2 × 0.5 = 1
        assertEquals(250, b.bess().pMaxChargeKw(), 1e-9);
        assertEquals(LoadProfileKind.COMMERCIAL, c.load().profile());
        assertFalse(c.hasCdg());
        assertNotNull(c.bess());
    }

    @Test
    void badTypeValueIsReportedAtTheTypePath() {
        String message = errorFor("p2pgrid.scenario.prosumer-types.commercial.bess.soc-min = 1.2");
        assertTrue(message.startsWith(
                "p2pgrid.scenario.prosumer-types.commercial.bess.soc-min = 1.2: must be in [0, soc-max]"), message);
    }

    @Test
    void badEntryValueIsReportedAtTheEntryPath() {
        String message = errorFor("""
                p2pgrid.scenario.prosumers = [ { id = X, type = rural, bus = 5, cl { alpha = 1.5 } } ]
                """);
        assertTrue(message.startsWith("p2pgrid.scenario.prosumers[0].cl.alpha = 1.5: must be in [0, 1]"), message);
    }

    @Test
    void otherBadValuesAreRejectedWithPathAndValue() {
        assertTrue(errorFor("p2pgrid.scenario.prosumer-types.industrial.cdg.p-max-kw = -5")
                .startsWith("p2pgrid.scenario.prosumer-types.industrial.cdg.p-max-kw = -5.0: must be > 0"));
        assertTrue(errorFor("p2pgrid.scenario.prosumer-types.residential.bess.efficiency = 1.3")
                .startsWith("p2pgrid.scenario.prosumer-types.residential.bess.efficiency = 1.3: must be in (0, 1]"));
        assertTrue(errorFor("p2pgrid.scenario.prosumer-types.residential.load.power-factor = abc")
                .startsWith("p2pgrid.scenario.prosumer-types.residential.load.power-factor = \"abc\": must be a number"));
        assertTrue(errorFor("p2pgrid.scenario.p2p.price-coefficient = 1.5")
                .startsWith("p2pgrid.scenario.p2p.price-coefficient = 1.5: must be in [0, 1]"));
        assertTrue(errorFor("p2pgrid.scenario.dt-hours = 0.7")
                .startsWith("p2pgrid.scenario.dt-hours = 0.7: "));
        assertTrue(errorFor("p2pgrid.scenario.tariff.sell-cny-per-kwh = 0.5")
                .startsWith("p2pgrid.scenario.tariff.buy-cny-per-kwh.valley = 0.33: the buy price must exceed"));
        assertTrue(errorFor("p2pgrid.scenario.prosumer-types.commercial.bess.soc-mni = 0.1")
                .startsWith("p2pgrid.scenario.prosumer-types.commercial.bess.soc-mni is not a known setting"));
        assertTrue(errorFor("p2pgrid.scenario.prosumers = [ { id = X, type = villa, bus = 5 } ]")
                .startsWith("p2pgrid.scenario.prosumers[0].type = villa: unknown prosumer type 'villa'"));
        assertTrue(errorFor("p2pgrid.scenario.prosumers = [ { id = X, type = rural, bus = 5 }, { id = X, type = rural, bus = 6 } ]")
                .startsWith("p2pgrid.scenario.prosumers[1].id = X: duplicate"));
        assertTrue(errorFor("p2pgrid.scenario.prosumers = [ { id = X, type = rural, bus = 0 } ]")
                .startsWith("p2pgrid.scenario.prosumers[0].bus = 0: must be a 1-based bus number"));
        assertTrue(errorFor("p2pgrid.scenario.prosumers = [ { id = X, type = rural, bus = 5, rdg = null } ]")
                .contains("rdg is missing"));
        assertTrue(errorFor("p2pgrid.scenario.tariff.periods = [ { from-hour = 0, to-hour = 8, band = valley } ]")
                .startsWith("p2pgrid.scenario.tariff.periods = [...]: TOU periods must tile"));
    }
}
