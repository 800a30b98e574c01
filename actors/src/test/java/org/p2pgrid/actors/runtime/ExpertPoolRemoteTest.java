package org.p2pgrid.actors.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.p2pgrid.actors.wire.LabelWire;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.pomdp.P2pTradingEnv;
import org.p2pgrid.expert.label.ExpertLabeller;
import org.p2pgrid.learner.replay.DualReplay;
import org.p2pgrid.learner.replay.ReplayConfig;
import org.p2pgrid.learner.replay.ReplayShape;
import org.p2pgrid.learner.train.LabelRequest;
import org.p2pgrid.learner.train.RuleBasedTeacher;
import org.p2pgrid.protocol.v1.LabelReply;

/**
 * The expert pool with expert "nodes" (actors registered under a receptionist key, in one JVM; the
 * multi-JVM version is ClusterExpertNodeTest): the per-node window, de-duplication of replies, re-sends
 * after resend-after, and fail-over of a vanished node's requests to the local workers — every request
 * attached exactly once. Counts only; the waits are upper bounds for a broken build.
 */
class ExpertPoolRemoteTest {
    static ActorTestKit kit;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create("experts-remote-test", Fixtures.config());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    private record Setup(ActorRef<ReplayActor.Command> replay, List<LabelRequest> requests) {}

