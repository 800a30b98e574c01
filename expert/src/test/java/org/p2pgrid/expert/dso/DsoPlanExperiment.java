package org.p2pgrid.expert.dso;

import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.pomdp.DayExogenous;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.expert.solver.OrToolsLpBackend;

/** Scratch harness: args N, reps. */
public final class DsoPlanExperiment {
    public static void main(String[] args) {
        int prosumers = Integer.parseInt(args[0]);
        int reps = Integer.parseInt(args[1]);
        Scenario s = prosumers == 20 ? Scenarios.defaults(1) : Scenarios.synthetic(141, prosumers, 1);
        if (prosumers > 140) {
            s = Scenarios.synthetic(prosumers + 41, prosumers, 1);
        }
        DayExogenous day = s.exogenous().day(172);
        DeviceState[] states = new DeviceState[prosumers];
        for (int i = 0; i < prosumers; i++) {
            states[i] = DeviceState.initial(s.prosumers().get(i));
        }
        DsoExpert e = new DsoExpert(s, new HandWrittenProsumerModels(), new OrToolsLpBackend(), DsoExpert.Options.defaults());
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            DsoPlan p = e.plan(day, 0, states);
            System.out.printf("rep %d: wall %.3f s, LP %.3f s, build %.3f, it %d, obj %.6f, feasible %s%n", r,
                    (System.nanoTime() - t0) * 1e-9, p.solveSeconds(), p.buildSeconds(), p.iterations(), p.objectiveCny(),
                    p.acCheck().feasible());
        }
    }
}
