package org.p2pgrid.protocol;

import com.google.protobuf.ByteString;
import com.google.protobuf.Internal;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.p2pgrid.protocol.v1.Action;
import org.p2pgrid.protocol.v1.CheckpointFile;
import org.p2pgrid.protocol.v1.CheckpointManifest;
import org.p2pgrid.protocol.v1.CostBreakdown;
import org.p2pgrid.protocol.v1.Credit;
import org.p2pgrid.protocol.v1.EpisodeStats;
import org.p2pgrid.protocol.v1.LabelAction;
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

/**
 * Checks a message received from another node against the protocol's rules and {@link ProtocolLimits}:
 * shapes that agree with the declared dimensions, indices in range, no NaN/∞ where a number enters
 * maths, schema versions this build understands. Every problem is reported as
 * {@code "Type.field: value, expected …"}, e.g.
 * {@code "Transition.observation: 199 floats, expected agents×obsDim = 20×10 = 200"}; a nested
 * message's problems are prefixed with its path ({@code "ReplaySample.rows[3]: Transition.reward: NaN, …"}).
 *
 * <p>Stateless and thread-safe. Stateful rules (sequence order, weight-chunk reassembly) belong to
 * the receivers ({@link WeightsAssembler} for weights).
 */
public final class MessageValidator {
    /** Width of an eq-22 prosumer action [P_CDG, P_RDG, Q_RDG, P_BESS, P_CL]. */
    public static final int PROSUMER_ACTION_DIMS = 5;
    private static final int SHA256_BYTES = 32;

    private final ProtocolLimits limits;

    public MessageValidator(ProtocolLimits limits) {
        this.limits = limits;
    }

    public MessageValidator() {
        this(ProtocolLimits.defaults());
    }

    public ProtocolLimits limits() {
        return limits;
    }

    /** Throws {@link InvalidMessageException} listing every problem; returns {@code msg} if there is none. */
    public <T extends Message> T validate(T msg) {
        List<String> problems = check(msg);
        if (!problems.isEmpty()) {
            throw new InvalidMessageException(problems);
        }
        return msg;
    }

