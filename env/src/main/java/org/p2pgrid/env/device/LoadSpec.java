package org.p2pgrid.env.device;

/**
 * A prosumer's demand: a normalised profile shape scaled to an annual energy, with a fixed power
 * factor giving Q_Load from P_Load.
 *
 * @param annualEnergyMwh  energy the profile is scaled to over a year
 * @param powerFactor      cos φ of the load, (0, 1], lagging
 * @param profile          which load shape
 */
public record LoadSpec(double annualEnergyMwh, double powerFactor, LoadProfileKind profile) {

    private static final String OWNER = "LoadSpec";
    private static final double HOURS_PER_YEAR = 8760.0;

    public LoadSpec {
        Require.positive(OWNER, "annual-energy-mwh", annualEnergyMwh);
        Require.finite(OWNER, "power-factor", powerFactor);
        if (powerFactor <= 0 || powerFactor > 1) {
            throw new SpecViolation(OWNER, "power-factor", powerFactor, "must be in (0, 1]");
        }
        Require.present(OWNER, "profile", profile);
    }

    /** Mean active power over a year, kW. */
    public double averagePowerKw() {
        return annualEnergyMwh * 1000.0 / HOURS_PER_YEAR;
    }

    /** Q_Load / P_Load = tan(acos(pf)). */
    public double reactivePerActive() {
        return Math.sqrt(1 - powerFactor * powerFactor) / powerFactor;
    }

    public LoadSpec scaled(double factor) {
        Require.positive(OWNER, "scale", factor);
        return new LoadSpec(annualEnergyMwh * factor, powerFactor, profile);
    }
}
