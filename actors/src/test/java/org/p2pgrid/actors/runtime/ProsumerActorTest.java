package org.p2pgrid.actors.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.p2pgrid.learner.nn.ActionBounds;
import org.p2pgrid.learner.nn.ActorSnapshot;
import org.p2pgrid.learner.train.Trainer;

class ProsumerActorTest {
    static ActorTestKit kit;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create("prosumer-test", Fixtures.config());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    static float[] obs(SplittableRandom r) {
        float[] o = new float[10];
        for (int i = 0; i < o.length; i++) {
            o[i] = (float) (r.nextDouble() * 4 - 2);
        }
        return o;
    }

    @Test
    void answersWithTheActorSnapshotsGreedyAndExploringActions() {
        ActionBounds b = Trainer.actionBounds(Fixtures.SCENARIO).get(1);
        ActorSnapshot.Weights w = Fixtures.randomWeights(1, 24, b, 3);
        ActorSnapshot reference = new ActorSnapshot(w);
        ActorRef<ProsumerActor.Command> p = kit.spawn(ProsumerActor.create(1, 7, w));
        TestProbe<ProsumerActor.Action> probe = kit.createTestProbe();
        SplittableRandom r = new SplittableRandom(9);
        for (int t = 0; t < 10; t++) {
            float[] o = obs(r);
            p.tell(new ProsumerActor.Act(t, o, false, 0, probe.getRef()));
            ProsumerActor.Action greedy = probe.receiveMessage();
            assertEquals(1, greedy.agent());
            assertEquals(t, greedy.step());
            assertEquals(7, greedy.version());
            assertArrayEquals(reference.act(o), greedy.ownDims(), 0f);

            long seed = r.nextLong();
            p.tell(new ProsumerActor.Act(t, o, true, seed, probe.getRef()));
            assertArrayEquals(reference.sample(o, new SplittableRandom(seed)), probe.receiveMessage().ownDims(), 0f,
                    "exploration: noise from the given seed, same as the snapshot");
        }
    }

    @Test
    void swapsToNewerWeightsAndIgnoresOlderOnes() {
        ActionBounds b = Trainer.actionBounds(Fixtures.SCENARIO).get(0);
        ActorSnapshot.Weights v5 = Fixtures.randomWeights(0, 16, b, 5);
        ActorSnapshot.Weights v9 = Fixtures.randomWeights(0, 16, b, 9);
        ActorSnapshot.Weights v7 = Fixtures.randomWeights(0, 16, b, 7);
        ActorRef<ProsumerActor.Command> p = kit.spawn(ProsumerActor.create(0, 5, v5));
        TestProbe<ProsumerActor.Action> actions = kit.createTestProbe();
        TestProbe<ProsumerActor.WeightsApplied> acks = kit.createTestProbe();
        float[] o = obs(new SplittableRandom(1));

        p.tell(new ProsumerActor.PolicyWeights(9, v9, acks.getRef()));
        ProsumerActor.WeightsApplied a = acks.receiveMessage();
        assertTrue(a.swapped());
        assertEquals(9, a.version());
        p.tell(new ProsumerActor.Act(0, o, false, 0, actions.getRef()));
        ProsumerActor.Action after = actions.receiveMessage();
        assertEquals(9, after.version());
        assertArrayEquals(new ActorSnapshot(v9).act(o), after.ownDims(), 0f);

        p.tell(new ProsumerActor.PolicyWeights(7, v7, acks.getRef())); // late, older: ignored
        ProsumerActor.WeightsApplied ignored = acks.receiveMessage();
        assertFalse(ignored.swapped());
        assertEquals(9, ignored.version());
        p.tell(new ProsumerActor.PolicyWeights(9, v7, acks.getRef())); // same version: ignored too
        assertFalse(acks.receiveMessage().swapped());
        p.tell(new ProsumerActor.Act(1, o, false, 0, actions.getRef()));
        ProsumerActor.Action still = actions.receiveMessage();
        assertEquals(9, still.version());
        assertArrayEquals(new ActorSnapshot(v9).act(o), still.ownDims(), 0f);
    }

    private static ProsumerActor.Stats stats(ActorRef<ProsumerActor.Command> p) {
        TestProbe<ProsumerActor.Stats> probe = kit.createTestProbe();
        p.tell(new ProsumerActor.GetStats(probe.getRef()));
        return probe.receiveMessage();
    }

