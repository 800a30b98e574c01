package org.p2pgrid.env.pomdp;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.market.CostBreakdown;

class P2pTradingEnvTest {
    private static final Scenario SCENARIO = Scenarios.defaults(7);

    @Test
    void aDayHas96StepsAndObservationsFollowEq23() {
        P2pTradingEnv env = new P2pTradingEnv(SCENARIO);
        double[][] obs = env.reset(40);
        assertEquals(20, obs.length);
        assertEquals(ObservationLayout.SIZE, obs[0].length);
        assertEquals(0.0, obs[0][ObservationLayout.TIME]);
        assertEquals(1.0, obs[0][ObservationLayout.PREV_VOLTAGE]);
        JointPolicy rule = Scenarios.ruleBased(SCENARIO);
        int steps = 0;
        StepResult r;
        do {
            r = env.step(rule.act(obs));
            obs = r.observations();
            steps++;
            assertEquals(steps < 96, !r.done());
            for (int i = 0; i < 20; i++) {
                // The observation carries what happened at the step just simulated (eq 23: t−1 terms).
                assertEquals(r.info().applied()[i].pCdgKw(), obs[i][ObservationLayout.PREV_P_CDG], 1e-12);
                assertEquals(r.info().pP2pKw()[i], obs[i][ObservationLayout.PREV_P_P2P], 1e-12);
                int bus = SCENARIO.network().indexOf(SCENARIO.prosumers().get(i).bus());
                assertEquals(r.info().vmPu()[bus], obs[i][ObservationLayout.PREV_VOLTAGE], 1e-12);
            }
        } while (!r.done());
        assertEquals(96, steps);
        P2pTradingEnv finished = env;
        assertThrows(IllegalStateException.class, () -> finished.step(rule.act(new double[20][ObservationLayout.SIZE])));
    }

    @Test
    void rewardIsMinusWeightedCostMinusPenaltyAndP2pPaymentsSumToZero() {
        P2pTradingEnv env = new P2pTradingEnv(SCENARIO);
        double[][] obs = env.reset(180);
        JointPolicy rule = Scenarios.ruleBased(SCENARIO);
        RewardSettings rs = SCENARIO.reward();
        for (int t = 0; t < 96; t++) {
            StepResult r = env.step(rule.act(obs));
            obs = r.observations();
            StepInfo info = r.info();
            assertEquals(-rs.costWeight() * info.totalCost(), info.rewardCost(), 1e-9);                   // eq 25
            assertEquals(info.rewardCost() + info.rewardPenalty(), r.reward(), 1e-12);                    // eq 24
            assertEquals(info.violated() ? -(rs.violationOffset() + rs.violationCoefficient() * info.violationSumPu()) : 0,
                    info.rewardPenalty(), 1e-12);                                                         // eq 26
            double sumP2p = 0, scale = 1;
            for (double p : info.pP2pKw()) {
                sumP2p += p;
                scale += Math.abs(p);
            }
            assertEquals(0, sumP2p / scale, 1e-12, "eq 21 at step " + t);
            for (int i = 0; i < 20; i++) {
                CostBreakdown c = info.costs()[i];
                assertTrue(c.cl() >= 0 && c.bess() >= 0, "discomfort and wear are costs");
            }
            assertTrue(info.powerFlowConverged());
        }
    }

    @Test
    void sameDaySameActionsSameResults() {
        EpisodeMetrics a = Episodes.runDay(new P2pTradingEnv(Scenarios.defaults(3)), Scenarios.ruleBased(SCENARIO), 100);
        EpisodeMetrics b = Episodes.runDay(new P2pTradingEnv(Scenarios.defaults(3)), Scenarios.ruleBased(SCENARIO), 100);
        assertEquals(a.totalCost(), b.totalCost(), 0.0);
        assertEquals(a.violationRatePu(), b.violationRatePu(), 0.0);
        assertEquals(a.discountedReward(), b.discountedReward(), 0.0);
        EpisodeMetrics other = Episodes.runDay(new P2pTradingEnv(Scenarios.defaults(4)), Scenarios.ruleBased(SCENARIO), 100);
        assertNotEquals(a.totalCost(), other.totalCost(), "a different seed draws different weather and loads");
    }

    @Test
    void manyWorldsStepInParallelWithoutSharedState() throws Exception {
        int[] days = {5, 60, 150, 200, 250, 320};
        double[] sequential = new double[days.length];
        for (int k = 0; k < days.length; k++) {
            sequential[k] = Episodes.runDay(new P2pTradingEnv(SCENARIO), Scenarios.ruleBased(SCENARIO), days[k]).totalCost();
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Double>> futures = new ArrayList<>();
            for (int k = days.length - 1; k >= 0; k--) { // reverse order: results must not depend on order
                int day = days[k];
                futures.add(pool.submit(() ->
                        Episodes.runDay(new P2pTradingEnv(SCENARIO), Scenarios.ruleBased(SCENARIO), day).totalCost()));
            }
            for (int k = 0; k < days.length; k++) {
                assertEquals(sequential[days.length - 1 - k], futures.get(k).get(), 0.0);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void violationRateIsMeanOverStepsAndBusesOfExcessDeviation() {
        P2pTradingEnv env = new P2pTradingEnv(SCENARIO);
        double[][] obs = env.reset(20);
        JointPolicy idle = Scenarios.idle(SCENARIO);
        EpisodeMetrics m = new EpisodeMetrics(0.99, 0.25);
        double sum = 0;
        int violatedSteps = 0;
        for (int t = 0; t < 96; t++) {
            StepResult r = env.step(idle.act(obs));
            obs = r.observations();
            m.add(r);
            double perStep = 0;
            boolean any = false;
            for (double v : r.info().vmPu()) {
                perStep += Math.max(0, Math.abs(v - 1) - 0.05);
                any |= v < 0.95 || v > 1.05;
            }
            sum += perStep / r.info().vmPu().length;
            violatedSteps += any ? 1 : 0;
        }
        assertEquals(sum / 96, m.violationRatePu(), 1e-15);
        assertEquals(violatedSteps / 96.0, m.violatedStepFraction(), 1e-15);
    }

    @Test
    void requestedActionsOutsideLimitsAreProjectedAndTheMoveReported() {
        P2pTradingEnv env = new P2pTradingEnv(SCENARIO);
        double[][] obs = env.reset(150);
        ProsumerAction[] wild = new ProsumerAction[20];
        for (int i = 0; i < 20; i++) {
            wild[i] = new ProsumerAction(1e6, 1e6, -1e6, 1e6, -1e6);
        }
        StepResult r = env.step(wild);
        for (int i = 0; i < 20; i++) {
            assertTrue(r.info().projectionDistance()[i] > 1e5, "agent " + i + " was moved back into its limits");
            ProsumerAction a = r.info().applied()[i];
            var rdg = SCENARIO.prosumers().get(i).rdg();
            if (rdg != null) {
                assertTrue(a.pRdgKw() * a.pRdgKw() + a.qRdgKvar() * a.qRdgKvar() <= rdg.sMaxKva() * rdg.sMaxKva() * (1 + 1e-9)); // eq 4
            }
            assertTrue(a.pClKw() >= 0);
        }
        assertThrows(IllegalArgumentException.class, () -> env.step(new ProsumerAction[3]));
    }
}
