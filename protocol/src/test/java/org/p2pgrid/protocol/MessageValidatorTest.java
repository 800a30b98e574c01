package org.p2pgrid.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.p2pgrid.protocol.v1.Action;
import org.p2pgrid.protocol.v1.CheckpointFile;
import org.p2pgrid.protocol.v1.CostBreakdown;
import org.p2pgrid.protocol.v1.Credit;
import org.p2pgrid.protocol.v1.LabelActions;
import org.p2pgrid.protocol.v1.LabelReply;
import org.p2pgrid.protocol.v1.LabelSource;
import org.p2pgrid.protocol.v1.Observation;
import org.p2pgrid.protocol.v1.PolicyWeightsChunk;
import org.p2pgrid.protocol.v1.PriorityUpdate;
import org.p2pgrid.protocol.v1.ProsumerDeviceState;
import org.p2pgrid.protocol.v1.ReplaySample;
import org.p2pgrid.protocol.v1.SampleRequest;
import org.p2pgrid.protocol.v1.TensorLayout;
import org.p2pgrid.protocol.v1.Transition;
import org.p2pgrid.protocol.v1.TransitionAck;
import org.p2pgrid.protocol.v1.ValidationStats;
import org.p2pgrid.protocol.v1test.Extra;

/** Golden messages: each broken one yields exactly these reasons (type, field, value, expectation). */
class MessageValidatorTest {
    private final MessageValidator v = new MessageValidator();

    private void golden(com.google.protobuf.Message m, String... expected) {
        assertEquals(List.of(expected), v.check(m));
    }

    @Test
    void transitionShapes() {
        Transition.Builder t = Samples.transition(1, false);
        java.util.List<Float> obs = new java.util.ArrayList<>(t.getObservationList());
        obs.remove(0);
        golden(t.clearObservation().addAllObservation(obs).build(), "Transition.observation: 199 floats, expected agents×obsDim = 20×10 = 200");

        golden(Samples.transition(1, false).addExpertLabel(1f).build(),
                "Transition.expert_label: 1 floats, expected none or agents×actionDim = 20×5 = 100");
        golden(Samples.transition(1, false).setActionDim(4).build(),
                "Transition.action: 100 floats, expected agents×actionDim = 20×4 = 80");
        golden(Samples.transition(1, false).setAgents(0).build(), "Transition.agents: 0, expected 1 to 1024");
        golden(Samples.transition(1, false).setObsDim(5000).build(), "Transition.obs_dim: 5000, expected 1 to 1024");
        golden(Samples.transition(0, false).build(), "Transition.sequence: 0, expected > 0");
        golden(Samples.transition(1, false).setStep(-1).build(), "Transition.step: -1, expected ≥ 0");
    }

    @Test
    void transitionNonFinite() {
        golden(Samples.transition(1, true).setReward(Double.NaN).build(), "Transition.reward: NaN, expected a finite number");
        golden(Samples.transition(1, true).setObservation(3, Float.POSITIVE_INFINITY).setObservation(9, Float.NaN).build(),
                "Transition.observation[3]: Infinity, expected a finite number (2 non-finite values)");
        golden(Samples.transition(1, true).setExpertLabel(99, Float.NaN).build(),
                "Transition.expert_label[99]: NaN, expected a finite number");
    }

    @Test
    void observationAndAction() {
        golden(Observation.newBuilder().setAgent(1024).addValues(Float.NEGATIVE_INFINITY).build(),
                "Observation.agent: 1024, expected 0 ≤ agent < 1024",
                "Observation.values[0]: -Infinity, expected a finite number");
        golden(Action.newBuilder().setAgent(2).build(), "Action.values: 0 floats, expected 1 to 64");
    }

