package org.p2pgrid.actors.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.p2pgrid.env.pomdp.P2pTradingEnv;
import org.p2pgrid.learner.nn.ActorSnapshot;

/** The world's protocol with probes standing in for the replay, the expert pool and the coordinator. */
class WorldActorTest {
    static ActorTestKit kit;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create("world-test", Fixtures.config());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    record Rig(ActorRef<WorldActor.Command> world, TestProbe<ReplayActor.Command> replay,
               TestProbe<ExpertPoolActor.Command> experts, TestProbe<WorldActor.Event> parent) {}

    static Rig rig(int labelEvery, int maxUnacked, List<ActorRef<ProsumerActor.Command>> prosumers, Duration timeout) {
        TestProbe<ReplayActor.Command> replay = kit.createTestProbe();
        TestProbe<ExpertPoolActor.Command> experts = kit.createTestProbe();
        TestProbe<WorldActor.Event> parent = kit.createTestProbe();
        ActorRef<WorldActor.Command> world = kit.spawn(WorldActor.create(new WorldActor.Setup(0, Fixtures.SCENARIO,
                prosumers, replay.getRef(), experts.getRef(), parent.getRef(), 11, labelEvery, maxUnacked, timeout)));
        return new Rig(world, replay, experts, parent);
    }

    static List<ActorRef<ProsumerActor.Command>> prosumers() {
        List<ActorRef<ProsumerActor.Command>> out = new ArrayList<>();
        List<ActorSnapshot.Weights> w = Fixtures.randomWeights(4);
        for (int i = 0; i < w.size(); i++) {
            out.add(kit.spawn(ProsumerActor.create(i, 0, w.get(i))));
        }
        return out;
    }

    static WorldActor.Status status(Rig r) {
        TestProbe<WorldActor.Status> probe = kit.createTestProbe();
        r.world().tell(new WorldActor.GetStatus(probe.getRef()));
        return probe.receiveMessage();
    }

    @Test
    void emits96AcknowledgedTransitionsPerDayAndLabelRequestsWithTheirReplayReferences() {
        Rig r = rig(3, 8, prosumers(), Duration.ofSeconds(30));
        r.world().tell(new WorldActor.RunEpisode(5, 42));
        for (int t = 0; t < P2pTradingEnv.STEPS_PER_DAY; t++) {
            ReplayActor.Add add = r.replay().expectMessageClass(ReplayActor.Add.class);
            assertEquals(t, add.transition().step());
            assertEquals(42, add.transition().day());
            assertEquals(5, add.transition().episodeId());
            assertEquals(t == P2pTradingEnv.STEPS_PER_DAY - 1, add.transition().done());
            assertEquals(Fixtures.agents(), add.transition().agents());
            add.replyTo().tell(new ReplayActor.Added(add.seq(), 1000 + add.seq()));
        }
        WorldActor.EpisodeDone done = r.parent().expectMessageClass(WorldActor.EpisodeDone.class);
        assertEquals(5, done.episode());
        assertEquals(96, done.steps());
        assertEquals(32, done.labelRequests());
        assertTrue(Double.isFinite(done.cost()));
        for (int k = 0; k < 32; k++) {
            ExpertPoolActor.Label l = r.experts().expectMessageClass(ExpertPoolActor.Label.class);
            assertEquals(5, l.episode());
            assertEquals(3 * k, l.request().step());
            assertEquals(1000 + 3 * k, l.request().ref(), "the reference the replay acknowledged");
            assertEquals(Fixtures.agents(), l.request().states().length);
        }
        assertEquals(new ExpertPoolActor.EpisodeEnd(5, 32), r.experts().expectMessageClass(ExpertPoolActor.EpisodeEnd.class));
        assertFalse(status(r).busy());
    }

    @Test
    void stopsSteppingAtTheCreditLimitAndResumesWhenAcksReturn() {
        int credit = 4;
        Rig r = rig(0, credit, prosumers(), Duration.ofSeconds(30));
        r.world().tell(new WorldActor.RunEpisode(0, 10));
        List<ReplayActor.Add> unacked = new ArrayList<>();
        for (int k = 0; k < credit; k++) {
            unacked.add(r.replay().expectMessageClass(ReplayActor.Add.class));
        }
        WorldActor.Status s = status(r);
        assertTrue(s.blockedOnCredit(), "blocked at the limit: " + s);
        assertEquals(credit, s.unacked());
        assertEquals(credit, s.transitionsSent(), "nothing beyond the credit was sent");
        assertEquals(credit, s.step(), "the env stands before step " + credit);

        // one ack: exactly one more transition, then blocked again
        ReplayActor.Add first = unacked.remove(0);
        first.replyTo().tell(new ReplayActor.Added(first.seq(), first.seq()));
        unacked.add(r.replay().expectMessageClass(ReplayActor.Add.class));
        s = status(r);
        assertTrue(s.blockedOnCredit());
        assertEquals(credit + 1, s.transitionsSent());
        assertEquals(1, s.acksReceived());

        // ack everything as it comes: the day completes, no transition lost or duplicated
        int received = credit + 1;
        while (!unacked.isEmpty()) {
            ReplayActor.Add a = unacked.remove(0);
            a.replyTo().tell(new ReplayActor.Added(a.seq(), a.seq()));
            if (received < P2pTradingEnv.STEPS_PER_DAY) {
                ReplayActor.Add next = r.replay().expectMessageClass(ReplayActor.Add.class);
                assertEquals(received, next.seq());
                unacked.add(next);
                received++;
            }
        }
        WorldActor.EpisodeDone done = r.parent().expectMessageClass(WorldActor.EpisodeDone.class);
        assertEquals(96, done.steps());
        assertEquals(0, done.labelRequests());
        s = status(r);
        assertEquals(96, s.transitionsSent());
        assertEquals(96, s.acksReceived());
        r.experts().expectNoMessage(Duration.ofMillis(50)); // no labelling configured: the pool hears nothing
    }