    /**
     * One batching actor serving two worlds: a world's first Act is decided alone, then one Act of each
     * engaged world per forward pass (GetStats, answered in mailbox order, shows an Act still waiting —
     * no timing involved), newer weights do not cut a waiting batch short, a Pause releases it, and every
     * action is the snapshot's own, bit for bit.
     */
    @Test
    void batchingActorDecidesOneActPerEngagedWorldTogether() {
        ActionBounds b = Trainer.actionBounds(Fixtures.SCENARIO).get(2);
        ActorSnapshot.Weights v1 = Fixtures.randomWeights(2, 40, b, 21);
        ActorSnapshot.Weights v2 = Fixtures.randomWeights(2, 40, b, 22);
        ActorRef<ProsumerActor.Command> p = kit.spawn(ProsumerActor.createBatching(2, 1, v1));
        TestProbe<ProsumerActor.Action> worldA = kit.createTestProbe();
        TestProbe<ProsumerActor.Action> worldB = kit.createTestProbe();
        TestProbe<ProsumerActor.WeightsApplied> acks = kit.createTestProbe();
        SplittableRandom r = new SplittableRandom(4);
        ActorSnapshot ref1 = new ActorSnapshot(v1);
        ActorSnapshot ref2 = new ActorSnapshot(v2);

        float[] a0 = obs(r);
        float[] b0 = obs(r);
        p.tell(new ProsumerActor.Act(0, a0, true, 100, worldA.getRef()));
        assertArrayEquals(ref1.sample(a0, new SplittableRandom(100)), worldA.receiveMessage().ownDims(), 0f);
        p.tell(new ProsumerActor.Act(0, b0, false, 0, worldB.getRef()));
        assertArrayEquals(ref1.act(b0), worldB.receiveMessage().ownDims(), 0f);
        assertEquals(new ProsumerActor.Stats(2, 2, 2, 1), stats(p), "first Acts of each world: decided alone");

        float[] a1 = obs(r);
        float[] b1 = obs(r);
        p.tell(new ProsumerActor.Act(1, a1, true, 101, worldA.getRef()));
        assertEquals(2, stats(p).decisions(), "A's second Act waits for B's");
        p.tell(new ProsumerActor.PolicyWeights(2, v2, acks.getRef()));
        assertTrue(acks.receiveMessage().swapped());
        assertEquals(2, stats(p).decisions(), "newer weights do not cut the batch short");
        p.tell(new ProsumerActor.Act(1, b1, true, 102, worldB.getRef()));
        ProsumerActor.Action fromA = worldA.receiveMessage();
        ProsumerActor.Action fromB = worldB.receiveMessage();
        assertEquals(2, fromA.version());
        assertEquals(1, fromA.step());
        assertArrayEquals(ref2.sample(a1, new SplittableRandom(101)), fromA.ownDims(), 0f);
        assertArrayEquals(ref2.sample(b1, new SplittableRandom(102)), fromB.ownDims(), 0f);
        assertEquals(new ProsumerActor.Stats(2, 4, 3, 2), stats(p));

        // B pauses (end of its episode): A's next Act no longer waits for it
        p.tell(new ProsumerActor.Pause(worldB.getRef()));
        float[] a2 = obs(r);
        p.tell(new ProsumerActor.Act(2, a2, false, 0, worldA.getRef()));
        assertArrayEquals(ref2.act(a2), worldA.receiveMessage().ownDims(), 0f);
        // B resumes (decided alone), A's next waits again until B pauses
        float[] b2 = obs(r);
        p.tell(new ProsumerActor.Act(0, b2, false, 0, worldB.getRef()));
        assertArrayEquals(ref2.act(b2), worldB.receiveMessage().ownDims(), 0f);
        float[] a3 = obs(r);
        p.tell(new ProsumerActor.Act(3, a3, false, 0, worldA.getRef()));
        assertEquals(6, stats(p).decisions());
        p.tell(new ProsumerActor.Pause(worldB.getRef()));
        ProsumerActor.Action released = worldA.receiveMessage();
        assertEquals(3, released.step());
        assertArrayEquals(ref2.act(a3), released.ownDims(), 0f);
        assertEquals(7, stats(p).decisions());
    }
}