    @Test
    void labels() {
        golden(Samples.labelRequest().toBuilder().setProsumers(3,
                        ProsumerDeviceState.newBuilder().setProsumer(4).setSocKwh(-1).setSocFraction(1.5).setPrevCdgKw(Double.NaN))
                        .build(),
                "LabelRequest.prosumers[3].soc_kwh: -1.0, expected ≥ 0.0",
                "LabelRequest.prosumers[3].prev_cdg_kw: NaN, expected a finite number",
                "LabelRequest.prosumers[3].soc_fraction: 1.5, expected a fraction in [0, 1]",
                "LabelRequest.prosumers[3].prosumer: 4, expected 3 (one entry per prosumer, in prosumer order)");
        golden(Samples.labelRequest().toBuilder().clearProsumers().build(),
                "LabelRequest.prosumers: 0 entries, expected 1 to 1024");

        LabelReply r = Samples.labelReply();
        LabelActions a = r.getActions().toBuilder()
                .setProsumers(2, r.getActions().getProsumers(2).toBuilder().addValues(1).setValues(0, Double.NaN)).build();
        golden(r.toBuilder().setActions(a).build(),
                "LabelReply.actions.prosumers[2].values: 6 numbers, expected 5 [P_CDG, P_RDG, Q_RDG, P_BESS, P_CL]",
                "LabelReply.actions.prosumers[2].values[0]: NaN, expected a finite number");
        golden(r.toBuilder().setSource(LabelSource.LABEL_SOURCE_UNSPECIFIED).setSolveSeconds(-0.5).build(),
                "LabelReply.source: LABEL_SOURCE_UNSPECIFIED, expected CACHE, PLAN_REUSE or SOLVE",
                "LabelReply.solve_seconds: -0.5, expected ≥ 0.0");
        golden(LabelReply.newBuilder().setDay(1).build(), "LabelReply.result: not set, expected actions or error");
        golden(LabelReply.newBuilder().setError(" ").build(),
                "LabelReply.error: blank, expected the reason the expert failed");
    }

    @Test
    void weightChunks() {
        PolicyWeightsChunk c = new WeightsChunker(1024).split(3, 1, new float[1000]).get(1);
        assertEquals(List.of(), v.check(c));
        assertEquals(5, c.getChunkCount()); // 4 000 bytes, 960 per chunk
        golden(c.toBuilder().setChunkIndex(5).build(),
                "PolicyWeightsChunk.chunk_index: 5, expected 0 ≤ index < chunk_count = 5");
        golden(c.toBuilder().setVersion(0).setAgent(-1).build(),
                "PolicyWeightsChunk.version: 0, expected > 0",
                "PolicyWeightsChunk.agent: -1, expected 0 ≤ agent < 1024");
        golden(c.toBuilder().setTotalBytes(4002).build(),
                "PolicyWeightsChunk.total_bytes: 4002, expected a multiple of 4 (float32)");
        golden(c.toBuilder().setTotalBytes(1L << 40).build(),
                "PolicyWeightsChunk.total_bytes: 1099511627776, expected 4 to 268435456");
        golden(c.toBuilder().setChunkCount(0).build(), "PolicyWeightsChunk.chunk_count: 0, expected 1 to 4096");
        golden(c.toBuilder().setPayload(ByteString.EMPTY).build(),
                "PolicyWeightsChunk.payload: empty, expected 1 to 262144 bytes");
        golden(c.toBuilder().setPayload(ByteString.copyFrom(new byte[262_148])).build(),
                "PolicyWeightsChunk.payload: 262148 bytes, over the limit 262144");
        golden(c.toBuilder().setEncodingValue(3).build(),
                "PolicyWeightsChunk.encoding: unknown value 3, expected FLOAT32_LE");
        golden(c.toBuilder().addLayout(TensorLayout.newBuilder().setName("w").addShape(1000)).build(),
                "PolicyWeightsChunk.layout: 1 tensors on chunk 1, expected the layout on chunk 0 only");
        PolicyWeightsChunk c0 = new WeightsChunker(1024).split(3, 1, new float[1000]).get(0);
        golden(c0.toBuilder().addLayout(TensorLayout.newBuilder().setName("w").addShape(10).addShape(99))
                        .addLayout(TensorLayout.newBuilder().setName("w").addShape(5)).build(),
                "PolicyWeightsChunk.layout[1].name: \"w\" appears twice",
                "PolicyWeightsChunk.layout: tensors hold 995 floats, expected total_bytes/4 = 1000");
        golden(c0.toBuilder().addLayout(TensorLayout.newBuilder().setName("w").addShape(0)).build(),
                "PolicyWeightsChunk.layout[0].shape[0]: 0, expected 1 to 1000");
    }