    @Test
    void aMissingProsumerReplyIsReportedAsAFailureNotAHang() {
        List<ActorRef<ProsumerActor.Command>> silent = new ArrayList<>();
        List<ActorRef<ProsumerActor.Command>> real = prosumers();
        TestProbe<ProsumerActor.Command> mute = kit.createTestProbe();
        silent.add(real.get(0));
        silent.add(mute.getRef()); // agent 1 never answers
        silent.add(real.get(2));
        Rig r = rig(0, 8, silent, Duration.ofMillis(300));
        r.world().tell(new WorldActor.RunEpisode(3, 10));
        mute.expectMessageClass(ProsumerActor.Act.class);
        WorldActor.Failed f = r.parent().expectMessageClass(WorldActor.Failed.class, Duration.ofSeconds(20));
        assertEquals(3, f.episode());
        assertTrue(f.reason().contains("1 of 3 prosumer actions"), f.reason());
        TestProbe<Object> watcher = kit.createTestProbe();
        watcher.expectTerminated(r.world(), Duration.ofSeconds(10));
    }

    /** A replay stand-in that acknowledges every transition at once. */
    static ActorRef<ReplayActor.Command> ackingReplay() {
        return kit.spawn(org.apache.pekko.actor.typed.javadsl.Behaviors.receiveMessage(m -> {
            if (m instanceof ReplayActor.Add a) {
                a.replyTo().tell(new ReplayActor.Added(a.seq(), a.seq()));
            }
            return org.apache.pekko.actor.typed.javadsl.Behaviors.same();
        }));
    }

    /**
     * Worlds sharing batching prosumer actors (policy-actors = per-node) run the same days as worlds with
     * their own per-world actors: same costs and rewards to the last bit (the batched forward gives the
     * same floats, noise comes from each Act's seed), and nothing hangs — two days at once, with a small
     * credit so that the worlds pause for acks as well as at their episode ends.
     */
    @Test
    void worldsSharingBatchingProsumersRunTheSameDaysAsWorldsWithTheirOwn() {
        List<ActorSnapshot.Weights> w = Fixtures.randomWeights(4);
        List<ActorRef<ProsumerActor.Command>> shared = new ArrayList<>();
        for (int i = 0; i < w.size(); i++) {
            shared.add(kit.spawn(ProsumerActor.createBatching(i, 0, w.get(i))));
        }
        ActorRef<ReplayActor.Command> replay = ackingReplay();
        java.util.Map<Long, WorldActor.EpisodeDone> batched = new java.util.HashMap<>();
        java.util.Map<Long, WorldActor.EpisodeDone> single = new java.util.HashMap<>();
        int[][] runs = {{1, 10}, {2, 40}, {3, 200}, {4, 41}};
        for (boolean perNode : new boolean[] {true, false}) {
            TestProbe<WorldActor.Event> parent = kit.createTestProbe();
            List<ActorRef<WorldActor.Command>> worlds = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                List<ActorRef<ProsumerActor.Command>> ps = shared;
                if (!perNode) {
                    ps = new ArrayList<>();
                    for (int i = 0; i < w.size(); i++) {
                        ps.add(kit.spawn(ProsumerActor.create(i, 0, w.get(i))));
                    }
                }
                worlds.add(kit.spawn(WorldActor.create(new WorldActor.Setup(k, Fixtures.SCENARIO, ps, replay, null,
                        parent.getRef(), 11, 0, 3, Duration.ofSeconds(60)))));
            }
            // two episodes at once, then the next two as the worlds become free
            worlds.get(0).tell(new WorldActor.RunEpisode(runs[0][0], runs[0][1]));
            worlds.get(1).tell(new WorldActor.RunEpisode(runs[1][0], runs[1][1]));
            for (int next = 2; next < runs.length + 2; next++) {
                WorldActor.EpisodeDone d = parent.expectMessageClass(WorldActor.EpisodeDone.class, Duration.ofSeconds(120));
                (perNode ? batched : single).put(d.episode(), d);
                if (next < runs.length) {
                    worlds.get(d.world()).tell(new WorldActor.RunEpisode(runs[next][0], runs[next][1]));
                }
            }
        }
        assertEquals(runs.length, batched.size());
        for (int[] run : runs) {
            WorldActor.EpisodeDone a = batched.get((long) run[0]);
            WorldActor.EpisodeDone b = single.get((long) run[0]);
            assertEquals(b.day(), a.day());
            assertEquals(b.cost(), a.cost(), 0.0, "episode " + run[0]);
            assertEquals(b.reward(), a.reward(), 0.0, "episode " + run[0]);
            assertEquals(b.violatedSteps(), a.violatedSteps());
        }
    }
}
