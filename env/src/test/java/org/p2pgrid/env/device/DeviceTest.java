package org.p2pgrid.env.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeviceTest {
    private static final double EPS = 1e-12;
    private final ActionProjection projection = ActionProjection.quarterHourly();

    private static final BessSpec BESS = new BessSpec(250, 250, 500, 0.1, 0.9, 0.5, 0.95, 0.08);
    private static final ProsumerSpec COMMERCIAL = new ProsumerSpec("C", ProsumerType.COMMERCIAL, 48,
            new CdgSpec(0, 300, 150, 0.0008, 0.55), new RdgSpec(550, 500, 0), BESS, new ClSpec(0.15, 1.2),
            new LoadSpec(1500, 0.9, LoadProfileKind.COMMERCIAL));

    @Test
    void socUpdateUsesEtaOnChargeAndOneOverEtaOnDischarge() {
        // eq (7): charging 200 kW for 0.25 h into 500 kWh: +0.95·200·0.25/500 = +0.095.
        assertEquals(0.595, BESS.nextSoc(0.5, 200, 0.25), EPS);
        // discharging 190 kW: −190/0.95·0.25/500 = −0.1.
        assertEquals(0.4, BESS.nextSoc(0.5, -190, 0.25), EPS);
        DeviceState next = projection.next(COMMERCIAL, new DeviceState(100, 0.5), new ProsumerAction(120, 0, 0, 200, 0));
        assertEquals(120, next.prevPCdgKw());
        assertEquals(0.595, next.socFraction(), EPS);
    }

    @Test
    void bessPowerIsLimitedBySocHeadroom() {
        // SOC 0.85: room to 0.9 is 25 kWh; P·0.95·0.25 ≤ 25 → P ≤ 105.26 kW (< rating 250).
        var p = projection.project(COMMERCIAL, new DeviceState(0, 0.85), new Exogenous(0, 100, 0),
                new ProsumerAction(0, 0, 0, 250, 0));
        assertEquals(25 / (0.95 * 0.25), p.action().pBessKw(), 1e-9);
        // SOC 0.12: 10 kWh above 0.1; P_dis·0.25/0.95 ≤ 10 → P_dis ≤ 38 kW.
        var d = projection.project(COMMERCIAL, new DeviceState(0, 0.12), new Exogenous(0, 100, 0),
                new ProsumerAction(0, 0, 0, -250, 0));
        assertEquals(-38, d.action().pBessKw(), 1e-9);
        assertEquals(0.1, projection.next(COMMERCIAL, new DeviceState(0, 0.12), d.action()).socFraction(), EPS);
    }

    @Test
    void cdgIsClampedToBoundsAndRampWindow() {
        var p = projection.project(COMMERCIAL, new DeviceState(100, 0.5), new Exogenous(0, 100, 0),
                new ProsumerAction(299, 0, 0, 0, 0));
        assertEquals(250, p.action().pCdgKw(), EPS); // ramp 150 from 100
        var low = projection.project(COMMERCIAL, new DeviceState(100, 0.5), new Exogenous(0, 100, 0),
                new ProsumerAction(-50, 0, 0, 0, 0));
        assertEquals(0, low.action().pCdgKw(), EPS); // bound 0 inside the ramp window [−50, 250]
    }

    @Test
    void cdgStateOutsideBoundsMovesToTheNearestBound() {
        var spec = new ProsumerSpec("C", ProsumerType.COMMERCIAL, 48, new CdgSpec(100, 300, 20, 0, 0.5),
                new RdgSpec(550, 500, 0), null, new ClSpec(0.1, 1), new LoadSpec(100, 0.9, LoadProfileKind.COMMERCIAL));
        var fromBelow = projection.project(spec, new DeviceState(0, 0), new Exogenous(0, 10, 0), ProsumerAction.ZERO);
        assertEquals(100, fromBelow.action().pCdgKw());
        var fromAbove = projection.project(spec, new DeviceState(500, 0), new Exogenous(0, 10, 0), ProsumerAction.ZERO);
        assertEquals(300, fromAbove.action().pCdgKw());
        assertFalse(projection.isFeasible(spec, new DeviceState(500, 0), new Exogenous(0, 10, 0), fromAbove.action(), 1e-9));
    }

    @Test
    void reactivePowerUsesActivePowerPriority() {
        // Available 600 kW but S = 550: P → 550, no room for Q (eq 4 at P = S).
        var full = projection.project(COMMERCIAL, new DeviceState(0, 0.5), new Exogenous(600, 100, 0),
                new ProsumerAction(0, 600, 200, 0, 0));
        assertEquals(550, full.action().pRdgKw(), EPS);
        assertEquals(0, full.action().qRdgKvar(), EPS);
        // P = 330 leaves √(550² − 330²) = 440 kvar.
        var partial = projection.project(COMMERCIAL, new DeviceState(0, 0.5), new Exogenous(600, 100, 0),
                new ProsumerAction(0, 330, -1000, 0, 0));
        assertEquals(330, partial.action().pRdgKw(), EPS);
        assertEquals(-440, partial.action().qRdgKvar(), 1e-9);
    }

    @Test
    void curtailmentIsBoundedByAlphaTimesLoad() {
        var p = projection.project(COMMERCIAL, new DeviceState(0, 0.5), new Exogenous(0, 200, 50),
                new ProsumerAction(0, 0, 0, 0, 100));
        assertEquals(30, p.action().pClKw(), EPS);
        assertArrayEquals(new double[] {0, 0, 0, 0, -70}, p.perDimMove(), EPS);
        assertEquals(70, p.distance(), EPS);
    }

    @Test
    void devicesNotOwnedAreZero() {
        var spec = new ProsumerSpec("I", ProsumerType.INDUSTRIAL, 67, new CdgSpec(0, 500, 250, 0.0004, 0.5),
                new RdgSpec(1100, 0, 1000), null, new ClSpec(0.1, 1.5), new LoadSpec(3000, 0.85, LoadProfileKind.INDUSTRIAL));
        var p = projection.project(spec, DeviceState.initial(spec), new Exogenous(0, 100, 0),
                new ProsumerAction(0, 0, 0, 80, 0));
        assertEquals(0, p.action().pBessKw());
        assertEquals(80, p.distance(), EPS);
        assertArrayEquals(new int[] {0, 1, 2, 4}, spec.activeActionDims());
    }

    @Test
    void balanceEquationsNineAndTen() {
        var a = new ProsumerAction(100, 300, 50, 80, 20);
        var exo = new Exogenous(400, 250, 60);
        assertEquals(100 + 300 + 20 - 250 - 80, a.netActiveExportKw(exo), EPS);
        assertEquals(50 - 60, a.netReactiveExportKvar(exo), EPS);
    }

    @Test
    void badSpecsNameTheFieldAndValue() {
        var e = assertThrows(SpecViolation.class, () -> new BessSpec(1, 1, 1, 0.95, 0.9, 0.5, 0.95, 0));
        assertEquals("BessSpec.soc-min = 0.95: must be in [0, soc-max]", e.getMessage());
        assertEquals("soc-min", e.field());
        assertThrows(SpecViolation.class, () -> new CdgSpec(0, 100, 0, 0, 0));
        assertThrows(SpecViolation.class, () -> new CdgSpec(200, 100, 10, 0, 0));
        assertThrows(SpecViolation.class, () -> new CdgSpec(0, 100, 10, -1, 0));
        assertThrows(SpecViolation.class, () -> new RdgSpec(100, 0, 0));
        assertThrows(SpecViolation.class, () -> new ClSpec(1.5, 1));
        assertThrows(SpecViolation.class, () -> new LoadSpec(100, 0, LoadProfileKind.RURAL));
        assertThrows(SpecViolation.class, () -> new ProsumerAction(Double.NaN, 0, 0, 0, 0));
        assertThrows(SpecViolation.class, () -> new Exogenous(-1, 0, 0));
        assertThrows(SpecViolation.class, () -> new DeviceState(0, 1.1));
        assertTrue(assertThrows(SpecViolation.class, () -> new ProsumerSpec("X", ProsumerType.RURAL, 5, null,
                null, null, new ClSpec(0, 0), new LoadSpec(1, 1, LoadProfileKind.RURAL))).getMessage().contains("rdg"));
    }

    @Test
    void scalingKeepsRelativeCostAndFractions() {
        ProsumerSpec doubled = COMMERCIAL.scaled(2);
        assertEquals(600, doubled.cdg().pMaxKw());
        assertEquals(COMMERCIAL.cdg().costRateCnyPerHour(300) * 2, doubled.cdg().costRateCnyPerHour(600), 1e-9);
        assertEquals(1000, doubled.bess().capacityKwh());
        assertEquals(0.1, doubled.bess().socMin());
        assertEquals(3000, doubled.load().annualEnergyMwh());
    }
}
