package org.p2pgrid.env.pomdp;

import java.util.List;
import org.p2pgrid.env.data.LoadKind;
import org.p2pgrid.env.data.SeriesSource;
import org.p2pgrid.env.device.LoadSpec;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.device.RdgSpec;

/**
 * Turns per-unit series (generated or real, see {@link SeriesSource}) into one day's physical
 * inputs: available RDG power = PV capacity × PV per-unit + WT capacity × wind per-unit (eq 3's
 * P^RDG_max), loads from annual energy (kW = W/MWh value × E_annual / 1000) and power factor, and the
 * background feeder factor. Stateless apart from immutable inputs, so thread-safe.
 */
public final class GeneratedExogenous implements ExogenousModel {
    private final SeriesSource source;
    private final List<ProsumerSpec> prosumers;
    private final double backgroundPeakScale;

    public GeneratedExogenous(SeriesSource source, List<ProsumerSpec> prosumers, double backgroundPeakScale) {
        this.source = source;
        this.prosumers = List.copyOf(prosumers);
        this.backgroundPeakScale = backgroundPeakScale;
    }

    /** Multiplier on the background shape (annual peak 1.0) applied to every bus's base load. */
    public double backgroundPeakScale() {
        return backgroundPeakScale;
    }

    private static double kilowatts(double perUnit, LoadSpec load) {
        return perUnit * load.annualEnergyMwh() / 1000.0;
    }

    /** Loads only (no PV, wind or background), a year per prosumer at once: the same values as {@link #day}. */
    @Override
    public double[] maxLoadKw() {
        double[] max = new double[prosumers.size()];
        java.util.stream.IntStream.range(0, max.length).parallel().forEach(i -> {
            LoadSpec load = prosumers.get(i).load();
            double m = 0;
            for (double[] day : source.loadYear(LoadKind.valueOf(load.profile().name()), i)) {
                for (double v : day) {
                    m = Math.max(m, kilowatts(v, load));
                }
            }
            max[i] = m;
        });
        return max;
    }

    @Override
    public DayExogenous day(int dayOfYear) {
        int n = prosumers.size();
        int steps = SeriesSource.STEPS_PER_DAY;
        double[][] pRdg = new double[n][steps];
        double[][] pLoad = new double[n][steps];
        double[][] qLoad = new double[n][steps];
        for (int i = 0; i < n; i++) {
            ProsumerSpec p = prosumers.get(i);
            RdgSpec rdg = p.rdg();
            double[] pv = rdg.pvCapacityKw() > 0 ? source.pv(dayOfYear, i) : null;
            double[] wind = rdg.wtCapacityKw() > 0 ? source.wind(dayOfYear, i) : null;
            LoadSpec load = p.load();
            double[] perUnitLoad = source.load(LoadKind.valueOf(load.profile().name()), dayOfYear, i);
            double qPerP = load.reactivePerActive();
            for (int t = 0; t < steps; t++) {
                double avail = (pv == null ? 0 : rdg.pvCapacityKw() * pv[t]) + (wind == null ? 0 : rdg.wtCapacityKw() * wind[t]);
                pRdg[i][t] = avail;
                pLoad[i][t] = kilowatts(perUnitLoad[t], load); // W/MWh × MWh / 1000 = kW
                qLoad[i][t] = pLoad[i][t] * qPerP;
            }
        }
        double[] factor = source.feederLoadFactor(dayOfYear).clone();
        for (int t = 0; t < steps; t++) {
            factor[t] *= backgroundPeakScale;
        }
        return new DayExogenous(dayOfYear, pRdg, pLoad, qLoad, factor);
    }
}
