package org.p2pgrid.expert.label;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p2pgrid.env.device.ActionProjection;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.expert.dso.DsoExpert;
import org.p2pgrid.expert.dso.HandWrittenProsumerModels;
import org.p2pgrid.expert.solver.OrToolsLpBackend;

/** Late-day horizons (a few steps) keep each solve short; the logic is the same as for a whole day. */
class ExpertLabellerTest {
    private static final int DAY = 200;
    private static final int FIRST = 88;
    private static Scenario scenario;
    private static DsoExpert expert;

    @BeforeAll
    static void setUp() {
        scenario = Scenarios.defaults(1);
        expert = new DsoExpert(scenario, new HandWrittenProsumerModels(), new OrToolsLpBackend(), DsoExpert.Options.defaults());
    }

    private static DeviceState[] initial() {
        List<ProsumerSpec> specs = scenario.prosumers();
        DeviceState[] s = new DeviceState[specs.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = DeviceState.initial(specs.get(i));
        }
        return s;
    }

    private static DeviceState[] advance(DeviceState[] s, ProsumerAction[] a) {
        ActionProjection projection = scenario.projection();
        DeviceState[] next = new DeviceState[s.length];
        for (int i = 0; i < s.length; i++) {
            next[i] = projection.next(scenario.prosumers().get(i), s[i], a[i]);
        }
        return next;
    }

    @Test
    void followingThePlanReusesItDriftingResolvesAndTheDiskCacheAnswersARestart(@TempDir Path dir) {
        DeviceState[] states = initial();
        int steps = 96 - FIRST;
        try (LabelCache cache = LabelCache.open(dir, 7)) {
            ExpertLabeller labeller = new ExpertLabeller(scenario, expert, cache, ExpertLabeller.Options.defaults());
            for (int t = FIRST; t < 96; t++) {
                ExpertLabeller.Label label = labeller.label(DAY, t, states);
                assertEquals(t == FIRST ? ExpertLabeller.Source.SOLVE : ExpertLabeller.Source.PLAN_REUSE, label.source(),
                        "step " + t);
                states = advance(states, label.actions());
            }
            assertEquals(1, labeller.solves());
            assertEquals(steps - 1, labeller.planReuses());

            // A world that drifted: battery energy far from the plan → a fresh solve from its own state.
            DeviceState[] drifted = initial();
            for (int i = 0; i < drifted.length; i++) {
                if (scenario.prosumers().get(i).bess() != null) {
                    drifted[i] = new DeviceState(drifted[i].prevPCdgKw(), drifted[i].socFraction() + 0.2);
                }
            }
            ExpertLabeller.Label fresh = labeller.label(DAY, FIRST + 2, drifted);
            assertEquals(ExpertLabeller.Source.SOLVE, fresh.source());
            assertEquals(2, labeller.solves());
            assertEquals(steps + 1, cache.size());
        }
        try (LabelCache reopened = LabelCache.open(dir, 7)) {
            ExpertLabeller restarted = new ExpertLabeller(scenario, expert, reopened, ExpertLabeller.Options.defaults());
            ExpertLabeller.Label again = restarted.label(DAY, FIRST, initial());
            assertEquals(ExpertLabeller.Source.CACHE, again.source());
            assertEquals(0, restarted.solves(), "a resumed run never solves the same problem twice");
        }
    }

    @Test
    void concurrentRequestsForTheSameStateShareOneSolve() throws Exception {
        ExpertLabeller labeller = new ExpertLabeller(scenario, expert, LabelCache.inMemory(), ExpertLabeller.Options.defaults());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<ExpertLabeller.Label>> futures = new java.util.ArrayList<>();
            for (int k = 0; k < 4; k++) {
                futures.add(pool.submit(() -> labeller.label(DAY, 93, initial())));
            }
            ProsumerAction[] first = futures.get(0).get().actions();
            for (Future<ExpertLabeller.Label> f : futures) {
                ProsumerAction[] a = f.get().actions();
                for (int i = 0; i < a.length; i++) {
                    assertEquals(first[i], a[i]);
                }
            }
            assertEquals(1, labeller.solves());
        } finally {
            pool.shutdownNow();
        }
    }
}