    /** Every problem of {@code msg}, empty if it is valid. */
    public List<String> check(Message msg) {
        P p = new P("");
        if (msg == null) {
            p.add("message is null");
        } else if (msg instanceof Transition m) {
            transition(m, p);
        } else if (msg instanceof Observation m) {
            observation(m, p);
        } else if (msg instanceof Action m) {
            action(m, p);
        } else if (msg instanceof LabelRequest m) {
            labelRequest(m, p);
        } else if (msg instanceof LabelReply m) {
            labelReply(m, p);
        } else if (msg instanceof PolicyWeightsChunk m) {
            chunk(m, p);
        } else if (msg instanceof PolicyWeightsAck m) {
            p.positive("PolicyWeightsAck.version", m.getVersion());
            agentIndex("PolicyWeightsAck.agent", m.getAgent(), p);
        } else if (msg instanceof SampleRequest m) {
            p.nonNegative("SampleRequest.shard", m.getShard());
            p.inRange("SampleRequest.rows", m.getRows(), 1, limits.maxBatchRows());
        } else if (msg instanceof ReplaySample m) {
            replaySample(m, p);
        } else if (msg instanceof PriorityUpdate m) {
            priorityUpdate(m, p);
        } else if (msg instanceof TransitionAck m) {
            p.nonNegative("TransitionAck.world", m.getWorld());
            p.nonNegative("TransitionAck.up_to_sequence", m.getUpToSequence());
        } else if (msg instanceof Credit m) {
            p.nonNegative("Credit.shard", m.getShard());
            p.inRange("Credit.n", m.getN(), 1, limits.maxCredit());
        } else if (msg instanceof CostBreakdown m) {
            costs("CostBreakdown", m, p);
        } else if (msg instanceof EpisodeStats m) {
            episodeStats(m, p);
        } else if (msg instanceof ValidationStats m) {
            validationStats(m, p);
        } else if (msg instanceof CheckpointManifest m) {
            manifest(m, p);
        } else if (msg instanceof ProsumerDeviceState m) {
            deviceState("ProsumerDeviceState", m, p);
        } else if (msg instanceof org.p2pgrid.protocol.v1.LearnerStatusRequest m) {
            if (m.getReplyTo().isEmpty()) {
                p.add("LearnerStatusRequest.reply_to: empty");
            }
        } else if (msg instanceof org.p2pgrid.protocol.v1.LearnerStatus m) {
            if (m.getNodeAddress().isEmpty()) {
                p.add("LearnerStatus.node_address: empty");
            }
            p.nonNegative("LearnerStatus.restored_next_episode", m.getRestoredNextEpisode());
            p.nonNegative("LearnerStatus.restored_steps", m.getRestoredSteps());
            p.nonNegative("LearnerStatus.requests_served", m.getRequestsServed());
            if (m.getRestored() == m.getCheckpoint().isEmpty()) {
                p.add("LearnerStatus: restored=" + m.getRestored() + " but checkpoint='" + m.getCheckpoint() + "'");
            }
        } else if (msg instanceof org.p2pgrid.protocol.v1.TransitionBatch m) {
            transitionBatch(m, p);
        } else if (msg instanceof org.p2pgrid.protocol.v1.EpisodeSummary m) {
            episodeSummary(m, p);
        } else if (msg instanceof org.p2pgrid.protocol.v1.TransitionBatchAck m) {
            p.positive("TransitionBatchAck.sequence", m.getSequence());
        } else if (msg instanceof org.p2pgrid.protocol.v1.EpisodeLease m) {
            p.nonNegative("EpisodeLease.world", m.getWorld());
            p.nonNegative("EpisodeLease.episode", m.getEpisode());
            p.positive("EpisodeLease.attempt", m.getAttempt());
            p.inRange("EpisodeLease.day", m.getDay(), 0, 365);
        } else if (msg instanceof org.p2pgrid.protocol.v1.WeightsRequest m) {
            p.nonNegative("WeightsRequest.world", m.getWorld());
            if (m.getReplyTo().isEmpty()) {
                p.add("WeightsRequest.reply_to: empty");
            }
        } else if (msg instanceof org.p2pgrid.protocol.v1.ValidationRequest m) {
            p.positive("ValidationRequest.version", m.getVersion());
            p.inRange("ValidationRequest.agents", m.getAgents(), 1, limits.maxAgents(), "agents");
            if (p.inRange("ValidationRequest.days", m.getDaysCount(), 1, 366, "days")) {
                for (int i = 0; i < m.getDaysCount(); i++) {
                    p.inRange("ValidationRequest.days[" + i + "]", m.getDays(i), 0, 364);
                }
            }
            if (m.getReplyTo().isEmpty()) {
                p.add("ValidationRequest.reply_to: empty");
            }
            p.maxText("ValidationRequest.reply_to", m.getReplyTo(), limits.maxTextChars());
        } else if (msg instanceof org.p2pgrid.protocol.v1.ValidationResult m) {
            p.maxText("ValidationResult.error", m.getError(), limits.maxTextChars());
            if (m.getError().isEmpty() && m.getDaysCount() == 0) {
                p.add("ValidationResult.days: none, expected the validated days or an error");
            }
            for (int i = 0; i < m.getDaysCount(); i++) {
                var d = m.getDays(i);
                String f = "ValidationResult.days[" + i + "]";
                p.inRange(f + ".day", d.getDay(), 0, 364);
                p.finite(f + ".cost", d.getCost());
                p.finite(f + ".reward", d.getReward());
                p.finite(f + ".discounted_reward", d.getDiscountedReward());
                p.finite(f + ".violation_rate_pu", d.getViolationRatePu());
                p.nonNegative(f + ".violated_steps", d.getViolatedSteps());
            }
        } else {
            p.add(msg.getDescriptorForType().getFullName() + ": no validation rules for this message type");
        }
        return p.list;
    }

    // ---- per type ----

