package org.p2pgrid.env.device;

import java.util.ArrayList;
import java.util.List;

/**
 * Projects requested actions onto each prosumer's device limits, eqs (1)–(8), and advances the
 * device state. The projection is part of the environment (DESIGN §1): whatever a policy asks for,
 * the applied action is feasible, and the size of the correction is reported.
 *
 * <p>Per dim, in this order:
 * <ul>
 *   <li>P_CDG: clamp to [P_min, P_max] ∩ [P_prev − R, P_prev + R] (eqs 1–2). If the two intervals
 *       do not intersect (only possible from a state outside the bounds, e.g. a hand-made one),
 *       the result is the bound nearest to the ramp window: eq (1) is a hard physical limit and
 *       wins; the ramp is the one relaxed, by the least amount, and {@link #violations} reports it.
 *   <li>P_RDG: clamp to [0, min(P_avail, S_max)] (eq 3, and eq 4 with Q = 0).
 *   <li>Q_RDG: clamp to ±√(S_max² − P_RDG²) at the P_RDG just chosen (eq 4). This is
 *       <em>active-power priority</em> (the "watt priority" mode inverters offer), not the exact
 *       Euclidean projection onto the box ∩ disc. Chosen because (a) the requested P is kept
 *       whenever it is physically possible, so renewable energy — which has a price in eq 15 while
 *       Q has none — is never curtailed just because Q was over-asked; a policy that wants more Q
 *       gets it by asking for less P; (b) the map is still idempotent, feasible, and exactly the
 *       nearest point along Q. The two differ only for requests outside the disc.
 *   <li>P_BESS: clamp to [−P_dis,max(SOC), P_ch,max(SOC)], each the smaller of the rating (eq 5)
 *       and the power that keeps SOC_t in [SOC_min, SOC_max] after Δt under eq (7) with charge and
 *       discharge as two non-negative parts (see {@link BessSpec#maxChargeKw}).
 *   <li>P_CL: clamp to [0, α·P_Load] (eq 8).
 *   <li>Dims of devices the prosumer does not own: 0.
 * </ul>
 * Clamping leaves a value inside its interval bit-for-bit unchanged, so projecting a projected
 * action returns it with distance 0.
 */
public final class ActionProjection {

    /** Δt of the paper's real-time market, 15 minutes. */
    public static final double QUARTER_HOUR = 0.25;

    private final double dtHours;

    public ActionProjection(double dtHours) {
        Require.positive("ActionProjection", "dt-hours", dtHours);
        this.dtHours = dtHours;
    }

    public static ActionProjection quarterHourly() {
        return new ActionProjection(QUARTER_HOUR);
    }

    public double dtHours() {
        return dtHours;
    }

    /** The feasible action nearest the request in the sense described on the class. */
    public ProjectedAction project(ProsumerSpec spec, DeviceState state, Exogenous exogenous, ProsumerAction requested) {
        double pCdg = spec.hasCdg() ? projectCdg(spec.cdg(), state.prevPCdgKw(), requested.pCdgKw()) : 0;

        RdgSpec rdg = spec.rdg();
        double pRdgMax = Math.min(exogenous.pRdgAvailableKw(), rdg.sMaxKva()); // eq (3), eq (4) at Q = 0
        double pRdg = clamp(requested.pRdgKw(), 0, pRdgMax);
        double qRdgMax = reactiveHeadroomKvar(rdg.sMaxKva(), pRdg); // eq (4), active-power priority
        double qRdg = clamp(requested.qRdgKvar(), -qRdgMax, qRdgMax);

        double pBess = 0;
        if (spec.hasBess()) {
            BessSpec bess = spec.bess();
            pBess = clamp(requested.pBessKw(),
                    -bess.maxDischargeKw(state.socFraction(), dtHours), // eqs (5)-(7)
                    bess.maxChargeKw(state.socFraction(), dtHours));
        }

        double pCl = clamp(requested.pClKw(), 0, spec.cl().maxCurtailKw(exogenous.pLoadKw())); // eq (8)

        ProsumerAction applied = new ProsumerAction(pCdg, pRdg, qRdg, pBess, pCl);
        double[] move = new double[ProsumerAction.DIMS];
        double sumSq = 0;
        for (int d = 0; d < ProsumerAction.DIMS; d++) {
            move[d] = applied.get(d) - requested.get(d);
            sumSq += move[d] * move[d];
        }
        return new ProjectedAction(applied, Math.sqrt(sumSq), move);
    }

    /** Device state after applying a (feasible) action for Δt: eq (7) SOC, and the CDG output for eq (2). */
    public DeviceState next(ProsumerSpec spec, DeviceState state, ProsumerAction action) {
        double soc = state.socFraction();
        if (spec.hasBess()) {
            soc = spec.bess().nextSoc(soc, action.pBessKw(), dtHours);
            if (soc < 0 || soc > 1) {
                throw new IllegalArgumentException("prosumer " + spec.id() + ": P_BESS = " + action.pBessKw()
                        + " kW from SOC " + state.socFraction() + " would give SOC " + soc
                        + " outside [0, 1]; project the action first");
            }
        }
        return new DeviceState(spec.hasCdg() ? action.pCdgKw() : 0, soc);
    }

