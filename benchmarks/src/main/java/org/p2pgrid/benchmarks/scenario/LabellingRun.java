package org.p2pgrid.benchmarks.scenario;

import java.util.Locale;
import java.util.SplittableRandom;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.pomdp.P2pTradingEnv;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.env.pomdp.StepResult;
import org.p2pgrid.expert.dso.DsoExpert;
import org.p2pgrid.expert.label.ExpertLabeller;
import org.p2pgrid.expert.label.LabelCache;
import org.p2pgrid.expert.lang.ReferenceModelFactory;
import org.p2pgrid.expert.solver.OrToolsLpBackend;

/**
 * Labelling throughput with plan re-use (issue 3 target): a policy that follows the expert's label
 * with Gaussian noise (σ = noise × each device's rating) walks whole training days; every visited
 * state is labelled. Reports labels/s and the fraction of steps that needed a re-solve.
 *
 * <pre>benchmarks/scenario.sh LabellingRun [days=3] [noise=0.02] [socTolKwh=1.0] [cdgTolKw=1.0]</pre>
 */
public final class LabellingRun {
    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        int days = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        double noise = args.length > 1 ? Double.parseDouble(args[1]) : 0.02;
        double socTol = args.length > 2 ? Double.parseDouble(args[2]) : 1.0;
        double cdgTol = args.length > 3 ? Double.parseDouble(args[3]) : 1.0;

        Scenario scenario = Scenarios.defaults(1);
        DsoExpert dso = new DsoExpert(scenario, new ReferenceModelFactory(), new OrToolsLpBackend(), DsoExpert.Options.defaults());
        ExpertLabeller.Options d = ExpertLabeller.Options.defaults();
        ExpertLabeller labeller = new ExpertLabeller(scenario, dso, LabelCache.inMemory(),
                new ExpertLabeller.Options(socTol, cdgTol, d.plansPerDay(), d.daysKept(), d.socQuantum(), d.cdgQuantumKw()));
        P2pTradingEnv env = new P2pTradingEnv(scenario);
        SplittableRandom rng = new SplittableRandom(7);
        int n = scenario.prosumers().size();
        long labels = 0;
        long t0 = System.nanoTime();
        for (int k = 0; k < days; k++) {
            int day = 10 + 30 * k; // training days (not the 1st of a month, not the last week)
            env.reset(day);
            boolean done = false;
            while (!done) {
                DeviceState[] states = new DeviceState[n];
                for (int i = 0; i < n; i++) {
                    states[i] = env.deviceState(i);
                }
                ProsumerAction[] label = labeller.label(day, env.currentStep(), states).actions();
                labels++;
                ProsumerAction[] noisy = new ProsumerAction[n];
                for (int i = 0; i < n; i++) {
                    noisy[i] = perturb(scenario.prosumers().get(i), label[i], noise, rng);
                }
                StepResult r = env.step(noisy);
                done = r.done();
            }
            System.out.printf(Locale.ROOT, "day %d done: %d labels, %d solves, %.1f s so far%n", day, labels,
                    labeller.solves(), (System.nanoTime() - t0) * 1e-9);
        }
        double seconds = (System.nanoTime() - t0) * 1e-9;
        System.out.printf(Locale.ROOT,
                "days %d, noise %.3f x rating, tolerances %.2f kWh / %.2f kW: %d labels in %.1f s = %.2f labels/s; "
                        + "solves %d (re-solve fraction %.3f), plan re-uses %d, cache hits %d, solver+build time %.1f s%n",
                days, noise, socTol, cdgTol, labels, seconds, labels / seconds, labeller.solves(),
                (double) labeller.solves() / labels, labeller.planReuses(), labeller.cacheHits(),
                labeller.totalSolveSeconds());
    }

    private static ProsumerAction perturb(ProsumerSpec spec, ProsumerAction a, double noise, SplittableRandom rng) {
        double cdg = spec.cdg() == null ? 0 : spec.cdg().pMaxKw();
        double rdg = spec.rdg().sMaxKva();
        double bess = spec.bess() == null ? 0 : spec.bess().pMaxChargeKw();
        double cl = spec.load().averagePowerKw() * spec.cl().alpha();
        return new ProsumerAction(a.pCdgKw() + gauss(rng) * noise * cdg, a.pRdgKw() + gauss(rng) * noise * rdg,
                a.qRdgKvar() + gauss(rng) * noise * rdg, a.pBessKw() + gauss(rng) * noise * bess,
                a.pClKw() + gauss(rng) * noise * cl);
    }

    private static double gauss(SplittableRandom rng) {
        double u = rng.nextDouble(), v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
}
