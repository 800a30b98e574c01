package org.p2pgrid.actors.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p2pgrid.learner.replay.DualReplay;
import org.p2pgrid.learner.replay.ReplayConfig;
import org.p2pgrid.learner.replay.ReplayShape;

class ReplayActorTest {
    static ActorTestKit kit;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create("replay-test", Fixtures.config());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    static ActorRef<ReplayActor.Command> replay(long addedBefore) {
        return kit.spawn(ReplayActor.create(new DualReplay(ReplayShape.forEnv(3),
                ReplayConfig.defaults().withCapacities(100, 100)), addedBefore));
    }

    @Test
    void acknowledgesEveryAddWithADistinctReferenceRoutedByViolation() {
        ActorRef<ReplayActor.Command> r = replay(0);
        TestProbe<ReplayActor.Added> acks = kit.createTestProbe();
        Set<Long> refs = new HashSet<>();
        for (int t = 0; t < 20; t++) {
            r.tell(new ReplayActor.Add(Fixtures.transition(3, t, t % 4 == 0), t, acks.getRef()));
        }
        for (int t = 0; t < 20; t++) {
            ReplayActor.Added a = acks.receiveMessage();
            assertEquals(t, a.seq(), "acks in order");
            assertEquals(t % 4 == 0 ? DualReplay.VIOLATION : DualReplay.NORMAL, DualReplay.shardOf(a.ref()));
            refs.add(a.ref());
        }
        assertEquals(20, refs.size());
        TestProbe<ReplayActor.Stats> stats = kit.createTestProbe();
        r.tell(new ReplayActor.GetStats(stats.getRef()));
        ReplayActor.Stats s = stats.receiveMessage();
        assertEquals(20, s.size());
        assertEquals(5, s.violationSize());
        assertEquals(20, s.added());
    }

    @Test
    void aSampleWaitsUntilEnoughTransitionsHaveArrivedThenPrioritiesAndLabelsApply(@TempDir Path tmp) throws Exception {
        ActorRef<ReplayActor.Command> r = replay(0);
        TestProbe<ReplayActor.Added> acks = kit.createTestProbe();
        TestProbe<ReplayActor.Sampled> batches = kit.createTestProbe();
        r.tell(new ReplayActor.Sample(8, 1, 10, batches.getRef()));
        for (int t = 0; t < 9; t++) {
            r.tell(new ReplayActor.Add(Fixtures.transition(3, t, false), t, acks.getRef()));
        }
        acks.receiveSeveralMessages(9);
        TestProbe<ReplayActor.Stats> stats = kit.createTestProbe();
        r.tell(new ReplayActor.GetStats(stats.getRef()));
        assertEquals(0, stats.receiveMessage().samples(), "parked: only 9 of 10 transitions so far");
        batches.expectNoMessage(Duration.ofMillis(50));
        r.tell(new ReplayActor.Add(Fixtures.transition(3, 9, false), 9, acks.getRef()));
        long lastRef = acks.receiveMessage().ref();
        ReplayActor.Sampled s = batches.receiveMessage();
        assertEquals(8, s.batch().size());
        assertEquals(10, s.stats().added());

        r.tell(new ReplayActor.UpdatePriorities(s.batch().refs(), new double[8]));
        float[][] label = new float[3][5];
        label[1][2] = 1.5f;
        r.tell(new ReplayActor.AttachLabel(lastRef, label));
        r.tell(new ReplayActor.GetStats(stats.getRef()));
        ReplayActor.Stats after = stats.receiveMessage();
        assertEquals(1, after.labelledSize());
        assertEquals(1, after.labelsAttached());

        TestProbe<ReplayActor.SnapshotWritten> written = kit.createTestProbe();
        r.tell(new ReplayActor.WriteSnapshot(tmp.resolve("replay.bin"), written.getRef()));
        assertEquals(null, written.receiveMessage().error());
        DualReplay back = DualReplay.readFrom(tmp.resolve("replay.bin"));
        assertEquals(10, back.size());
        assertEquals(1.5f, back.get(lastRef).expertLabel()[1][2]);
        assertTrue(Files.size(tmp.resolve("replay.bin")) > 0);
    }

    @Test
    void aResumedReplayCountsTheTransitionsAddedBefore() {
        ActorRef<ReplayActor.Command> r = replay(500);
        TestProbe<ReplayActor.Added> acks = kit.createTestProbe();
        TestProbe<ReplayActor.Sampled> batches = kit.createTestProbe();
        r.tell(new ReplayActor.Add(Fixtures.transition(3, 0, false), 0, acks.getRef()));
        r.tell(new ReplayActor.Sample(4, 2, 501, batches.getRef()));
        assertEquals(501, batches.receiveMessage().stats().added());
    }
}
