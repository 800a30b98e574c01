package org.p2pgrid.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSelection;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Props;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.p2pgrid.protocol.v1.PolicyWeightsAck;
import org.p2pgrid.protocol.v1.PolicyWeightsChunk;
import org.p2pgrid.protocol.v1.Transition;
import org.p2pgrid.protocol.v1.TransitionAck;

/**
 * Two actor systems over Artery TCP on 127.0.0.1 (ephemeral ports), Java serialization off, default
 * 256 KiB frame: a 20-agent hidden-256 policy (~5.7 MB) crosses as 40 chunks and reassembles, and
 * transitions are acknowledged — all through Pekko's ProtobufSerializer. The waits are time-outs for
 * a broken build, not timing assertions.
 */
class ArteryLoopbackTest {
    private static ActorSystem learnerNode;
    private static ActorSystem prosumerNode;

    private static Config config(String name) {
        return ConfigFactory.parseString("""
                pekko.actor.provider = remote
                pekko.actor.allow-java-serialization = off
                pekko.actor.warn-about-java-serializer-usage = off
                pekko.remote.artery.transport = tcp
                pekko.remote.artery.canonical.hostname = 127.0.0.1
                pekko.remote.artery.canonical.port = 0
                pekko.remote.artery.bind.hostname = 127.0.0.1
                pekko.remote.warn-about-direct-use = off
                pekko.remote.warn-unsafe-watch-outside-cluster = off
                pekko.loglevel = WARNING
                pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
                """).withFallback(ConfigFactory.load());
    }

    @BeforeAll
    static void start() {
        learnerNode = ActorSystem.create("learner", config("learner"));
        prosumerNode = ActorSystem.create("prosumer", config("prosumer"));
    }

    @AfterAll
    static void stop() {
        learnerNode.terminate();
        prosumerNode.terminate();
        learnerNode.getWhenTerminated().toCompletableFuture().join();
        prosumerNode.getWhenTerminated().toCompletableFuture().join();
    }

    /** Prosumer side: reassembles weights, acks versions and transitions. */
    static final class Receiver extends AbstractActor {
        private final WeightsAssembler assembler = new WeightsAssembler();
        private final Map<Integer, float[]> received;
        private final MessageValidator validator = new MessageValidator();

        Receiver(Map<Integer, float[]> received) {
            this.received = received;
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder()
                    .match(PolicyWeightsChunk.class, c -> {
                        if (assembler.offer(c) instanceof WeightsAssembler.Complete done) {
                            received.put(done.weights().agent(), done.weights().values());
                            getSender().tell(PolicyWeightsAck.newBuilder().setVersion(done.weights().version())
                                    .setAgent(done.weights().agent()).build(), getSelf());
                        }
                    })
                    .match(org.p2pgrid.protocol.v1.Credit.class, c -> getSender().tell(c, getSelf()))
                    .match(Transition.class, t -> {
                        validator.validate(t);
                        getSender().tell(TransitionAck.newBuilder().setWorld(t.getWorldId())
                                .setUpToSequence(t.getSequence()).build(), getSelf());
                    })
                    .build();
        }
    }

    /** Learner side: completes when {@code expected} acks of each kind have come back. */
    static final class Collector extends AbstractActor {
        private final int expectedWeights;
        private final long expectedSeq;
        private final CompletableFuture<List<Object>> done;
        private final List<Object> acks = new ArrayList<>();
        private int weights;
        private long seq;

        Collector(int expectedWeights, long expectedSeq, CompletableFuture<List<Object>> done) {
            this.expectedWeights = expectedWeights;
            this.expectedSeq = expectedSeq;
            this.done = done;
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder()
                    .match(PolicyWeightsAck.class, a -> {
                        acks.add(a);
                        weights++;
                        check();
                    })
                    .match(TransitionAck.class, a -> {
                        acks.add(a);
                        seq = Math.max(seq, a.getUpToSequence());
                        check();
                    })
                    .build();
        }

