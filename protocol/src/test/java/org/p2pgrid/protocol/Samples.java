package org.p2pgrid.protocol;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import org.p2pgrid.protocol.v1.Action;
import org.p2pgrid.protocol.v1.CheckpointFile;
import org.p2pgrid.protocol.v1.CheckpointManifest;
import org.p2pgrid.protocol.v1.CostBreakdown;
import org.p2pgrid.protocol.v1.Credit;
import org.p2pgrid.protocol.v1.EpisodeStats;
import org.p2pgrid.protocol.v1.LabelAction;
import org.p2pgrid.protocol.v1.LabelActions;
import org.p2pgrid.protocol.v1.LabelReply;
import org.p2pgrid.protocol.v1.LabelRequest;
import org.p2pgrid.protocol.v1.LabelSource;
import org.p2pgrid.protocol.v1.Observation;
import org.p2pgrid.protocol.v1.PolicyWeightsAck;
import org.p2pgrid.protocol.v1.PolicyWeightsChunk;
import org.p2pgrid.protocol.v1.PriorityUpdate;
import org.p2pgrid.protocol.v1.ProsumerDeviceState;
import org.p2pgrid.protocol.v1.ReplaySample;
import org.p2pgrid.protocol.v1.SampleRequest;
import org.p2pgrid.protocol.v1.TensorLayout;
import org.p2pgrid.protocol.v1.Transition;
import org.p2pgrid.protocol.v1.TransitionAck;
import org.p2pgrid.protocol.v1.ValidationStats;

/** One valid, fully populated instance of every wire message (the default scenario's shapes: 20 agents, 10 obs, 5 action). */
final class Samples {
    static final int AGENTS = 20;
    static final int OBS = 10;
    static final int ACT = 5;

    private Samples() {
    }

