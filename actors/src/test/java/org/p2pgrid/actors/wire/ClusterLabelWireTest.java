package org.p2pgrid.actors.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.pomdp.P2pTradingEnv;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.expert.label.ExpertLabeller;
import org.p2pgrid.protocol.InvalidMessageException;
import org.p2pgrid.protocol.MessageValidator;
import org.p2pgrid.protocol.v1.LabelReply;
import org.p2pgrid.protocol.v1.LabelRequest;

/**
 * The cluster form of a label request (learner's expert pool → expert node): episode, replay reference,
 * reply_to and observations survive a serialised round trip; malformed requests and replies are rejected
 * with a reason naming the field.
 */
class ClusterLabelWireTest {
    private static final Scenario SCENARIO = Scenarios.synthetic(33, 3, 7);
    private static final String REPLY_TO = "pekko://p2pgrid@127.0.0.1:2551/user/learner/coordinator/experts/label-replies#123";

    private static LabelRequest request() {
        P2pTradingEnv env = new P2pTradingEnv(SCENARIO);
        double[][] obs = env.reset(12);
        DeviceState[] states = new DeviceState[env.agentCount()];
        for (int i = 0; i < states.length; i++) {
            states[i] = env.deviceState(i);
        }
        return LabelWire.toRequest(42, 7, 1234, 12, 0, states, obs, SCENARIO.prosumers(), REPLY_TO);
    }

    @Test
    void clusterRequestRoundTripsThroughBytes() throws Exception {
        P2pTradingEnv env = new P2pTradingEnv(SCENARIO);
        double[][] obs = env.reset(12);
        LabelRequest req = request();
        LabelRequest back = LabelRequest.parseFrom(req.toByteArray());
        assertEquals(List.of(), new MessageValidator().check(back));
        assertEquals(42, back.getRequestId());
        assertEquals(7, back.getEpisodeId());
        assertEquals(1234, back.getTransitionRef());
        assertEquals(REPLY_TO, back.getReplyTo());
        assertEquals(obs[0].length, back.getObsDim());
        double[][] o = LabelWire.observations(back);
        for (int i = 0; i < obs.length; i++) {
            assertArrayEquals(obs[i], o[i], 0.0);
        }
        for (int i = 0; i < obs.length; i++) {
            assertEquals(env.deviceState(i), LabelWire.states(back)[i]);
        }
        // without observations (the expert teacher needs none): valid, and none come back
        LabelRequest bare = req.toBuilder().clearObservations().setObsDim(0).build();
        assertEquals(List.of(), new MessageValidator().check(bare));
        assertNull(LabelWire.observations(bare));

        // the reply echoes request id and replay reference
        ProsumerAction[] a = new ProsumerAction[obs.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = new ProsumerAction(1 + i, 2, 0, -1, 0.5);
        }
        LabelReply reply = LabelReply.parseFrom(LabelWire.toReply(back,
                new ExpertLabeller.Label(a, ExpertLabeller.Source.SOLVE, 0.25)).toByteArray());
        assertEquals(42, reply.getRequestId());
        assertEquals(1234, reply.getTransitionRef());
        assertArrayEquals(a, LabelWire.label(reply).actions());
    }

    @Test
    void malformedRequestsAreRejectedWithAReason() {
        LabelRequest req = request();
        int dim = req.getObsDim();
        // one value short
        LabelRequest shortObs = req.toBuilder().clearObservations()
                .addAllObservations(req.getObservationsList().subList(1, req.getObservationsCount())).build();
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> LabelWire.observations(shortObs));
        assertTrue(e.getMessage().contains("LabelRequest.observations: " + (3 * dim - 1)
                + " values, expected prosumers x obs_dim = 3 x " + dim), e.getMessage());
        // a NaN feature
        LabelRequest nan = req.toBuilder().setObservations(4, Double.NaN).build();
        assertTrue(new MessageValidator().check(nan).contains("LabelRequest.observations[4]: NaN, expected a finite number"),
                new MessageValidator().check(nan).toString());
        // obs_dim without values
        LabelRequest dimOnly = req.toBuilder().clearObservations().build();
        assertTrue(new MessageValidator().check(dimOnly).contains("LabelRequest.obs_dim: " + dim
                + " without observations, expected 0"), new MessageValidator().check(dimOnly).toString());
        // an absurd width
        LabelRequest wide = req.toBuilder().setObsDim(1_000_000).build();
        assertTrue(new MessageValidator().check(wide).stream().anyMatch(p -> p.startsWith("LabelRequest.obs_dim: 1000000 features")),
                new MessageValidator().check(wide).toString());
        // SOC outside [0, 1]
        LabelRequest soc = req.toBuilder().setProsumers(1, req.getProsumers(1).toBuilder().setSocFraction(1.5)).build();
        assertTrue(new MessageValidator().check(soc).contains("LabelRequest.prosumers[1].soc_fraction: 1.5, expected a fraction in [0, 1]"));
        // ragged observations never reach the wire
        DeviceState[] states = LabelWire.states(req);
        assertThrows(IllegalArgumentException.class, () -> LabelWire.toRequest(1, 0, 1, 12, 0, states,
                new double[][] {{1, 2}, {1}, {1, 2}}, SCENARIO.prosumers(), REPLY_TO));
    }

    @Test
    void malformedRepliesAreRejectedWithAReason() {
        LabelRequest req = request();
        ProsumerAction[] a = {new ProsumerAction(1, 2, 0, -1, 0.5), new ProsumerAction(1, 2, 0, -1, 0.5),
                new ProsumerAction(1, 2, 0, -1, 0.5)};
        LabelReply ok = LabelWire.toReply(req, new ExpertLabeller.Label(a, ExpertLabeller.Source.CACHE, 0));
        LabelReply noResult = ok.toBuilder().clearActions().build();
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> LabelWire.label(noResult));
        assertTrue(e.getMessage().contains("LabelReply.result: not set, expected actions or error"), e.getMessage());
        LabelReply negative = ok.toBuilder().setSolveSeconds(-1).build();
        assertTrue(assertThrows(InvalidMessageException.class, () -> LabelWire.label(negative)).getMessage()
                .contains("LabelReply.solve_seconds"));
        LabelReply failed = LabelWire.toError(req, "infeasible", 0.1);
        assertEquals("expert failed for day 12 step 0: infeasible",
                assertThrows(IllegalStateException.class, () -> LabelWire.label(failed)).getMessage());
    }
}