    /**
     * Which device limits {@code action} breaks by more than {@code toleranceKw} (kW or kvar; for
     * eq 4 the tolerance is on √(P²+Q²) − S). Empty means feasible. Messages cite the equation.
     */
    public List<String> violations(
            ProsumerSpec spec, DeviceState state, Exogenous exogenous, ProsumerAction action, double toleranceKw) {
        List<String> broken = new ArrayList<>();
        if (spec.hasCdg()) {
            CdgSpec cdg = spec.cdg();
            double p = action.pCdgKw();
            if (p < cdg.pMinKw() - toleranceKw || p > cdg.pMaxKw() + toleranceKw) {
                broken.add("eq (1): P_CDG = " + p + " outside [" + cdg.pMinKw() + ", " + cdg.pMaxKw() + "]");
            }
            if (Math.abs(p - state.prevPCdgKw()) > cdg.rampKwPerStep() + toleranceKw) {
                broken.add("eq (2): |P_CDG - P_prev| = " + Math.abs(p - state.prevPCdgKw()) + " > ramp "
                        + cdg.rampKwPerStep());
            }
        } else if (action.pCdgKw() != 0) {
            broken.add("no CDG but P_CDG = " + action.pCdgKw());
        }
        RdgSpec rdg = spec.rdg();
        if (action.pRdgKw() < -toleranceKw || action.pRdgKw() > exogenous.pRdgAvailableKw() + toleranceKw) {
            broken.add("eq (3): P_RDG = " + action.pRdgKw() + " outside [0, " + exogenous.pRdgAvailableKw() + "]");
        }
        double apparent = Math.hypot(action.pRdgKw(), action.qRdgKvar());
        if (apparent > rdg.sMaxKva() + toleranceKw) {
            broken.add("eq (4): sqrt(P^2+Q^2) = " + apparent + " > S_max " + rdg.sMaxKva());
        }
        if (spec.hasBess()) {
            BessSpec bess = spec.bess();
            double p = action.pBessKw();
            if (p > bess.pMaxChargeKw() + toleranceKw || p < -bess.pMaxDischargeKw() - toleranceKw) {
                broken.add("eq (5): P_BESS = " + p + " outside [" + -bess.pMaxDischargeKw() + ", "
                        + bess.pMaxChargeKw() + "]");
            }
            // eqs (6)-(7) as power: SOC bounds after Δt, with the tolerance converted from kW to SOC.
            double socAfter = state.socFraction()
                    + (bess.efficiency() * action.pBessChargeKw() - action.pBessDischargeKw() / bess.efficiency())
                            * dtHours / bess.capacityKwh();
            double socTolerance = toleranceKw * dtHours / bess.capacityKwh() + BessSpec.SOC_ROUNDING;
            boolean startedInside = state.socFraction() >= bess.socMin() && state.socFraction() <= bess.socMax();
            boolean endsInside = socAfter >= bess.socMin() - socTolerance && socAfter <= bess.socMax() + socTolerance;
            // From a state already outside the SOC bounds, only moves that make it worse count.
            boolean worse = socAfter > Math.max(state.socFraction(), bess.socMax()) + socTolerance
                    || socAfter < Math.min(state.socFraction(), bess.socMin()) - socTolerance;
            if (startedInside ? !endsInside : worse) {
                broken.add("eqs (6)-(7): SOC after step = " + socAfter + " outside [" + bess.socMin() + ", "
                        + bess.socMax() + "]");
            }
        } else if (action.pBessKw() != 0) {
            broken.add("no BESS but P_BESS = " + action.pBessKw());
        }
        double clMax = spec.cl().maxCurtailKw(exogenous.pLoadKw());
        if (action.pClKw() < -toleranceKw || action.pClKw() > clMax + toleranceKw) {
            broken.add("eq (8): P_CL = " + action.pClKw() + " outside [0, " + clMax + "]");
        }
        return broken;
    }

    public boolean isFeasible(
            ProsumerSpec spec, DeviceState state, Exogenous exogenous, ProsumerAction action, double toleranceKw) {
        return violations(spec, state, exogenous, action, toleranceKw).isEmpty();
    }

    /** Eqs (1)-(2): bounds ∩ ramp window; if empty, the bound nearest the window (see class doc). */
    static double projectCdg(CdgSpec cdg, double prevKw, double requestedKw) {
        double lo = Math.max(cdg.pMinKw(), prevKw - cdg.rampKwPerStep());
        double hi = Math.min(cdg.pMaxKw(), prevKw + cdg.rampKwPerStep());
        if (lo <= hi) {
            return clamp(requestedKw, lo, hi);
        }
        return prevKw + cdg.rampKwPerStep() < cdg.pMinKw() ? cdg.pMinKw() : cdg.pMaxKw();
    }

    /** √(S² − P²), or 0 if P already uses the whole rating. */
    static double reactiveHeadroomKvar(double sMaxKva, double pKw) {
        return Math.sqrt(Math.max(0, sMaxKva * sMaxKva - pKw * pKw));
    }

    /** Returns {@code x} itself (bit-for-bit) when inside [lo, hi]; that is what makes projection idempotent. */
    static double clamp(double x, double lo, double hi) {
        if (x < lo) {
            return lo;
        }
        if (x > hi) {
            return hi;
        }
        return x;
    }
}