    static List<Float> floats(int n, float base) {
        List<Float> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(base + i * 0.25f - (i % 3) * 1.5f);
        }
        return l;
    }

    static Transition.Builder transition(long seq, boolean labelled) {
        Transition.Builder b = Transition.newBuilder()
                .setSchemaVersion(SchemaVersions.TRANSITION)
                .setWorldId(3).setSequence(seq).setEpisodeId(41).setDay(17).setStep(55)
                .setAgents(AGENTS).setObsDim(OBS).setActionDim(ACT)
                .addAllObservation(floats(AGENTS * OBS, 0.5f))
                .addAllAction(floats(AGENTS * ACT, -2f))
                .setReward(-123.456)
                .addAllNextObservation(floats(AGENTS * OBS, 0.75f))
                .setDone(false).setViolation(true);
        if (labelled) {
            b.addAllExpertLabel(floats(AGENTS * ACT, 1f));
        }
        return b;
    }

    static LabelRequest labelRequest() {
        LabelRequest.Builder b = LabelRequest.newBuilder().setRequestId(77).setDay(17).setStep(55)
                .setWorldId(3).setEpisodeId(41).setTransitionRef(0x1_0000_0042L);
        for (int i = 0; i < AGENTS; i++) {
            b.addProsumers(ProsumerDeviceState.newBuilder().setProsumer(i).setSocKwh(i % 2 == 0 ? 0 : 120.5 + i)
                    .setSocFraction(i % 2 == 0 ? 0 : 0.5).setPrevCdgKw(i % 3 == 0 ? 0 : 250 + i));
        }
        return b.build();
    }

    static LabelReply labelReply() {
        LabelActions.Builder a = LabelActions.newBuilder();
        for (int i = 0; i < AGENTS; i++) {
            a.addProsumers(LabelAction.newBuilder().setProsumer(i)
                    .addValues(300 + i).addValues(55.5).addValues(-12.25).addValues(-40).addValues(0));
        }
        return LabelReply.newBuilder().setRequestId(77).setDay(17).setStep(55).setActions(a)
                .setSource(LabelSource.LABEL_SOURCE_SOLVE).setSolveSeconds(0.43).setTransitionRef(0x1_0000_0042L).build();
    }

    static LabelReply labelError() {
        return LabelReply.newBuilder().setRequestId(78).setDay(17).setStep(56)
                .setError("infeasible: SOC lower bound at step 60").setSource(LabelSource.LABEL_SOURCE_SOLVE)
                .setSolveSeconds(1.5).build();
    }

    static EpisodeStats episodeStats(int day) {
        CostBreakdown c = CostBreakdown.newBuilder().setGrid(1000.5).setCdg(200.25).setBess(3.5).setCl(12).setP2P(-4.75).build();
        return EpisodeStats.newBuilder().setWorldId(3).setEpisodeId(41).setDay(day).setPolicyVersion(9)
                .setCost(1211.5).setCostByTerm(c).setReward(-12.115).setDiscountedReward(-10.9)
                .setViolationRatePu(0.0012).setViolatedSteps(7).setSteps(96).setMinVoltage(0.941).setMaxVoltage(1.02)
                .setP2PEnergyKwh(830).setGridImportKwh(1200).setGridExportKwh(90).setLossesKwh(140.5).build();
    }

    static CheckpointManifest manifest() {
        byte[] sha = new byte[32];
        for (int i = 0; i < sha.length; i++) {
            sha[i] = (byte) (i * 7);
        }
        return CheckpointManifest.newBuilder().setSchemaVersion(SchemaVersions.CHECKPOINT).setRunId("run-2026-11-28")
                .setEpisode(120).setUpdates(11520).setPolicyVersion(115).setCreatedEpochMillis(1_795_000_000_000L)
                .addFiles(CheckpointFile.newBuilder().setPath("actors/agent00.bin").setSizeBytes(285_000).setSha256(ByteString.copyFrom(sha)))
                .addFiles(CheckpointFile.newBuilder().setPath("replay/normal.log").setSizeBytes(0).setSha256(ByteString.copyFrom(sha)))
                .build();
    }

    /** A valid instance of every top-level wire message type. */
    static List<Message> all() {
        List<Message> all = new ArrayList<>();
        all.add(Observation.newBuilder().setWorldId(3).setEpisodeId(41).setDay(17).setStep(55).setAgent(19)
                .addAllValues(floats(OBS, 0.1f)).setExplore(true).build());
        all.add(Action.newBuilder().setWorldId(3).setEpisodeId(41).setDay(17).setStep(55).setAgent(19)
                .addAllValues(floats(ACT, 10f)).setPolicyVersion(9).build());
        all.add(transition(1, false).build());
        all.add(transition(2, true).build());
        all.add(labelRequest());
        all.add(labelReply());
        all.add(labelError());
        float[] w = new float[1000];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) Math.sin(i);
        }
        all.addAll(new WeightsChunker(1024).split(9, 4, w, List.of(
                TensorLayout.newBuilder().setName("actor4.l1.W").addShape(10).addShape(50).build(),
                TensorLayout.newBuilder().setName("actor4.l1.b").addShape(500).build())).subList(0, 2));
        all.add(PolicyWeightsAck.newBuilder().setVersion(9).setAgent(4).build());
        all.add(SampleRequest.newBuilder().setRequestId(5).setShard(1).setRows(128).build());
        all.add(ReplaySample.newBuilder().setRequestId(5).setShard(1)
                .addRefs(0x1_0000_0001L).addRows(transition(7, true)).addIsWeights(1.0)
                .addRefs(0x1_0000_0002L).addRows(transition(8, false)).addIsWeights(0.25)
                .setPartIndex(0).setPartCount(2).build());
        all.add(PriorityUpdate.newBuilder().setShard(1).addRefs(0x1_0000_0001L).addLosses(0.5)
                .addRefs(0x1_0000_0002L).addLosses(0).build());
        all.add(TransitionAck.newBuilder().setWorld(3).setUpToSequence(1024).build());
        all.add(Credit.newBuilder().setShard(1).setN(256).build());
        all.add(episodeStats(17));
        all.add(ValidationStats.newBuilder().setPolicyVersion(9).setUpdates(900).setEpisode(60).setDays(2)
                .setCost(1211.5).setReward(-12.1).setDiscountedReward(-10.9).setViolationRatePu(0.0012)
                .setViolatedSteps(14).setSteps(192).addPerDay(episodeStats(0)).addPerDay(episodeStats(31)).build());
        all.add(manifest());
        all.add(org.p2pgrid.protocol.v1.LearnerStatusRequest.newBuilder().setRequestId(3)
                .setReplyTo("pekko://p2pgrid@127.0.0.1:2552/user/status#123").build());
        all.add(org.p2pgrid.protocol.v1.LearnerStatus.newBuilder().setRequestId(3)
                .setNodeAddress("pekko://p2pgrid@127.0.0.1:2551").setRestored(true).setCheckpoint("ep-000007")
                .setRestoredNextEpisode(7).setRestoredSteps(6720).setIncarnationStartedMs(1_700_000_000_000L)
                .setRequestsServed(4).build());
        org.p2pgrid.protocol.v1.EpisodeSummary summary = org.p2pgrid.protocol.v1.EpisodeSummary.newBuilder().setSteps(96)
                .setCost(2012.5).setReward(-20.1).setDiscountedReward(-18.2).setViolationRatePu(0.001).setViolatedSteps(2)
                .setLabelRequests(24).setSeconds(0.4).build();
        all.add(summary);
        all.add(org.p2pgrid.protocol.v1.EpisodeLease.newBuilder().setWorld(2).setEpisode(17).setAttempt(2).setDay(40).build());
        all.add(org.p2pgrid.protocol.v1.TransitionBatch.newBuilder().setSchemaVersion(1).setWorld(2).setIncarnation(77)
                .setSequence(5).setEpisode(41).setAttempt(1).setDay(40).addTransitions(transition(7, false))
                .setReplyTo("pekko://p2pgrid@127.0.0.1:2553/system/sharding/world/765/world-2#5").build());
        all.add(org.p2pgrid.protocol.v1.TransitionBatch.newBuilder().setSchemaVersion(1).setWorld(2).setIncarnation(77)
                .setSequence(6).setEpisode(1).setAttempt(1).setDay(40).setSummary(summary)
                .setReplyTo("pekko://p2pgrid@127.0.0.1:2553/system/sharding/world/765/world-2#5").build());
        all.add(org.p2pgrid.protocol.v1.TransitionBatchAck.newBuilder().setIncarnation(77).setSequence(6).build());
        all.add(org.p2pgrid.protocol.v1.WeightsRequest.newBuilder().setWorld(2).setHaveVersion(0)
                .setReplyTo("pekko://p2pgrid@127.0.0.1:2553/system/sharding/world/765/world-2#5").build());
        all.add(org.p2pgrid.protocol.v1.ValidationRequest.newBuilder().setRequestId(3).setVersion(401).setAgents(20)
                .addDays(0).addDays(31).setReplyTo("pekko://p2pgrid@127.0.0.1:2551/system/singletonManagerlearner/learner/coordinator/validations#9")
                .build());
        all.add(org.p2pgrid.protocol.v1.ValidationResult.newBuilder().setRequestId(3).setVersion(401)
                .addDays(org.p2pgrid.protocol.v1.ValidationDay.newBuilder().setDay(0).setCost(2101.5).setReward(-21.0)
                        .setDiscountedReward(-19.5).setViolationRatePu(0.0).setViolatedSteps(0))
                .addDays(org.p2pgrid.protocol.v1.ValidationDay.newBuilder().setDay(31).setCost(1987.25).setReward(-19.9)
                        .setDiscountedReward(-18.1).setViolationRatePu(0.002).setViolatedSteps(3))
                .setNode("pekko://p2pgrid@127.0.0.1:2553").setSeconds(1.25).build());
        return all;
    }

    /** Names of the generated top-level messages in p2pgrid.v1 (to check {@link #all()} misses none). */
    static List<String> topLevelTypes() {
        return List.of("Observation", "Action", "Transition", "LabelRequest", "LabelReply", "PolicyWeightsChunk",
                "PolicyWeightsAck", "SampleRequest", "ReplaySample", "PriorityUpdate", "TransitionAck", "Credit",
                "EpisodeStats", "ValidationStats", "CheckpointManifest", "LearnerStatusRequest", "LearnerStatus",
                "EpisodeLease", "EpisodeSummary", "TransitionBatch", "TransitionBatchAck", "WeightsRequest",
                "ValidationRequest", "ValidationResult");
    }
}