    private void transitionBatch(org.p2pgrid.protocol.v1.TransitionBatch m, P p) {
        if (m.getSchemaVersion() != 1) {
            p.add("TransitionBatch.schema_version: " + m.getSchemaVersion() + " (this build reads 1)");
        }
        p.nonNegative("TransitionBatch.world", m.getWorld());
        if (m.getIncarnation() == 0) {
            p.add("TransitionBatch.incarnation: 0");
        }
        p.positive("TransitionBatch.sequence", m.getSequence());
        p.nonNegative("TransitionBatch.episode", m.getEpisode());
        p.positive("TransitionBatch.attempt", m.getAttempt());
        p.inRange("TransitionBatch.transitions", m.getTransitionsCount(), 0, limits.maxBatchRows());
        if (m.hasSummary() && m.getTransitionsCount() > 0) {
            p.add("TransitionBatch: a commit batch (summary set) carries no transitions");
        }
        if (m.getReplyTo().isEmpty()) {
            p.add("TransitionBatch.reply_to: empty");
        }
        for (int i = 0; i < m.getTransitionsCount(); i++) {
            org.p2pgrid.protocol.v1.Transition t = m.getTransitions(i);
            transition(t, p);
            if (t.getEpisodeId() != m.getEpisode()) {
                p.add("TransitionBatch.transitions[" + i + "].episode_id " + t.getEpisodeId() + " != " + m.getEpisode());
            }
        }
        for (int i = 0; i < m.getLabelsCount(); i++) {
            labelRequest(m.getLabels(i), p);
        }
        if (m.hasSummary()) {
            episodeSummary(m.getSummary(), p);
        }
    }

    private void episodeSummary(org.p2pgrid.protocol.v1.EpisodeSummary m, P p) {
        p.nonNegative("EpisodeSummary.steps", m.getSteps());
        p.nonNegative("EpisodeSummary.violated_steps", m.getViolatedSteps());
        p.nonNegative("EpisodeSummary.label_requests", m.getLabelRequests());
        p.finite("EpisodeSummary.cost", m.getCost());
        p.finite("EpisodeSummary.reward", m.getReward());
        p.finite("EpisodeSummary.discounted_reward", m.getDiscountedReward());
        p.finite("EpisodeSummary.violation_rate_pu", m.getViolationRatePu());
        p.finite("EpisodeSummary.seconds", m.getSeconds());
    }


    private void transition(Transition m, P p) {
        schema("Transition", m.getSchemaVersion(), SchemaVersions.TRANSITION, p);
        p.nonNegative("Transition.world_id", m.getWorldId());
        p.positive("Transition.sequence", m.getSequence());
        p.nonNegative("Transition.episode_id", m.getEpisodeId());
        p.nonNegative("Transition.day", m.getDay());
        p.nonNegative("Transition.step", m.getStep());
        boolean dims = p.inRange("Transition.agents", m.getAgents(), 1, limits.maxAgents())
                & p.inRange("Transition.obs_dim", m.getObsDim(), 1, limits.maxObsDim())
                & p.inRange("Transition.action_dim", m.getActionDim(), 1, limits.maxActionDim());
        p.finite("Transition.reward", m.getReward());
        if (!dims) {
            return; // lengths cannot be checked against nonsense dimensions
        }
        int n = m.getAgents();
        joint("Transition.observation", m.getObservationList(), n, m.getObsDim(), "obsDim", false, p);
        joint("Transition.action", m.getActionList(), n, m.getActionDim(), "actionDim", false, p);
        joint("Transition.next_observation", m.getNextObservationList(), n, m.getObsDim(), "obsDim", false, p);
        joint("Transition.expert_label", m.getExpertLabelList(), n, m.getActionDim(), "actionDim", true, p);
    }

    private void observation(Observation m, P p) {
        stepHeader("Observation", m.getWorldId(), m.getEpisodeId(), m.getDay(), m.getStep(), m.getAgent(), p);
        vector("Observation.values", m.getValuesList(), limits.maxObsDim(), p);
    }

    private void action(Action m, P p) {
        stepHeader("Action", m.getWorldId(), m.getEpisodeId(), m.getDay(), m.getStep(), m.getAgent(), p);
        vector("Action.values", m.getValuesList(), limits.maxActionDim(), p);
        p.nonNegative("Action.policy_version", m.getPolicyVersion());
    }