    @Test
    void replayAndFlowControl() {
        ReplaySample s = (ReplaySample) Samples.all().stream().filter(m -> m instanceof ReplaySample).findFirst().orElseThrow();
        golden(s.toBuilder().addIsWeights(0).setIsWeights(0, 1.5).build(),
                "ReplaySample.is_weights: 3 weights, expected one per row = 2",
                "ReplaySample.is_weights[0]: 1.5, expected a weight in (0, 1]",
                "ReplaySample.is_weights[2]: 0.0, expected a weight in (0, 1]");
        golden(s.toBuilder().setRows(1, s.getRows(1).toBuilder().setReward(Double.POSITIVE_INFINITY)).setPartIndex(2).build(),
                "ReplaySample.part_index: 2, expected 0 ≤ index < part_count = 2",
                "ReplaySample.rows[1]: Transition.reward: Infinity, expected a finite number");
        golden(PriorityUpdate.newBuilder().addRefs(1).addRefs(2).addLosses(-1).build(),
                "PriorityUpdate.losses: 1 losses, expected one per ref = 2",
                "PriorityUpdate.losses[0]: -1.0, expected a finite loss ≥ 0");
        golden(SampleRequest.newBuilder().setRows(0).build(), "SampleRequest.rows: 0, expected 1 to 8192");
        golden(Credit.newBuilder().setShard(0).setN(0).build(), "Credit.n: 0, expected 1 to 1048576");
        golden(TransitionAck.newBuilder().setWorld(1).setUpToSequence(-5).build(),
                "TransitionAck.up_to_sequence: -5, expected ≥ 0");
    }

    @Test
    void statsAndManifest() {
        golden(Samples.episodeStats(3).toBuilder().setCost(1300).setViolatedSteps(97).build(),
                "EpisodeStats.cost: 1300.0, expected the sum of cost_by_term = 1211.5",
                "EpisodeStats.violated_steps: 97, expected 0 ≤ violated_steps ≤ steps = 96");
        golden(Samples.episodeStats(3).toBuilder().setCostByTerm(CostBreakdown.newBuilder().setGrid(Double.NaN)).build(),
                "EpisodeStats.cost_by_term.grid: NaN, expected a finite number");
        golden(ValidationStats.newBuilder().setDays(2).setDiscountedReward(Double.NEGATIVE_INFINITY)
                        .addPerDay(Samples.episodeStats(0).toBuilder().setMinVoltage(1.2)).build(),
                "ValidationStats.discounted_reward: -Infinity, expected a finite number",
                "ValidationStats.per_day: 1 entries, expected days = 2 (or none)",
                "ValidationStats.per_day[0].min_voltage: 1.2, expected ≤ max_voltage = 1.02");
        golden(Samples.manifest().toBuilder().setRunId("").setCreatedEpochMillis(0)
                        .addFiles(CheckpointFile.newBuilder().setPath("../etc/passwd").setSha256(ByteString.copyFrom(new byte[31])))
                        .addFiles(Samples.manifest().getFiles(0)).build(),
                "CheckpointManifest.run_id: blank, expected the run's id",
                "CheckpointManifest.created_epoch_millis: 0, expected > 0",
                "CheckpointManifest.files[2].path: \"../etc/passwd\", expected no empty, '.' or '..' segments",
                "CheckpointManifest.files[2].sha256: 31 bytes, expected 32",
                "CheckpointManifest.files[3].path: \"actors/agent00.bin\" listed twice");
        golden(Samples.manifest().toBuilder().setFiles(0, Samples.manifest().getFiles(0).toBuilder().setPath("/abs")).build(),
                "CheckpointManifest.files[0].path: \"/abs\", expected a relative '/'-separated path inside the checkpoint directory");
    }

    @Test
    void validateThrowsWithEveryProblemAndPassesValidMessages() {
        Transition ok = Samples.transition(1, true).build();
        assertSame(ok, v.validate(ok));
        InvalidMessageException e = assertThrows(InvalidMessageException.class,
                () -> v.validate(Samples.transition(0, true).setReward(Double.NaN).build()));
        assertEquals(List.of("Transition.sequence: 0, expected > 0", "Transition.reward: NaN, expected a finite number"),
                e.problems());
        assertEquals("Transition.sequence: 0, expected > 0; Transition.reward: NaN, expected a finite number", e.getMessage());
    }

    @Test
    void unknownTypeAndTighterLimits() {
        golden(Extra.getDefaultInstance(), "p2pgrid.v1test.Extra: no validation rules for this message type");
        ProtocolLimits small = new ProtocolLimits(8, 10, 5, 1 << 20, 1024, 16, 1 << 14, 64, 100, 16, 100, 10, 16);
        assertEquals(List.of("Transition.agents: 20, expected 1 to 8"),
                new MessageValidator(small).check(Samples.transition(1, false).build()));
    }

