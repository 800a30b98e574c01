package org.p2pgrid.learner.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.p2pgrid.env.data.DataSplit;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.learner.nn.ActionBounds;
import org.p2pgrid.learner.nn.ObservationScale;

/** Start-up bounds from the loads alone must be exactly those of generating every day of the year (the old way). */
class TrainerBoundsTest {

    @Test
    void defaultScenarioBoundsEqualTheYearOfDays() {
        check(Scenarios.defaults(1));
    }

    @Test
    void syntheticScenarioBoundsEqualTheYearOfDays() {
        check(Scenarios.synthetic(60, 30, 7));
    }

    private static void check(Scenario scenario) {
        double[] old = yearOfDaysMaxLoad(scenario);
        List<ActionBounds> bounds = Trainer.actionBounds(scenario);
        List<ObservationScale> scales = Trainer.observationScales(scenario);
        assertEquals(old.length, bounds.size());
        for (int i = 0; i < old.length; i++) {
            ActionBounds expected = ActionBounds.of(scenario.prosumers().get(i), old[i]);
            assertArrayEquals(expected.lo(), bounds.get(i).lo(), "lo of prosumer " + i);
            assertArrayEquals(expected.hi(), bounds.get(i).hi(), "hi of prosumer " + i);
            ObservationScale s = ObservationScale.of(scenario.prosumers().get(i), old[i], scenario.tariff());
            assertArrayEquals(s.offset(), scales.get(i).offset(), "observation offset of prosumer " + i);
            assertArrayEquals(s.scale(), scales.get(i).scale(), "observation scale of prosumer " + i);
        }
    }

    /** The computation Trainer did before: every day's full exogenous data, max of the loads, floored at 1e-3 kW. */
    private static double[] yearOfDaysMaxLoad(Scenario scenario) {
        int n = scenario.prosumers().size();
        double[][] perDay = IntStream.range(0, DataSplit.DAYS).parallel()
                .mapToObj(d -> scenario.exogenous().day(d).pLoadKw())
                .map(load -> {
                    double[] m = new double[n];
                    for (int i = 0; i < n; i++) {
                        for (double p : load[i]) {
                            m[i] = Math.max(m[i], p);
                        }
                    }
                    return m;
                })
                .toArray(double[][]::new);
        double[] max = new double[n];
        for (double[] m : perDay) {
            for (int i = 0; i < n; i++) {
                max[i] = Math.max(max[i], m[i]);
            }
        }
        for (int i = 0; i < n; i++) {
            max[i] = Math.max(max[i], 1e-3);
        }
        return max;
    }
}
