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
}