    /** One episode of {@code n} stored transitions (day 20) and their label requests. */
    private static Setup episode(int n) {
        ActorRef<ReplayActor.Command> replay = kit.spawn(ReplayActor.create(new DualReplay(ReplayShape.forEnv(3),
                ReplayConfig.defaults().withCapacities(500, 500)), 0));
        P2pTradingEnv env = new P2pTradingEnv(Fixtures.SCENARIO);
        double[][] obs = env.reset(20);
        TestProbe<ReplayActor.Added> acks = kit.createTestProbe();
        List<LabelRequest> out = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            DeviceState[] states = new DeviceState[3];
            for (int i = 0; i < 3; i++) {
                states[i] = env.deviceState(i);
            }
            replay.tell(new ReplayActor.Add(Fixtures.transition(3, t, false), t, acks.getRef()));
            out.add(new LabelRequest(acks.receiveMessage().ref(), 20, t, states, obs));
        }
        return new Setup(replay, out);
    }

    /** A fake expert node: forwards what it receives to {@code probe}, registered under {@code key}. */
    private static ActorRef<org.p2pgrid.protocol.v1.LabelRequest> node(ServiceKey<org.p2pgrid.protocol.v1.LabelRequest> key,
                                                                      TestProbe<org.p2pgrid.protocol.v1.LabelRequest> probe) {
        ActorRef<org.p2pgrid.protocol.v1.LabelRequest> n = kit.spawn(Behaviors.receive(org.p2pgrid.protocol.v1.LabelRequest.class)
                .onMessage(org.p2pgrid.protocol.v1.LabelRequest.class, r -> {
                    probe.getRef().tell(r);
                    return Behaviors.same();
                }).build());
        kit.system().receptionist().tell(Receptionist.register(key, n));
        return n;
    }

    /** What an expert node answers: the rule-based teacher's label, through the wire form. */
    private static void answer(org.p2pgrid.protocol.v1.LabelRequest r) {
        ProsumerAction[] a = new RuleBasedTeacher(Fixtures.SCENARIO).label(r.getDay(), r.getStep(), LabelWire.states(r),
                LabelWire.observations(r));
        LabelReply reply = LabelWire.toReply(r, new ExpertLabeller.Label(a, ExpertLabeller.Source.SOLVE, 0.01));
        ActorRefResolver.get(kit.system()).<LabelReply>resolveActorRef(r.getReplyTo()).tell(reply);
    }

    private static void awaitEvent(List<String> events, String fragment) {
        kit.createTestProbe().awaitAssert(WAIT, () -> {
            assertTrue(events.stream().anyMatch(e -> e.contains(fragment)), fragment + " not in " + events);
            return null;
        });
    }

    @Test
    void windowPerNodeDuplicateRepliesDroppedAndAVanishedNodesRequestsGoToTheLocalWorkers() {
        ServiceKey<org.p2pgrid.protocol.v1.LabelRequest> key = ServiceKey.create(org.p2pgrid.protocol.v1.LabelRequest.class, "k1");
        Setup s = episode(5);
        List<String> events = new CopyOnWriteArrayList<>();
        TestProbe<ExpertPoolActor.EpisodeLabelled> coordinator = kit.createTestProbe();
        TestProbe<org.p2pgrid.protocol.v1.LabelRequest> atNode = kit.createTestProbe();
        ActorRef<org.p2pgrid.protocol.v1.LabelRequest> fake = node(key, atNode);
        ActorRef<ExpertPoolActor.Command> pool = kit.spawn(ExpertPoolActor.create(1, () -> new RuleBasedTeacher(Fixtures.SCENARIO),
                s.replay(), coordinator.getRef(), new ExpertPoolActor.Remote(key, 2, Duration.ofHours(1), Duration.ZERO, events::add),
                Fixtures.SCENARIO.prosumers()));
        awaitEvent(events, "EXPERT-NODES n=1");

        for (LabelRequest r : s.requests()) {
            pool.tell(new ExpertPoolActor.Label(0, r));
        }
        pool.tell(new ExpertPoolActor.EpisodeEnd(0, 5));
        // window 2: the node has requests 1 and 2 (steps 0, 1), the rest wait at the pool
        org.p2pgrid.protocol.v1.LabelRequest r1 = atNode.receiveMessage(WAIT);
        org.p2pgrid.protocol.v1.LabelRequest r2 = atNode.receiveMessage(WAIT);
        assertEquals(List.of(0, 1), List.of(r1.getStep(), r2.getStep()));
        assertEquals(s.requests().get(0).ref(), r1.getTransitionRef());
        assertEquals(0, r1.getEpisodeId());
        atNode.expectNoMessage(Duration.ofMillis(200));
        // request 1 answered twice (a re-sent copy answered too): attached once; the window lets request 3 go
        answer(r1);
        answer(r1);
        org.p2pgrid.protocol.v1.LabelRequest r3 = atNode.receiveMessage(WAIT);
        assertEquals(2, r3.getStep());
        awaitEvent(events, "duplicate-replies=1");

        // the node vanishes with requests 2 and 3 outstanding (4 and 5 queued): all go to the local worker
        kit.stop(fake);
        awaitEvent(events, "LABELS-REROUTED");
        ExpertPoolActor.EpisodeLabelled done = coordinator.receiveMessage(WAIT);
        assertEquals(new ExpertPoolActor.EpisodeLabelled(0, 5), done);
        TestProbe<ExpertPoolActor.Idle> idle = kit.createTestProbe();
        pool.tell(new ExpertPoolActor.AwaitIdle(idle.getRef()));
        assertEquals(5, idle.receiveMessage(WAIT).labelled());
        assertTrue(events.stream().anyMatch(e -> e.startsWith("LABELS-REROUTED") && e.contains("requests=2 to=local")),
                events.toString());
        // a late reply of the vanished node is a duplicate, not a second label
        answer(r2);
        TestProbe<ReplayActor.Stats> stats = kit.createTestProbe();
        s.replay().tell(new ReplayActor.GetStats(stats.getRef()));
        ReplayActor.Stats st = stats.receiveMessage(WAIT);
        assertEquals(5, st.labelsAttached(), "each request attached exactly once");
        assertEquals(5, st.labelledSize());
        awaitEvent(events, "LABELS-IDLE requests=5 attached=5 attached-remote=1 attached-local=4");
        awaitEvent(events, "duplicate-replies=2");
    }

    @Test
    void anUnansweredRequestIsSentAgainAndAttachedOnce() {
        ServiceKey<org.p2pgrid.protocol.v1.LabelRequest> key = ServiceKey.create(org.p2pgrid.protocol.v1.LabelRequest.class, "k2");
        Setup s = episode(1);
        List<String> events = new CopyOnWriteArrayList<>();
        TestProbe<ExpertPoolActor.EpisodeLabelled> coordinator = kit.createTestProbe();
        TestProbe<org.p2pgrid.protocol.v1.LabelRequest> atNode = kit.createTestProbe();
        node(key, atNode);
        ActorRef<ExpertPoolActor.Command> pool = kit.spawn(ExpertPoolActor.create(1, () -> new RuleBasedTeacher(Fixtures.SCENARIO),
                s.replay(), coordinator.getRef(), new ExpertPoolActor.Remote(key, 4, Duration.ofMillis(200), Duration.ZERO, events::add),
                Fixtures.SCENARIO.prosumers()));
        awaitEvent(events, "EXPERT-NODES n=1");
        pool.tell(new ExpertPoolActor.Label(3, s.requests().get(0)));
        pool.tell(new ExpertPoolActor.EpisodeEnd(3, 1));
        org.p2pgrid.protocol.v1.LabelRequest first = atNode.receiveMessage(WAIT);
        org.p2pgrid.protocol.v1.LabelRequest copy = atNode.receiveMessage(WAIT); // no answer: sent again
        assertEquals(first, copy, "a re-send is the same request (same id, same reply_to)");
        answer(first);
        answer(copy);
        assertEquals(new ExpertPoolActor.EpisodeLabelled(3, 1), coordinator.receiveMessage(WAIT));
        awaitEvent(events, "duplicate-replies=1");
        TestProbe<ReplayActor.Stats> stats = kit.createTestProbe();
        s.replay().tell(new ReplayActor.GetStats(stats.getRef()));
        assertEquals(1, stats.receiveMessage(WAIT).labelsAttached());
        assertTrue(events.stream().anyMatch(e -> e.contains("attached-remote=1") && !e.contains("resent=0")), events.toString());
    }

    @Test
    void aReachableNodeThatNeverAnswersIsGivenUpOnAndRoutedToAgainOnceItAnswers() {
        ServiceKey<org.p2pgrid.protocol.v1.LabelRequest> key = ServiceKey.create(org.p2pgrid.protocol.v1.LabelRequest.class, "k3");
        Setup s = episode(4);
        List<String> events = new CopyOnWriteArrayList<>();
        TestProbe<ExpertPoolActor.EpisodeLabelled> coordinator = kit.createTestProbe();
        TestProbe<org.p2pgrid.protocol.v1.LabelRequest> atNode = kit.createTestProbe();
        node(key, atNode); // stays registered (reachable) and says nothing
        ActorRef<ExpertPoolActor.Command> pool = kit.spawn(ExpertPoolActor.create(1, () -> new RuleBasedTeacher(Fixtures.SCENARIO),
                s.replay(), coordinator.getRef(), new ExpertPoolActor.Remote(key, 4, Duration.ofMillis(100),
                        Duration.ofMillis(600), events::add), Fixtures.SCENARIO.prosumers()));
        awaitEvent(events, "EXPERT-NODES n=1");
        for (int t = 0; t < 3; t++) {
            pool.tell(new ExpertPoolActor.Label(0, s.requests().get(t)));
        }
        pool.tell(new ExpertPoolActor.EpisodeEnd(0, 3));
        org.p2pgrid.protocol.v1.LabelRequest first = atNode.receiveMessage(WAIT);
        assertEquals(0, first.getStep());
        // no label from the node within stall-after: its three requests go to the local worker, once each
        assertEquals(new ExpertPoolActor.EpisodeLabelled(0, 3), coordinator.receiveMessage(WAIT));
        awaitEvent(events, "EXPERT-NODE-STALLED");
        assertTrue(events.stream().anyMatch(e -> e.startsWith("EXPERT-NODE-STALLED") && e.contains("requests=3 re-routed to=local")),
                events.toString());
        // the node answers late: a duplicate (never a second label), and the node is routed to again
        answer(first);
        awaitEvent(events, "EXPERT-NODE-BACK");
        pool.tell(new ExpertPoolActor.Label(1, s.requests().get(3)));
        pool.tell(new ExpertPoolActor.EpisodeEnd(1, 1));
        org.p2pgrid.protocol.v1.LabelRequest next = atNode.fishForMessage(WAIT, r -> r.getEpisodeId() == 1
                ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
                : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore()).get(0);
        assertEquals(3, next.getStep());
        answer(next);
        assertEquals(new ExpertPoolActor.EpisodeLabelled(1, 1), coordinator.receiveMessage(WAIT));
        TestProbe<ReplayActor.Stats> stats = kit.createTestProbe();
        s.replay().tell(new ReplayActor.GetStats(stats.getRef()));
        assertEquals(4, stats.receiveMessage(WAIT).labelsAttached(), "each request attached exactly once");
        awaitEvent(events, "attached=4 attached-remote=1 attached-local=3");
    }
}