    private void labelRequest(LabelRequest m, P p) {
        p.nonNegative("LabelRequest.day", m.getDay());
        p.nonNegative("LabelRequest.step", m.getStep());
        int n = m.getProsumersCount();
        if (p.inRange("LabelRequest.prosumers", n, 1, limits.maxAgents(), "entries")) {
            for (int i = 0; i < n; i++) {
                ProsumerDeviceState s = m.getProsumers(i);
                deviceState("LabelRequest.prosumers[" + i + "]", s, p);
                if (s.getProsumer() != i) {
                    p.add("LabelRequest.prosumers[" + i + "].prosumer: " + s.getProsumer()
                            + ", expected " + i + " (one entry per prosumer, in prosumer order)");
                }
            }
        }
        // observations ride along only for teachers that need them: none, or exactly prosumers x obs_dim finite values
        int obs = m.getObservationsCount();
        int dim = m.getObsDim();
        if (obs == 0) {
            if (dim != 0) {
                p.add("LabelRequest.obs_dim: " + dim + " without observations, expected 0");
            }
        } else if (p.inRange("LabelRequest.obs_dim", dim, 1, limits.maxObsDim(), "features")) {
            if ((long) n * dim != obs) {
                p.add("LabelRequest.observations: " + obs + " values, expected prosumers x obs_dim = " + n + " x " + dim);
            } else {
                for (int i = 0; i < obs; i++) {
                    if (!p.finite("LabelRequest.observations[" + i + "]", m.getObservations(i))) {
                        break;
                    }
                }
            }
        }
        p.maxText("LabelRequest.reply_to", m.getReplyTo(), limits.maxTextChars());
    }

    private void deviceState(String path, ProsumerDeviceState s, P p) {
        agentIndex(path + ".prosumer", s.getProsumer(), p);
        if (p.finite(path + ".soc_kwh", s.getSocKwh())) {
            p.atLeast(path + ".soc_kwh", s.getSocKwh(), 0);
        }
        p.finite(path + ".prev_cdg_kw", s.getPrevCdgKw());
        double f = s.getSocFraction();
        if (!(f >= 0 && f <= 1)) {
            p.add(path + ".soc_fraction: " + f + ", expected a fraction in [0, 1]");
        }
    }

    private void labelReply(LabelReply m, P p) {
        p.nonNegative("LabelReply.day", m.getDay());
        p.nonNegative("LabelReply.step", m.getStep());
        switch (m.getResultCase()) {
            case ACTIONS -> {
                int n = m.getActions().getProsumersCount();
                if (p.inRange("LabelReply.actions.prosumers", n, 1, limits.maxAgents(), "entries")) {
                    for (int i = 0; i < n; i++) {
                        LabelAction a = m.getActions().getProsumers(i);
                        String f = "LabelReply.actions.prosumers[" + i + "]";
                        if (a.getProsumer() != i) {
                            p.add(f + ".prosumer: " + a.getProsumer() + ", expected " + i
                                    + " (one entry per prosumer, in prosumer order)");
                        }
                        if (a.getValuesCount() != PROSUMER_ACTION_DIMS) {
                            p.add(f + ".values: " + a.getValuesCount() + " numbers, expected "
                                    + PROSUMER_ACTION_DIMS + " [P_CDG, P_RDG, Q_RDG, P_BESS, P_CL]");
                        }
                        for (int d = 0; d < a.getValuesCount(); d++) {
                            p.finite(f + ".values[" + d + "]", a.getValues(d));
                        }
                    }
                }
                if (m.getSource() == LabelSource.LABEL_SOURCE_UNSPECIFIED || m.getSource() == LabelSource.UNRECOGNIZED) {
                    p.add("LabelReply.source: " + sourceName(m) + ", expected CACHE, PLAN_REUSE or SOLVE");
                }
            }
            case ERROR -> {
                String e = m.getError();
                if (e.isBlank()) {
                    p.add("LabelReply.error: blank, expected the reason the expert failed");
                }
                p.maxText("LabelReply.error", e, limits.maxTextChars());
            }
            case RESULT_NOT_SET -> p.add("LabelReply.result: not set, expected actions or error");
        }
        if (p.finite("LabelReply.solve_seconds", m.getSolveSeconds())) {
            p.atLeast("LabelReply.solve_seconds", m.getSolveSeconds(), 0);
        }
    }