    @Test
    void clusterStatusMessages() {
        MessageValidator v = new MessageValidator();
        assertEquals(List.of("LearnerStatusRequest.reply_to: empty"),
                v.check(org.p2pgrid.protocol.v1.LearnerStatusRequest.newBuilder().setRequestId(1).build()));
        org.p2pgrid.protocol.v1.LearnerStatus ok = org.p2pgrid.protocol.v1.LearnerStatus.newBuilder()
                .setNodeAddress("pekko://p2pgrid@127.0.0.1:2551").build();
        assertEquals(List.of(), v.check(ok), "no checkpoint restored is valid");
        assertEquals(List.of("LearnerStatus: restored=true but checkpoint=''"),
                v.check(ok.toBuilder().setRestored(true).build()));
        assertEquals(List.of("LearnerStatus.node_address: empty"),
                v.check(ok.toBuilder().clearNodeAddress().build()));
    }

    @Test
    void trainingMessages() {
        MessageValidator v = new MessageValidator();
        org.p2pgrid.protocol.v1.TransitionBatch ok = org.p2pgrid.protocol.v1.TransitionBatch.newBuilder().setSchemaVersion(1)
                .setWorld(0).setIncarnation(9).setSequence(1).setEpisode(3).setAttempt(1).setDay(5)
                .addTransitions(Samples.transition(1, false).setEpisodeId(3)).setReplyTo("pekko://p2pgrid/user/w").build();
        assertEquals(List.of(), v.check(ok));
        assertEquals(List.of("TransitionBatch.incarnation: 0", "TransitionBatch.sequence: 0, expected > 0"),
                v.check(ok.toBuilder().setIncarnation(0).setSequence(0).build()));
        assertEquals(List.of("TransitionBatch.transitions[0].episode_id 4 != 3"),
                v.check(ok.toBuilder().setTransitions(0, Samples.transition(1, false).setEpisodeId(4)).build()));
        assertEquals(List.of("TransitionBatch: a commit batch (summary set) carries no transitions"),
                v.check(ok.toBuilder().setSummary(org.p2pgrid.protocol.v1.EpisodeSummary.newBuilder().setSteps(96)).build()));
        assertEquals(List.of("EpisodeSummary.cost: NaN, expected a finite number"),
                v.check(ok.toBuilder().clearTransitions().setSummary(org.p2pgrid.protocol.v1.EpisodeSummary.newBuilder()
                        .setSteps(96).setCost(Double.NaN)).build()));
        assertEquals(List.of("TransitionBatch.reply_to: empty"), v.check(ok.toBuilder().clearReplyTo().build()));
        assertEquals(List.of("EpisodeLease.attempt: 0, expected > 0"),
                v.check(org.p2pgrid.protocol.v1.EpisodeLease.newBuilder().setEpisode(1).setDay(3).build()));
        assertEquals(List.of("WeightsRequest.reply_to: empty"),
                v.check(org.p2pgrid.protocol.v1.WeightsRequest.newBuilder().setWorld(1).build()));
    }

    @Test
    void validationOnRolloutNodesRejectsMalformedRequestsAndResultsWithAReason() {
        MessageValidator v = new MessageValidator();
        var req = org.p2pgrid.protocol.v1.ValidationRequest.newBuilder().setRequestId(1).setVersion(5).setAgents(3)
                .addDays(0).addDays(100).setReplyTo("pekko://p2pgrid@127.0.0.1:2551/user/x#1").build();
        assertEquals(List.of(), v.check(req));
        assertEquals(List.of("ValidationRequest.version: 0, expected > 0"), v.check(req.toBuilder().setVersion(0).build()));
        assertEquals(List.of("ValidationRequest.days[1]: 365, expected 0 to 364"), v.check(req.toBuilder().setDays(1, 365).build()));
        assertEquals(List.of("ValidationRequest.days: 0 days, expected 1 to 366"), v.check(req.toBuilder().clearDays().build()));
        assertEquals(List.of("ValidationRequest.reply_to: empty"), v.check(req.toBuilder().clearReplyTo().build()));
        var day = org.p2pgrid.protocol.v1.ValidationDay.newBuilder().setDay(0).setCost(10).setReward(-1).setDiscountedReward(-1);
        var res = org.p2pgrid.protocol.v1.ValidationResult.newBuilder().setRequestId(1).setVersion(5).addDays(day).build();
        assertEquals(List.of(), v.check(res));
        assertEquals(List.of("ValidationResult.days[0].cost: NaN, expected a finite number"),
                v.check(res.toBuilder().setDays(0, day.clone().setCost(Double.NaN)).build()));
        assertEquals(List.of("ValidationResult.days: none, expected the validated days or an error"),
                v.check(res.toBuilder().clearDays().build()));
        assertEquals(List.of(), v.check(res.toBuilder().clearDays().setError("weights incomplete").build()));
    }
}