        private void check() {
            if (weights == expectedWeights && seq == expectedSeq) {
                done.complete(List.copyOf(acks));
            }
        }
    }

    @Test
    void policyAndTransitionsCrossTheWire() throws Exception {
        Map<Integer, float[]> received = new ConcurrentHashMap<>();
        prosumerNode.actorOf(Props.create(Receiver.class, () -> new Receiver(received)), "receiver");
        Address remote = ((ExtendedActorSystem) prosumerNode).provider().getDefaultAddress();
        assertEquals("127.0.0.1", remote.host().get());
        ActorSelection target = learnerNode.actorSelection(remote + "/user/receiver");

        int agents = 20;
        int floats = 71_178; // hidden 256, obs 10, 5 action dims (see WeightsChunkerTest)
        CompletableFuture<List<Object>> done = new CompletableFuture<>();
        ActorRef collector = learnerNode.actorOf(Props.create(Collector.class, () -> new Collector(agents, 50, done)), "collector");

        WeightsChunker chunker = WeightsChunker.forArteryFrame(ProtocolLimits.ARTERY_DEFAULT_FRAME_BYTES);
        List<PolicyWeightsChunk> all = new ArrayList<>();
        float[][] sent = new float[agents][];
        Random rng = new Random(5);
        for (int a = 0; a < agents; a++) {
            sent[a] = new float[floats];
            for (int i = 0; i < floats; i++) {
                sent[a][i] = (float) rng.nextGaussian();
            }
            all.addAll(chunker.split(1, a, sent[a]));
        }
        Collections.shuffle(all, rng);
        for (PolicyWeightsChunk c : all) {
            target.tell(c, collector);
        }
        for (long s = 1; s <= 50; s++) {
            target.tell(Samples.transition(s, s % 2 == 0).setWorldId(4).build(), collector);
        }

        List<Object> acks = done.get(60, TimeUnit.SECONDS);
        assertEquals(40, all.size());
        assertEquals(agents, received.size());
        for (int a = 0; a < agents; a++) {
            assertArrayEquals(sent[a], received.get(a), "agent " + a);
        }
        assertTrue(acks.stream().filter(o -> o instanceof TransitionAck).count() == 50);
    }

    /** First reply only. */
    static final class First extends AbstractActor {
        private final CompletableFuture<Object> first;

        First(CompletableFuture<Object> first) {
            this.first = first;
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder().matchAny(first::complete).build();
        }
    }

    /**
     * Why chunking: one unchunked 285 KB actor is over the 256 KiB frame, and Artery DROPS it (an error
     * in the log, nothing for the sender). Order within one association is kept, so the marker sent
     * after it coming back first proves the big message never arrived.
     */
    @Test
    void anUnchunkedActorIsDroppedByArtery() throws Exception {
        Map<Integer, float[]> received = new ConcurrentHashMap<>();
        prosumerNode.actorOf(Props.create(Receiver.class, () -> new Receiver(received)), "receiver2");
        Address remote = ((ExtendedActorSystem) prosumerNode).provider().getDefaultAddress();
        ActorSelection target = learnerNode.actorSelection(remote + "/user/receiver2");
        CompletableFuture<Object> first = new CompletableFuture<>();
        ActorRef probe = learnerNode.actorOf(Props.create(First.class, () -> new First(first)), "first");

        ProtocolLimits big = ProtocolLimits.defaults().withChunking(1 << 20, 4096, 1 << 28);
        List<PolicyWeightsChunk> one = new WeightsChunker(1 << 20, big).split(1, 7, new float[71_178]);
        assertEquals(1, one.size());
        assertTrue(one.get(0).getSerializedSize() > ProtocolLimits.ARTERY_DEFAULT_FRAME_BYTES);
        org.p2pgrid.protocol.v1.Credit marker = org.p2pgrid.protocol.v1.Credit.newBuilder().setShard(7).setN(1).build();
        target.tell(one.get(0), probe);
        target.tell(marker, probe);
        assertEquals(marker, first.get(60, TimeUnit.SECONDS));
        assertTrue(received.isEmpty());
    }
}
