package org.p2pgrid.env.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ActionProjectionProperties {

    /** Random prosumer, reachable state, step data and a request that is often far outside the limits. */
    record Case(ProsumerSpec spec, DeviceState state, Exogenous exogenous, ProsumerAction requested, double dtHours) {}

    @Provide
    Arbitrary<Case> cases() {
        return Arbitraries.randomValue(ActionProjectionProperties::randomCase);
    }

    static Case randomCase(Random r) {
        double scale = Math.pow(10, 1 + 3 * r.nextDouble()); // 10 kW .. 10 MW
        CdgSpec cdg = null;
        if (r.nextBoolean()) {
            double pMax = scale * (0.1 + r.nextDouble());
            double pMin = r.nextInt(3) == 0 ? 0 : pMax * r.nextDouble() * 0.5;
            double ramp = pMax * (0.01 + r.nextDouble());
            cdg = new CdgSpec(pMin, pMax, ramp, r.nextDouble() * 0.01, r.nextDouble());
        }
        double pv = r.nextBoolean() ? scale * r.nextDouble() : 0;
        double wt = pv == 0 || r.nextBoolean() ? scale * (0.01 + r.nextDouble()) : 0;
        RdgSpec rdg = new RdgSpec((pv + wt) * (0.5 + r.nextDouble()), pv, wt);
        BessSpec bess = null;
        if (r.nextBoolean()) {
            double socMax = 0.5 + 0.5 * r.nextDouble();
            double socMin = r.nextDouble() * socMax;
            double socInit = socMin + r.nextDouble() * (socMax - socMin);
            double cap = scale * (0.05 + 4 * r.nextDouble());
            bess = new BessSpec(cap * r.nextDouble(), cap * r.nextDouble(), cap, socMin, socMax, socInit,
                    0.7 + 0.3 * r.nextDouble(), r.nextDouble() * 0.2);
        }
        ClSpec cl = new ClSpec(r.nextDouble() * 0.5, r.nextDouble() * 2);
        ProsumerType type = ProsumerType.values()[r.nextInt(ProsumerType.values().length)];
        LoadSpec load = new LoadSpec(scale * 5, 0.8 + 0.2 * r.nextDouble(), type.defaultLoadProfile());
        ProsumerSpec spec = new ProsumerSpec("P", type, 2 + r.nextInt(140), cdg, rdg, bess, cl, load);

        double prev = cdg == null ? 0 : cdg.pMinKw() + r.nextDouble() * (cdg.pMaxKw() - cdg.pMinKw());
        double soc = 0;
        if (bess != null) {
            // Sometimes exactly on a bound: the boundary cases are where rounding would show.
            int pick = r.nextInt(4);
            soc = pick == 0 ? bess.socMin() : pick == 1 ? bess.socMax()
                    : bess.socMin() + r.nextDouble() * (bess.socMax() - bess.socMin());
        }
        DeviceState state = new DeviceState(prev, soc);
        Exogenous exo = new Exogenous(r.nextInt(5) == 0 ? 0 : (pv + wt) * r.nextDouble() * 1.2,
                scale * 2 * r.nextDouble(), scale * (r.nextDouble() - 0.3));
        double[] request = new double[ProsumerAction.DIMS];
        for (int d = 0; d < request.length; d++) {
            request[d] = switch (r.nextInt(4)) {
                case 0 -> 0;
                case 1 -> scale * 10 * (r.nextDouble() - 0.5); // wildly out of range
                default -> scale * (r.nextDouble() - 0.3);
            };
        }
        double dt = r.nextInt(3) == 0 ? 1.0 / (1 + r.nextInt(12)) : 0.25;
        return new Case(spec, state, exo, ProsumerAction.of(request), dt);
    }

    private static double tolerance(Case c) {
        return 1e-9 * (1 + c.spec().rdg().sMaxKva() + c.exogenous().pLoadKw()
                + (c.spec().hasCdg() ? c.spec().cdg().pMaxKw() : 0)
                + (c.spec().hasBess() ? c.spec().bess().capacityKwh() / c.dtHours() : 0));
    }

    @Property(tries = 3000)
    void projectedActionIsAlwaysFeasible(@ForAll("cases") Case c) {
        ActionProjection projection = new ActionProjection(c.dtHours());
        ProsumerAction applied = projection.project(c.spec(), c.state(), c.exogenous(), c.requested()).action();

        var broken = projection.violations(c.spec(), c.state(), c.exogenous(), applied, tolerance(c));
        assertTrue(broken.isEmpty(), () -> c + " -> " + applied + ": " + broken);
        // Independent check of the SOC bounds through the state update itself (eqs 6-7).
        DeviceState next = projection.next(c.spec(), c.state(), applied);
        if (c.spec().hasBess()) {
            assertTrue(next.socFraction() >= c.spec().bess().socMin() && next.socFraction() <= c.spec().bess().socMax(),
                    () -> c + " -> SOC " + next.socFraction());
        }
        if (!c.spec().hasCdg()) {
            assertEquals(0.0, applied.pCdgKw());
        }
        if (!c.spec().hasBess()) {
            assertEquals(0.0, applied.pBessKw());
        }
    }

    @Property(tries = 3000)
    void projectingTwiceChangesNothing(@ForAll("cases") Case c) {
        ActionProjection projection = new ActionProjection(c.dtHours());
        ProjectedAction once = projection.project(c.spec(), c.state(), c.exogenous(), c.requested());
        ProjectedAction twice = projection.project(c.spec(), c.state(), c.exogenous(), once.action());

        assertEquals(once.action(), twice.action());
        assertEquals(0.0, twice.distance());
        assertArrayEquals(new double[ProsumerAction.DIMS], twice.perDimMove());
        assertTrue(twice.unchanged());
    }

    @Property(tries = 3000)
    void distanceIsTheNormOfTheMove(@ForAll("cases") Case c) {
        ProjectedAction p = new ActionProjection(c.dtHours()).project(c.spec(), c.state(), c.exogenous(), c.requested());
        double sumSq = 0;
        for (int d = 0; d < ProsumerAction.DIMS; d++) {
            double move = p.action().get(d) - c.requested().get(d);
            assertEquals(move, p.perDimMove()[d]);
            sumSq += move * move;
        }
        assertEquals(Math.sqrt(sumSq), p.distance());
    }

    @Property(tries = 2000)
    void anInteriorActionIsReturnedUnchanged(@ForAll("cases") Case c, @ForAll("fractions") double[] f) {
        // Build a feasible action directly (not via projection) at fractions of each dim's room.
        ProsumerSpec s = c.spec();
        double dt = c.dtHours();
        double pCdg = 0;
        if (s.hasCdg()) {
            double lo = Math.max(s.cdg().pMinKw(), c.state().prevPCdgKw() - s.cdg().rampKwPerStep());
            double hi = Math.min(s.cdg().pMaxKw(), c.state().prevPCdgKw() + s.cdg().rampKwPerStep());
            pCdg = Math.min(hi, lo + f[0] * (hi - lo)); // lo + 1·(hi − lo) can round past hi
        }
        double pRdg = f[1] * Math.min(c.exogenous().pRdgAvailableKw(), s.rdg().sMaxKva());
        double qRoom = Math.sqrt(Math.max(0, s.rdg().sMaxKva() * s.rdg().sMaxKva() - pRdg * pRdg));
        double qRdg = (2 * f[2] - 1) * qRoom * 0.999;
        double pBess = 0;
        if (s.hasBess()) {
            double lo = -s.bess().maxDischargeKw(c.state().socFraction(), dt);
            double hi = s.bess().maxChargeKw(c.state().socFraction(), dt);
            pBess = Math.min(hi, lo + f[3] * (hi - lo));
        }
        double pCl = f[4] * s.cl().maxCurtailKw(c.exogenous().pLoadKw());
        ProsumerAction feasible = new ProsumerAction(pCdg, pRdg, qRdg, pBess, pCl);

        ProjectedAction p = new ActionProjection(dt).project(s, c.state(), c.exogenous(), feasible);
        assertEquals(feasible, p.action());
        assertEquals(0.0, p.distance());
    }

    @Provide
    Arbitrary<double[]> fractions() {
        return Arbitraries.doubles().between(0, 1).array(double[].class).ofSize(ProsumerAction.DIMS);
    }
}