    private static String sourceName(LabelReply m) {
        return m.getSource() == LabelSource.UNRECOGNIZED ? "unknown value " + m.getSourceValue() : m.getSource().name();
    }

    private void chunk(PolicyWeightsChunk m, P p) {
        schema("PolicyWeightsChunk", m.getSchemaVersion(), SchemaVersions.WEIGHTS, p);
        p.positive("PolicyWeightsChunk.version", m.getVersion());
        agentIndex("PolicyWeightsChunk.agent", m.getAgent(), p);
        if (m.getEncoding() != PolicyWeightsChunk.Encoding.ENCODING_FLOAT32_LE) {
            p.add("PolicyWeightsChunk.encoding: unknown value " + m.getEncodingValue() + ", expected FLOAT32_LE");
        }
        int count = m.getChunkCount();
        boolean countOk = p.inRange("PolicyWeightsChunk.chunk_count", count, 1, limits.maxChunkCount());
        if (countOk && (m.getChunkIndex() < 0 || m.getChunkIndex() >= count)) {
            p.add("PolicyWeightsChunk.chunk_index: " + m.getChunkIndex() + ", expected 0 ≤ index < chunk_count = " + count);
        }
        long total = m.getTotalBytes();
        boolean totalOk = p.inRange("PolicyWeightsChunk.total_bytes", total, 4, limits.maxWeightsBytes());
        if (totalOk && total % 4 != 0) {
            p.add("PolicyWeightsChunk.total_bytes: " + total + ", expected a multiple of 4 (float32)");
            totalOk = false;
        }
        int payload = m.getPayload().size();
        if (payload == 0) {
            p.add("PolicyWeightsChunk.payload: empty, expected 1 to " + limits.maxChunkPayloadBytes() + " bytes");
        } else if (payload > limits.maxChunkPayloadBytes()) {
            p.add("PolicyWeightsChunk.payload: " + payload + " bytes, over the limit " + limits.maxChunkPayloadBytes());
        } else if (totalOk && payload > total) {
            p.add("PolicyWeightsChunk.payload: " + payload + " bytes, more than total_bytes = " + total);
        }
        if (countOk && totalOk && total > (long) count * limits.maxChunkPayloadBytes()) {
            p.add("PolicyWeightsChunk.total_bytes: " + total + ", more than chunk_count×max payload = " + count
                    + "×" + limits.maxChunkPayloadBytes());
        }
        if (countOk && totalOk && count > total) {
            p.add("PolicyWeightsChunk.chunk_count: " + count + ", more than total_bytes = " + total
                    + " (every chunk carries at least one byte)");
        }
        int tensors = m.getLayoutCount();
        if (tensors > 0) {
            if (m.getChunkIndex() != 0) {
                p.add("PolicyWeightsChunk.layout: " + tensors + " tensors on chunk " + m.getChunkIndex()
                        + ", expected the layout on chunk 0 only");
            }
            if (p.inRange("PolicyWeightsChunk.layout", tensors, 1, limits.maxLayoutTensors(), "tensors") && totalOk) {
                layout(m, total / 4, p);
            }
        }
    }

    private void layout(PolicyWeightsChunk m, long floats, P p) {
        long sum = 0;
        Set<String> names = new HashSet<>();
        for (int i = 0; i < m.getLayoutCount(); i++) {
            TensorLayout t = m.getLayout(i);
            String f = "PolicyWeightsChunk.layout[" + i + "]";
            if (t.getName().isEmpty()) {
                p.add(f + ".name: empty, expected a tensor name");
            } else if (!names.add(t.getName())) {
                p.add(f + ".name: \"" + t.getName() + "\" appears twice");
            }
            p.maxText(f + ".name", t.getName(), limits.maxTextChars());
            if (t.getShapeCount() == 0) {
                p.add(f + ".shape: empty, expected at least one dimension");
                continue;
            }
            long size = 1;
            for (int d = 0; d < t.getShapeCount(); d++) {
                long s = t.getShape(d);
                if (s <= 0 || s > floats) {
                    p.add(f + ".shape[" + d + "]: " + s + ", expected 1 to " + floats);
                    size = -1;
                    break;
                }
                size *= s;
                if (size > floats) {
                    break;
                }
            }
            if (size < 0) {
                return;
            }
            sum += size;
            if (sum > floats) {
                break;
            }
        }
        if (sum != floats) {
            p.add("PolicyWeightsChunk.layout: tensors hold " + sum + " floats, expected total_bytes/4 = " + floats);
        }
    }

