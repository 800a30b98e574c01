package org.p2pgrid.env.device;

/**
 * One prosumer's action at a step, eq (22): [P_CDG, P_RDG, Q_RDG, P_BESS, P_CL] in kW / kvar.
 * P_BESS &gt; 0 charges (it is subtracted in the balance eq 9); P_CL is load curtailed (added in
 * eq 9). Dims of devices the prosumer does not own are 0 after projection.
 */
public record ProsumerAction(double pCdgKw, double pRdgKw, double qRdgKvar, double pBessKw, double pClKw) {

    public static final int P_CDG = 0;
    public static final int P_RDG = 1;
    public static final int Q_RDG = 2;
    public static final int P_BESS = 3;
    public static final int P_CL = 4;
    /** Length of the eq (22) action vector. */
    public static final int DIMS = 5;

    private static final String OWNER = "ProsumerAction";
    private static final String[] FIELD_NAMES = {"p-cdg-kw", "p-rdg-kw", "q-rdg-kvar", "p-bess-kw", "p-cl-kw"};

    // Declared after FIELD_NAMES: the constructor reads them during static initialisation.
    public static final ProsumerAction ZERO = new ProsumerAction(0, 0, 0, 0, 0);

    public ProsumerAction {
        // A NaN from a policy network must stop here rather than flow silently into the power flow.
        Require.finite(OWNER, FIELD_NAMES[P_CDG], pCdgKw);
        Require.finite(OWNER, FIELD_NAMES[P_RDG], pRdgKw);
        Require.finite(OWNER, FIELD_NAMES[Q_RDG], qRdgKvar);
        Require.finite(OWNER, FIELD_NAMES[P_BESS], pBessKw);
        Require.finite(OWNER, FIELD_NAMES[P_CL], pClKw);
    }

    /** From an eq (22)-ordered array of length {@link #DIMS}. */
    public static ProsumerAction of(double[] values) {
        if (values == null || values.length != DIMS) {
            throw new IllegalArgumentException("an action vector needs exactly " + DIMS
                    + " values [P_CDG, P_RDG, Q_RDG, P_BESS, P_CL], got "
                    + (values == null ? "null" : values.length));
        }
        return new ProsumerAction(values[P_CDG], values[P_RDG], values[Q_RDG], values[P_BESS], values[P_CL]);
    }

    /** Name of a dim, e.g. {@code p-bess-kw}. */
    public static String dimName(int dim) {
        return FIELD_NAMES[dim];
    }

    public double get(int dim) {
        return switch (dim) {
            case P_CDG -> pCdgKw;
            case P_RDG -> pRdgKw;
            case Q_RDG -> qRdgKvar;
            case P_BESS -> pBessKw;
            case P_CL -> pClKw;
            default -> throw new IndexOutOfBoundsException("action dim " + dim + " not in [0, " + DIMS + ")");
        };
    }

    public double[] toArray() {
        return new double[] {pCdgKw, pRdgKw, qRdgKvar, pBessKw, pClKw};
    }

    /** The charging part of P_BESS (≥ 0), eq (7). */
    public double pBessChargeKw() {
        return Math.max(pBessKw, 0);
    }

    /** The discharging part of P_BESS (≥ 0), eq (7). */
    public double pBessDischargeKw() {
        return Math.max(-pBessKw, 0);
    }

    /** Eq (9): P_EX = P_CDG + P_RDG + P_CL − P_Load − P_BESS; positive is a surplus. */
    public double netActiveExportKw(Exogenous exogenous) {
        return pCdgKw + pRdgKw + pClKw - exogenous.pLoadKw() - pBessKw;
    }

    /** Eq (10): Q_EX = Q_RDG − Q_Load. */
    public double netReactiveExportKvar(Exogenous exogenous) {
        return qRdgKvar - exogenous.qLoadKvar();
    }
}
