package org.p2pgrid.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.p2pgrid.actors.runtime.ActorTraining;
import org.p2pgrid.actors.wire.SnapshotWire;
import org.p2pgrid.env.pomdp.ObservationLayout;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.learner.nn.ActionBounds;
import org.p2pgrid.learner.nn.ActorSnapshot;
import org.p2pgrid.learner.train.Trainer;
import org.p2pgrid.protocol.WeightsChunker;
import org.p2pgrid.protocol.v1.EpisodeLease;
import org.p2pgrid.protocol.v1.TransitionBatch;
import org.p2pgrid.protocol.v1.TransitionBatchAck;
import org.p2pgrid.protocol.v1.WeightsRequest;

/**
 * One {@link ClusterWorld} in-process with a probe as the learner: it asks for weights, runs a leased
 * day, never has more than batches-in-flight batches unacknowledged (it stops stepping instead),
 * re-sends unacknowledged batches with the same (incarnation, sequence), and commits the attempt with
 * the episode summary once every transition is acknowledged.
 */
class ClusterWorldWindowTest {
    static final ActorTestKit KIT = ActorTestKit.create(ActorTraining.systemConfig());
    static final Scenario SCENARIO = Scenarios.synthetic(33, 3, 7);

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    private static float[] rnd(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() - 0.5) * 0.6f;
        }
        return a;
    }

    static List<ActorSnapshot.Weights> weights() {
        List<ActionBounds> bounds = Trainer.actionBounds(SCENARIO);
        SplittableRandom r = new SplittableRandom(5);
        int obs = ObservationLayout.SIZE;
        int h = 16;
        List<ActorSnapshot.Weights> out = new ArrayList<>();
        for (int i = 0; i < bounds.size(); i++) {
            int k = bounds.get(i).size();
            out.add(new ActorSnapshot.Weights(i, obs, rnd(r, h * obs), rnd(r, h), rnd(r, h * h), rnd(r, h), rnd(r, k * h),
                    rnd(r, k), rnd(r, k * h), rnd(r, k), -20f, 2f, bounds.get(i).lo(), bounds.get(i).hi()));
        }
        return out;
    }

    @Test
    void windowResendAndCommit() {
        int window = 3;
        ClusterSettings cs = new ClusterSettings("", true, "synthetic:33:3:7", 1, 8, window, Duration.ofMillis(1500),
                Duration.ofSeconds(20), Duration.ofSeconds(60), 262144, 1, false, Duration.ofSeconds(60));
        TestProbe<Object> learner = KIT.createTestProbe();
        ActorRef<Object> world = KIT.spawn(ClusterWorld.create("world-0", SCENARIO, 11, 4, cs, learner.getRef()));

        learner.expectMessageClass(WeightsRequest.class, Duration.ofSeconds(10));
        WeightsChunker chunker = new WeightsChunker(2000); // several chunks per agent
        for (ActorSnapshot.Weights w : weights()) {
            SnapshotWire.toChunks(1, w, chunker).forEach(world::tell);
        }
        world.tell(EpisodeLease.newBuilder().setWorld(0).setEpisode(4).setAttempt(1).setDay(10).build());

        // the window fills and the world stops: exactly `window` batches, nothing more while none is acked
        TreeMap<Long, TransitionBatch> outstanding = new TreeMap<>();
        for (int i = 0; i < window; i++) {
            TransitionBatch b = nextBatch(learner);
            outstanding.put(b.getSequence(), b);
        }
        assertEquals(List.of(1L, 2L, 3L), List.copyOf(outstanding.keySet()));
        // unacknowledged: the same batches again after resend-after, never a new one
        List<Long> resent = new ArrayList<>();
        for (int i = 0; i < window; i++) {
            TransitionBatch b = nextBatch(learner);
            assertEquals(outstanding.get(b.getSequence()), b, "a re-send is the identical batch");
            resent.add(b.getSequence());
        }
        assertEquals(List.of(1L, 2L, 3L), resent.stream().sorted().toList());

        // ack everything as it comes: 96 transitions (12 batches of 8), labels every 4th step, then the commit
        int transitions = 0;
        int labels = 0;
        long lastSeq = 0;
        TransitionBatch commit = null;
        long expectedSeq = 1;
        while (commit == null) {
            Long first = outstanding.isEmpty() ? null : outstanding.firstKey();
            if (first != null) {
                TransitionBatch b = outstanding.remove(first);
                assertEquals(expectedSeq++, b.getSequence(), "sequence numbers are contiguous");
                transitions += b.getTransitionsCount();
                labels += b.getLabelsCount();
                lastSeq = b.getSequence();
                if (b.hasSummary()) {
                    commit = b;
                }
                world.tell(TransitionBatchAck.newBuilder().setIncarnation(b.getIncarnation()).setSequence(b.getSequence())
                        .build());
                continue;
            }
            TransitionBatch b = nextBatch(learner);
            if (b.getSequence() <= lastSeq) {
                continue; // a late re-send of an acknowledged batch
            }
            outstanding.put(b.getSequence(), b);
            assertTrue(outstanding.size() <= window, "at most " + window + " unacknowledged batches");
        }
        assertEquals(96, transitions);
        assertEquals(24, labels);
        assertEquals(96, commit.getSummary().getSteps());
        assertEquals(0, commit.getTransitionsCount());
        assertEquals(4, commit.getEpisode());
        assertEquals(1, commit.getAttempt());
    }

    private static TransitionBatch nextBatch(TestProbe<Object> learner) {
        while (true) {
            Object m = learner.receiveMessage(Duration.ofSeconds(20));
            if (m instanceof TransitionBatch b) {
                return b;
            }
        }
    }
}