    private void replaySample(ReplaySample m, P p) {
        p.nonNegative("ReplaySample.shard", m.getShard());
        int rows = m.getRowsCount();
        p.inRange("ReplaySample.rows", rows, 0, limits.maxBatchRows(), "rows");
        if (m.getRefsCount() != rows) {
            p.add("ReplaySample.refs: " + m.getRefsCount() + " refs, expected one per row = " + rows);
        }
        if (m.getIsWeightsCount() != rows) {
            p.add("ReplaySample.is_weights: " + m.getIsWeightsCount() + " weights, expected one per row = " + rows);
        }
        for (int i = 0; i < m.getIsWeightsCount(); i++) {
            double w = m.getIsWeights(i);
            if (!(w > 0 && w <= 1)) {
                p.add("ReplaySample.is_weights[" + i + "]: " + w + ", expected a weight in (0, 1]");
            }
        }
        int parts = m.getPartCount() == 0 ? 1 : m.getPartCount();
        if (p.inRange("ReplaySample.part_count", parts, 1, limits.maxBatchRows())
                && (m.getPartIndex() < 0 || m.getPartIndex() >= parts)) {
            p.add("ReplaySample.part_index: " + m.getPartIndex() + ", expected 0 ≤ index < part_count = " + parts);
        }
        for (int i = 0; i < rows && i < limits.maxBatchRows(); i++) {
            P row = new P("ReplaySample.rows[" + i + "]: ");
            transition(m.getRows(i), row);
            p.list.addAll(row.list);
        }
    }

    private void priorityUpdate(PriorityUpdate m, P p) {
        p.nonNegative("PriorityUpdate.shard", m.getShard());
        int n = m.getRefsCount();
        p.inRange("PriorityUpdate.refs", n, 1, limits.maxBatchRows(), "refs");
        if (m.getLossesCount() != n) {
            p.add("PriorityUpdate.losses: " + m.getLossesCount() + " losses, expected one per ref = " + n);
        }
        for (int i = 0; i < m.getLossesCount(); i++) {
            double l = m.getLosses(i);
            if (!(l >= 0) || Double.isInfinite(l)) {
                p.add("PriorityUpdate.losses[" + i + "]: " + l + ", expected a finite loss ≥ 0");
            }
        }
    }

    private void costs(String path, CostBreakdown c, P p) {
        p.finite(path + ".grid", c.getGrid());
        p.finite(path + ".cdg", c.getCdg());
        p.finite(path + ".bess", c.getBess());
        p.finite(path + ".cl", c.getCl());
        p.finite(path + ".p2p", c.getP2P());
    }

    private void episodeStats(EpisodeStats m, P p) {
        episodeStats("EpisodeStats", m, p);
    }

    private void episodeStats(String t, EpisodeStats m, P p) {
        p.nonNegative(t + ".world_id", m.getWorldId());
        p.nonNegative(t + ".episode_id", m.getEpisodeId());
        p.nonNegative(t + ".day", m.getDay());
        p.nonNegative(t + ".policy_version", m.getPolicyVersion());
        boolean costOk = p.finite(t + ".cost", m.getCost());
        if (m.hasCostByTerm()) {
            CostBreakdown c = m.getCostByTerm();
            costs(t + ".cost_by_term", c, p);
            double sum = c.getGrid() + c.getCdg() + c.getBess() + c.getCl() + c.getP2P();
            if (costOk && Double.isFinite(sum) && Math.abs(sum - m.getCost()) > 1e-6 * Math.max(1, Math.abs(m.getCost()))) {
                p.add(t + ".cost: " + m.getCost() + ", expected the sum of cost_by_term = " + sum);
            }
        }
        p.finite(t + ".reward", m.getReward());
        p.finite(t + ".discounted_reward", m.getDiscountedReward());
        if (p.finite(t + ".violation_rate_pu", m.getViolationRatePu())) {
            p.atLeast(t + ".violation_rate_pu", m.getViolationRatePu(), 0);
        }
        stepCounts(t, m.getViolatedSteps(), m.getSteps(), p);
        if (m.getSteps() > 0) {
            p.finite(t + ".min_voltage", m.getMinVoltage());
            p.finite(t + ".max_voltage", m.getMaxVoltage());
            if (m.getMinVoltage() > m.getMaxVoltage()) {
                p.add(t + ".min_voltage: " + m.getMinVoltage() + ", expected ≤ max_voltage = " + m.getMaxVoltage());
            }
        }
        p.finite(t + ".p2p_energy_kwh", m.getP2PEnergyKwh());
        p.finite(t + ".grid_import_kwh", m.getGridImportKwh());
        p.finite(t + ".grid_export_kwh", m.getGridExportKwh());
        p.finite(t + ".losses_kwh", m.getLossesKwh());
    }

