package org.p2pgrid.env.device;

import java.util.ArrayList;
import java.util.List;

/**
 * One prosumer: where it sits on the feeder and which devices it owns.
 *
 * @param id    unique name, e.g. {@code COM1}
 * @param type  Table I scenario
 * @param bus   1-based bus number of the feeder case (e.g. case141)
 * @param cdg   conventional generator, or {@code null} if the prosumer has none
 * @param rdg   renewable generation behind one inverter (every Table I prosumer has PV or WT)
 * @param bess  battery, or {@code null} if the prosumer has none (Table I: industrial)
 * @param cl    controllable load (every Table I prosumer has one)
 * @param load  demand
 */
public record ProsumerSpec(
        String id, ProsumerType type, int bus, CdgSpec cdg, RdgSpec rdg, BessSpec bess, ClSpec cl, LoadSpec load) {

    private static final String OWNER = "ProsumerSpec";

    public ProsumerSpec {
        if (id == null || id.isBlank()) {
            throw new SpecViolation(OWNER, "id", id, "must be a non-blank name");
        }
        Require.present(OWNER, "type", type);
        if (bus < 1) {
            throw new SpecViolation(OWNER, "bus", bus, "must be a 1-based bus number (>= 1)");
        }
        Require.present(OWNER, "rdg", rdg);
        Require.present(OWNER, "cl", cl);
        Require.present(OWNER, "load", load);
    }

    public boolean hasCdg() {
        return cdg != null;
    }

    public boolean hasBess() {
        return bess != null;
    }

    /**
     * Indices into the eq (22) action vector ({@link ProsumerAction#P_CDG} ...) of the devices this
     * prosumer owns, ascending. The other dims are always 0 after projection, so a learner only
     * needs to output these.
     */
    public int[] activeActionDims() {
        List<Integer> dims = new ArrayList<>(ProsumerAction.DIMS);
        if (hasCdg()) {
            dims.add(ProsumerAction.P_CDG);
        }
        dims.add(ProsumerAction.P_RDG);
        dims.add(ProsumerAction.Q_RDG);
        if (hasBess()) {
            dims.add(ProsumerAction.P_BESS);
        }
        dims.add(ProsumerAction.P_CL);
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The same prosumer with every power and energy rating (and the annual load) multiplied by
     * {@code factor}; prices, fractions and efficiencies unchanged. Used to calibrate sizes.
     */
    public ProsumerSpec scaled(double factor) {
        Require.positive(OWNER, "scale", factor);
        return new ProsumerSpec(id, type, bus,
                cdg == null ? null : cdg.scaled(factor),
                rdg.scaled(factor),
                bess == null ? null : bess.scaled(factor),
                cl,
                load.scaled(factor));
    }
}
