package org.p2pgrid.actors.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.p2pgrid.learner.nn.ActorSnapshot;
import org.p2pgrid.learner.nn.Djl;
import org.p2pgrid.learner.nn.GaussianActor;
import org.p2pgrid.learner.nn.NetworkConfig;
import org.p2pgrid.protocol.ProtocolLimits;
import org.p2pgrid.protocol.WeightsAssembler;
import org.p2pgrid.protocol.WeightsChunker;
import org.p2pgrid.protocol.v1.PolicyWeightsChunk;

/** A learner's actor weights through chunks, out of order, into another actor: same decisions. */
class PolicyWeightsWireTest {
    private static final int[] DIMS = {0, 1, 2, 3, 4};
    private static final float[] LO = {20f, 0f, -50f, -30f, 0f};
    private static final float[] HI = {80f, 50f, 50f, 40f, 12f};
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = Djl.newManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    private static GaussianActor actor(int agent, int hidden, long seed) {
        return new GaussianActor(manager, agent, 10, DIMS, NetworkConfig.defaults().withHidden(hidden).withSeed(seed));
    }

    @Test
    void weightsTravelInShuffledChunksAndGiveTheSameActions() {
        GaussianActor learner = actor(3, 32, 1);
        GaussianActor prosumer = actor(3, 32, 2);
        float[] obs = {0.1f, -0.4f, 0.9f, 1.2f, 0f, 0.3f, -1f, 0.5f, 0.25f, 0.75f};
        assertFalse(java.util.Arrays.equals(new ActorSnapshot(learner, LO, HI).act(obs),
                new ActorSnapshot(prosumer, LO, HI).act(obs)), "different seeds, different policies");

        List<PolicyWeightsChunk> chunks = new ArrayList<>(PolicyWeightsWire.toChunks(5, learner, new WeightsChunker(1024)));
        assertTrue(chunks.size() > 5);
        Collections.shuffle(chunks, new Random(1));
        WeightsAssembler assembler = new WeightsAssembler();
        WeightsAssembler.AssembledWeights got = null;
        for (PolicyWeightsChunk c : chunks) {
            if (assembler.offer(c) instanceof WeightsAssembler.Complete done) {
                got = done.weights();
            }
        }
        assertEquals(8, got.layout().size());
        assertEquals("actor3.l1.W", got.layout().get(0).getName());
        PolicyWeightsWire.apply(got, prosumer);

        assertArrayEquals(PolicyWeightsWire.flatten(learner.params()).values(),
                PolicyWeightsWire.flatten(prosumer.params()).values());
        assertArrayEquals(new ActorSnapshot(learner, LO, HI).act(obs), new ActorSnapshot(prosumer, LO, HI).act(obs));
    }

    @Test
    void defaultSizeActorIsTwoArteryFrames() {
        GaussianActor a = actor(0, 256, 1);
        List<PolicyWeightsChunk> chunks = PolicyWeightsWire.toChunks(1, a,
                WeightsChunker.forArteryFrame(ProtocolLimits.ARTERY_DEFAULT_FRAME_BYTES));
        assertEquals(2, chunks.size());
        assertEquals(71_178L * 4, chunks.get(0).getTotalBytes());
        for (PolicyWeightsChunk c : chunks) {
            assertTrue(c.getSerializedSize() < ProtocolLimits.ARTERY_DEFAULT_FRAME_BYTES);
        }
    }

    @Test
    void mismatchedActorIsRefusedUntouched() {
        GaussianActor big = actor(1, 32, 1);
        GaussianActor small = actor(1, 16, 1);
        float[] before = PolicyWeightsWire.flatten(small.params()).values();
        WeightsAssembler assembler = new WeightsAssembler();
        WeightsAssembler.Outcome o = null;
        for (PolicyWeightsChunk c : PolicyWeightsWire.toChunks(1, big, new WeightsChunker(1 << 16))) {
            o = assembler.offer(c);
        }
        WeightsAssembler.AssembledWeights w = assertInstanceOf(WeightsAssembler.Complete.class, o).weights();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PolicyWeightsWire.apply(w, small));
        assertEquals("weights version 1: tensor 0 is actor1.l1.W[32, 10], actor has actor1.l1.W(16, 10)", e.getMessage());
        assertArrayEquals(before, PolicyWeightsWire.flatten(small.params()).values());

        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> PolicyWeightsWire.apply(w, actor(2, 32, 1)));
        assertEquals("weights for agent 1 applied to actor 2", other.getMessage());
    }
}