    private void validationStats(ValidationStats m, P p) {
        p.nonNegative("ValidationStats.policy_version", m.getPolicyVersion());
        p.nonNegative("ValidationStats.updates", m.getUpdates());
        p.nonNegative("ValidationStats.episode", m.getEpisode());
        p.nonNegative("ValidationStats.days", m.getDays());
        p.finite("ValidationStats.cost", m.getCost());
        p.finite("ValidationStats.reward", m.getReward());
        p.finite("ValidationStats.discounted_reward", m.getDiscountedReward());
        if (p.finite("ValidationStats.violation_rate_pu", m.getViolationRatePu())) {
            p.atLeast("ValidationStats.violation_rate_pu", m.getViolationRatePu(), 0);
        }
        stepCounts("ValidationStats", m.getViolatedSteps(), m.getSteps(), p);
        if (m.getPerDayCount() > 0 && m.getPerDayCount() != m.getDays()) {
            p.add("ValidationStats.per_day: " + m.getPerDayCount() + " entries, expected days = " + m.getDays()
                    + " (or none)");
        }
        for (int i = 0; i < m.getPerDayCount() && i < limits.maxBatchRows(); i++) {
            episodeStats("ValidationStats.per_day[" + i + "]", m.getPerDay(i), p);
        }
    }

    private static void stepCounts(String t, int violated, int steps, P p) {
        p.nonNegative(t + ".steps", steps);
        if (violated < 0 || violated > Math.max(steps, 0)) {
            p.add(t + ".violated_steps: " + violated + ", expected 0 ≤ violated_steps ≤ steps = " + steps);
        }
    }

    private void manifest(CheckpointManifest m, P p) {
        schema("CheckpointManifest", m.getSchemaVersion(), SchemaVersions.CHECKPOINT, p);
        if (m.getRunId().isBlank()) {
            p.add("CheckpointManifest.run_id: blank, expected the run's id");
        }
        p.maxText("CheckpointManifest.run_id", m.getRunId(), limits.maxTextChars());
        p.nonNegative("CheckpointManifest.episode", m.getEpisode());
        p.nonNegative("CheckpointManifest.updates", m.getUpdates());
        p.nonNegative("CheckpointManifest.policy_version", m.getPolicyVersion());
        p.positive("CheckpointManifest.created_epoch_millis", m.getCreatedEpochMillis());
        int n = m.getFilesCount();
        p.inRange("CheckpointManifest.files", n, 1, limits.maxCheckpointFiles(), "files");
        Set<String> paths = new HashSet<>();
        for (int i = 0; i < n && i < limits.maxCheckpointFiles(); i++) {
            CheckpointFile f = m.getFiles(i);
            String fp = "CheckpointManifest.files[" + i + "]";
            String path = f.getPath();
            String why = pathProblem(path);
            if (why != null) {
                p.add(fp + ".path: \"" + abbreviate(path) + "\", expected " + why);
            } else if (!paths.add(path)) {
                p.add(fp + ".path: \"" + path + "\" listed twice");
            }
            p.maxText(fp + ".path", path, limits.maxTextChars());
            p.nonNegative(fp + ".size_bytes", f.getSizeBytes());
            ByteString sha = f.getSha256();
            if (sha.size() != SHA256_BYTES) {
                p.add(fp + ".sha256: " + sha.size() + " bytes, expected " + SHA256_BYTES);
            }
        }
    }

