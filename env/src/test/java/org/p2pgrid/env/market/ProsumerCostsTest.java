package org.p2pgrid.env.market;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.p2pgrid.env.device.BessSpec;
import org.p2pgrid.env.device.CdgSpec;
import org.p2pgrid.env.device.ClSpec;
import org.p2pgrid.env.device.LoadProfileKind;
import org.p2pgrid.env.device.LoadSpec;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.device.ProsumerType;
import org.p2pgrid.env.device.RdgSpec;

/** Each term of eqs (14)-(19) worked by hand for one 15-minute step. */
class ProsumerCostsTest {
    private static final double DT = 0.25;
    private static final double EPS = 1e-12;

    private static final ProsumerSpec HUB = new ProsumerSpec("H", ProsumerType.ENERGY_HUB, 74,
            new CdgSpec(0, 800, 400, 0.00025, 0.5),
            new RdgSpec(1980, 1000, 800),
            new BessSpec(500, 500, 1000, 0.1, 0.9, 0.5, 0.95, 0.08),
            new ClSpec(0.2, 1.1),
            new LoadSpec(4000, 0.92, LoadProfileKind.ENERGY_HUB));

    private static final ProsumerSpec NO_CDG_NO_BESS = new ProsumerSpec("R", ProsumerType.RESIDENTIAL, 62,
            null, new RdgSpec(330, 300, 0), null, new ClSpec(0.15, 1.0), new LoadSpec(900, 0.95, LoadProfileKind.RESIDENTIAL));

    @Test
    void gridBuyingPaysBuyPriceSellingEarnsSellPrice() {
        // eq (15): 100 kW bought for 0.25 h at 1.05 = 26.25 CNY; 100 kW sold at 0.28 = −7 CNY.
        var buy = ProsumerCosts.step(NO_CDG_NO_BESS, ProsumerAction.ZERO, 100, 0, 1.05, 0.28, 0.665, 0.02, DT);
        assertEquals(26.25, buy.grid(), EPS);
        var sell = ProsumerCosts.step(NO_CDG_NO_BESS, ProsumerAction.ZERO, -100, 0, 1.05, 0.28, 0.665, 0.02, DT);
        assertEquals(-7.0, sell.grid(), EPS);
        assertEquals(-7.0, sell.total(), EPS);
    }

    @Test
    void cdgCostIsQuadraticPlusLinear() {
        // eq (16): P = 400 kW: c·P² = 0.00025·160000 = 40 CNY/h, b·P = 0.5·400 = 200 CNY/h → 240·0.25 = 60.
        var c = ProsumerCosts.step(HUB, new ProsumerAction(400, 0, 0, 0, 0), 0, 0, 1.05, 0.28, 0.665, 0.02, DT);
        assertEquals(60.0, c.cdg(), EPS);
    }

    @Test
    void bessWearCountsChargeAndDischarge() {
        // eq (17): γ·(P_ch + P_dis)·Δt = 0.08·200·0.25 = 4 CNY either way.
        var charge = ProsumerCosts.step(HUB, new ProsumerAction(0, 0, 0, 200, 0), 0, 0, 1.05, 0.28, 0.665, 0.02, DT);
        var discharge = ProsumerCosts.step(HUB, new ProsumerAction(0, 0, 0, -200, 0), 0, 0, 1.05, 0.28, 0.665, 0.02, DT);
        assertEquals(4.0, charge.bess(), EPS);
        assertEquals(4.0, discharge.bess(), EPS);
    }

    @Test
    void curtailmentPaysDiscomfort() {
        // eq (18): ρ·P_CL·Δt = 1.1·40·0.25 = 11 CNY.
        var c = ProsumerCosts.step(HUB, new ProsumerAction(0, 0, 0, 0, 40), 0, 0, 1.05, 0.28, 0.665, 0.02, DT);
        assertEquals(11.0, c.cl(), EPS);
    }

    @Test
    void p2pBuyerPaysPriceAndFeeSellerEarnsPriceMinusFee() {
        // eq (19): buyer 100 kW: (0.02·100 + 0.665·100)·0.25 = 17.125; seller: (2 − 66.5)·0.25 = −16.125.
        var buyer = ProsumerCosts.step(NO_CDG_NO_BESS, ProsumerAction.ZERO, 0, 100, 1.05, 0.28, 0.665, 0.02, DT);
        var seller = ProsumerCosts.step(NO_CDG_NO_BESS, ProsumerAction.ZERO, 0, -100, 1.05, 0.28, 0.665, 0.02, DT);
        assertEquals(17.125, buyer.p2p(), EPS);
        assertEquals(-16.125, seller.p2p(), EPS);
    }

    @Test
    void totalIsTheSumOfTheTermsAndDevicesNotOwnedCostNothing() {
        var a = new ProsumerAction(400, 500, 100, -200, 40);
        var c = ProsumerCosts.step(HUB, a, 50, -30, 1.05, 0.28, 0.665, 0.02, DT);
        assertEquals(c.grid() + c.cdg() + c.bess() + c.cl() + c.p2p(), c.total(), EPS);
        var sum = c.plus(c);
        assertEquals(2 * c.total(), sum.total(), EPS);
        var none = ProsumerCosts.step(NO_CDG_NO_BESS, ProsumerAction.ZERO, 0, 0, 1.05, 0.28, 0.665, 0.02, DT);
        assertEquals(CostBreakdown.ZERO, none);
    }
}
