package org.p2pgrid.actors.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.pomdp.EpisodeMetrics;
import org.p2pgrid.env.pomdp.Episodes;
import org.p2pgrid.env.pomdp.JointPolicy;
import org.p2pgrid.env.pomdp.P2pTradingEnv;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.env.pomdp.StepResult;
import org.p2pgrid.expert.label.ExpertLabeller;
import org.p2pgrid.learner.replay.Transition;
import org.p2pgrid.protocol.InvalidMessageException;
import org.p2pgrid.protocol.MessageValidator;
import org.p2pgrid.protocol.WireParser;
import org.p2pgrid.protocol.v1.EpisodeStats;
import org.p2pgrid.protocol.v1.LabelReply;
import org.p2pgrid.protocol.v1.LabelRequest;
import org.p2pgrid.protocol.v1.LabelSource;

/** Transitions, labels and episode statistics from the real default scenario through the wire and back. */
class EnvWireTest {
    private static Scenario scenario;

    @BeforeAll
    static void scenario() {
        scenario = Scenarios.defaults(7);
    }

    @Test
    void stepTransitionsRoundTripThroughBytes() {
        P2pTradingEnv env = new P2pTradingEnv(scenario);
        JointPolicy policy = Scenarios.ruleBased(scenario);
        double[][] obs = env.reset(120);
        WireParser parser = new WireParser();
        for (int k = 0; k < 4; k++) {
            StepResult r = env.step(policy.act(obs));
            Transition t = Transition.fromStep(99, 120, obs, r);
            org.p2pgrid.protocol.v1.Transition p = TransitionWire.toProto(t, 2, k + 1);
            assertEquals(List.of(), new MessageValidator().check(p));
            assertEquals(20, p.getAgents());
            assertEquals(k + 1, p.getSequence());
            Transition back = TransitionWire.fromProto(parser.parse(org.p2pgrid.protocol.v1.Transition.parser(), p.toByteArray()));
            assertEquals(t, back);
            assertTrue(!back.hasExpertLabel());
            obs = r.observations();
        }
    }

    @Test
    void labelledTransitionAndRejection() {
        SplittableRandom rng = new SplittableRandom(3);
        float[][] o = rand(rng, 4, 10);
        float[][] a = rand(rng, 4, 5);
        Transition t = Transition.of(5, 31, 95, o, a, -17.25, rand(rng, 4, 10), true, false, rand(rng, 4, 5));
        assertEquals(t, TransitionWire.fromProto(TransitionWire.toProto(t, 0, 1)));

        org.p2pgrid.protocol.v1.Transition broken = TransitionWire.toProto(t, 0, 1).toBuilder().setObsDim(9).build();
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> TransitionWire.fromProto(broken));
        assertEquals("Transition.observation: 40 floats, expected agents×obsDim = 4×9 = 36; "
                + "Transition.next_observation: 40 floats, expected agents×obsDim = 4×9 = 36", e.getMessage());
    }

    @Test
    void labelRequestAndReplyRoundTrip() {
        P2pTradingEnv env = new P2pTradingEnv(scenario);
        env.reset(40);
        DeviceState[] states = new DeviceState[env.agentCount()];
        for (int i = 0; i < states.length; i++) {
            states[i] = env.deviceState(i);
        }
        LabelRequest req = LabelWire.toRequest(11, 40, 0, states, scenario.prosumers());
        assertEquals(List.of(), new MessageValidator().check(req));
        assertArrayEquals(states, LabelWire.states(req));
        for (int i = 0; i < states.length; i++) {
            var spec = scenario.prosumers().get(i);
            double kwh = spec.hasBess() ? states[i].socFraction() * spec.bess().capacityKwh() : 0;
            assertEquals(kwh, req.getProsumers(i).getSocKwh());
        }

        ProsumerAction[] actions = new ProsumerAction[states.length];
        for (int i = 0; i < actions.length; i++) {
            actions[i] = new ProsumerAction(10 + i, 2.5, -1.25, i % 2 == 0 ? -3 : 4, 0.5);
        }
        ExpertLabeller.Label label = new ExpertLabeller.Label(actions, ExpertLabeller.Source.PLAN_REUSE, 0.0);
        LabelReply reply = LabelWire.toReply(req, label);
        assertEquals(11, reply.getRequestId());
        assertEquals(LabelSource.LABEL_SOURCE_PLAN_REUSE, reply.getSource());
        ExpertLabeller.Label back = LabelWire.label(reply);
        assertArrayEquals(actions, back.actions());
        assertEquals(ExpertLabeller.Source.PLAN_REUSE, back.source());
        assertEquals(20, LabelWire.joint(back).length);

        LabelReply err = LabelWire.toError(req, "infeasible at step 3", 0.7);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LabelWire.label(err));
        assertEquals("expert failed for day 40 step 0: infeasible at step 3", e.getMessage());
    }

    @Test
    void episodeStatsFromARealDay() {
        P2pTradingEnv env = new P2pTradingEnv(scenario);
        EpisodeMetrics m = Episodes.runDay(env, Scenarios.ruleBased(scenario), 1);
        EpisodeStats s = StatsWire.toProto(m, 1, 2, 1, 0);
        assertEquals(List.of(), new MessageValidator().check(s));
        assertEquals(m.totalCost(), s.getCost());
        assertEquals(m.discountedReward(), s.getDiscountedReward());
        assertEquals(96, s.getSteps());
        assertEquals(m.violatedSteps(), s.getViolatedSteps());
        assertEquals(m.minVoltage(), s.getMinVoltage());

        EpisodeMetrics m2 = Episodes.runDay(env, Scenarios.ruleBased(scenario), 32);
        org.p2pgrid.protocol.v1.ValidationStats v = StatsWire.validation(
                List.of(s, StatsWire.toProto(m2, 1, 3, 32, 0)), 0, 0, 0);
        assertEquals(List.of(), new MessageValidator().check(v));
        assertEquals((m.totalCost() + m2.totalCost()) / 2, v.getCost(), 1e-9);
        assertEquals(192, v.getSteps());
        assertEquals(m.violatedSteps() + m2.violatedSteps(), v.getViolatedSteps());

        EpisodeStats empty = StatsWire.toProto(new EpisodeMetrics(0.99, 0.25), 1, 2, 1, 0);
        assertEquals(List.of(), new MessageValidator().check(empty));
        assertEquals(0, empty.getSteps());
    }

    @Test
    void unlabelledStaysUnlabelled() {
        SplittableRandom rng = new SplittableRandom(4);
        Transition t = Transition.of(1, 2, 3, rand(rng, 2, 3), rand(rng, 2, 5), 1, rand(rng, 2, 3), false, true, null);
        org.p2pgrid.protocol.v1.Transition p = TransitionWire.toProto(t, 1, 1);
        assertEquals(0, p.getExpertLabelCount());
        assertNull(TransitionWire.fromProto(p).expertLabel());
    }

    private static float[][] rand(SplittableRandom rng, int rows, int cols) {
        float[][] a = new float[rows][cols];
        for (float[] r : a) {
            for (int d = 0; d < cols; d++) {
                r[d] = (float) (rng.nextDouble() * 200 - 100);
            }
        }
        return a;
    }
}