    private static String pathProblem(String path) {
        if (path.isEmpty()) {
            return "a relative path";
        }
        if (path.startsWith("/") || path.contains("\\") || path.contains(":")) {
            return "a relative '/'-separated path inside the checkpoint directory";
        }
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return "no empty, '.' or '..' segments";
            }
        }
        return null;
    }

    // ---- shared pieces ----

    private void stepHeader(String t, long world, long episode, int day, int step, int agent, P p) {
        p.nonNegative(t + ".world_id", world);
        p.nonNegative(t + ".episode_id", episode);
        p.nonNegative(t + ".day", day);
        p.nonNegative(t + ".step", step);
        agentIndex(t + ".agent", agent, p);
    }

    private void agentIndex(String field, int agent, P p) {
        if (agent < 0 || agent >= limits.maxAgents()) {
            p.add(field + ": " + agent + ", expected 0 ≤ agent < " + limits.maxAgents());
        }
    }

    private static void schema(String t, int version, int current, P p) {
        if (version < 0 || version > current) {
            p.add(t + ".schema_version: " + Integer.toUnsignedString(version) + ", this build reads 0 to " + current
                    + " (written by a newer, incompatible build?)");
        }
    }

    private static void vector(String field, List<Float> values, int max, P p) {
        int n = values.size();
        if (n == 0 || n > max) {
            p.add(field + ": " + n + " floats, expected 1 to " + max);
        }
        nonFinite(field, values, p);
    }

    private static void joint(String field, List<Float> values, int agents, int dim, String dimName,
                              boolean mayBeEmpty, P p) {
        int n = values.size();
        long expected = (long) agents * dim;
        if (n != expected && !(mayBeEmpty && n == 0)) {
            p.add(field + ": " + n + " floats, expected " + (mayBeEmpty ? "none or " : "") + "agents×" + dimName
                    + " = " + agents + "×" + dim + " = " + expected);
        }
        nonFinite(field, values, p);
    }

    private static void nonFinite(String field, List<Float> values, P p) {
        int bad = 0;
        int first = -1;
        // Generated repeated-float fields are Internal.FloatList: read primitives, do not box.
        Internal.FloatList floats = values instanceof Internal.FloatList fl ? fl : null;
        for (int i = 0; i < values.size(); i++) {
            float v = floats != null ? floats.getFloat(i) : values.get(i);
            if (!Float.isFinite(v)) {
                if (first < 0) {
                    first = i;
                }
                bad++;
            }
        }
        if (bad > 0) {
            p.add(field + "[" + first + "]: " + values.get(first) + ", expected a finite number"
                    + (bad > 1 ? " (" + bad + " non-finite values)" : ""));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "…";
    }

    /** Problem collector with a path prefix. */
    private static final class P {
        final String prefix;
        final List<String> list = new ArrayList<>();

        P(String prefix) {
            this.prefix = prefix;
        }

        void add(String s) {
            list.add(prefix + s);
        }

        boolean finite(String field, double v) {
            if (!Double.isFinite(v)) {
                add(field + ": " + v + ", expected a finite number");
                return false;
            }
            return true;
        }

        void atLeast(String field, double v, double min) {
            if (v < min) {
                add(field + ": " + v + ", expected ≥ " + min);
            }
        }

        void positive(String field, long v) {
            if (v <= 0) {
                add(field + ": " + v + ", expected > 0");
            }
        }

        void nonNegative(String field, long v) {
            if (v < 0) {
                add(field + ": " + v + ", expected ≥ 0");
            }
        }

        boolean inRange(String field, long v, long lo, long hi) {
            if (v < lo || v > hi) {
                add(field + ": " + v + ", expected " + lo + " to " + hi);
                return false;
            }
            return true;
        }

        boolean inRange(String field, long v, long lo, long hi, String unit) {
            if (v < lo || v > hi) {
                add(field + ": " + v + " " + unit + ", expected " + lo + " to " + hi);
                return false;
            }
            return true;
        }

        void maxText(String field, String s, int max) {
            if (s.length() > max) {
                add(field + ": " + s.length() + " chars, over the limit " + max);
            }
        }
    }
}
