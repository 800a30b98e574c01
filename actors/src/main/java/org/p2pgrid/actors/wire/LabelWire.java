package org.p2pgrid.actors.wire;

import java.util.List;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.expert.label.ExpertLabeller;
import org.p2pgrid.protocol.MessageValidator;
import org.p2pgrid.protocol.v1.LabelAction;
import org.p2pgrid.protocol.v1.LabelActions;
import org.p2pgrid.protocol.v1.LabelReply;
import org.p2pgrid.protocol.v1.LabelRequest;
import org.p2pgrid.protocol.v1.LabelSource;
import org.p2pgrid.protocol.v1.ProsumerDeviceState;

/** env {@link DeviceState} / expert {@link ExpertLabeller.Label} ⇄ {@link LabelRequest} / {@link LabelReply}. */
public final class LabelWire {
    private static final MessageValidator VALIDATOR = new MessageValidator();

    private LabelWire() {
    }

    /** @param prosumers the scenario's prosumers (for SOC in kWh = fraction × BESS capacity) */
    public static LabelRequest toRequest(long requestId, int day, int step, DeviceState[] states,
                                         List<ProsumerSpec> prosumers) {
        if (states.length != prosumers.size()) {
            throw new IllegalArgumentException(states.length + " device states for " + prosumers.size() + " prosumers");
        }
        LabelRequest.Builder b = LabelRequest.newBuilder().setRequestId(requestId).setDay(day).setStep(step);
        for (int i = 0; i < states.length; i++) {
            ProsumerSpec spec = prosumers.get(i);
            double kwh = spec.hasBess() ? states[i].socFraction() * spec.bess().capacityKwh() : 0;
            b.addProsumers(ProsumerDeviceState.newBuilder().setProsumer(i).setSocFraction(states[i].socFraction())
                    .setSocKwh(kwh).setPrevCdgKw(states[i].prevPCdgKw()));
        }
        return b.build();
    }

    /**
     * A cluster label request (learner's expert pool → expert node): {@link #toRequest(long, int, int, DeviceState[], List)}
     * plus the episode (the expert node keeps one episode's requests on one teacher, for plan re-use), the replay
     * reference the label is for, the agents' observations ({@code null}: none) and where the reply goes.
     */
    public static LabelRequest toRequest(long requestId, long episode, long transitionRef, int day, int step,
                                         DeviceState[] states, double[][] observations, List<ProsumerSpec> prosumers,
                                         String replyTo) {
        LabelRequest.Builder b = toRequest(requestId, day, step, states, prosumers).toBuilder().setEpisodeId(episode)
                .setTransitionRef(transitionRef).setReplyTo(replyTo == null ? "" : replyTo);
        if (observations != null && observations.length > 0) {
            if (observations.length != states.length) {
                throw new IllegalArgumentException(observations.length + " observation rows for " + states.length + " prosumers");
            }
            int dim = observations[0].length;
            b.setObsDim(dim);
            for (double[] row : observations) {
                if (row.length != dim) {
                    throw new IllegalArgumentException("ragged observations: " + row.length + " and " + dim + " features");
                }
                for (double v : row) {
                    b.addObservations(v);
                }
            }
        }
        return b.build();
    }

    /** Validated observations {@code [prosumer][obs_dim]}, or null when the request carries none. */
    public static double[][] observations(LabelRequest r) {
        VALIDATOR.validate(r);
        if (r.getObservationsCount() == 0) {
            return null;
        }
        int dim = r.getObsDim();
        double[][] o = new double[r.getProsumersCount()][dim];
        for (int i = 0; i < o.length; i++) {
            for (int f = 0; f < dim; f++) {
                o[i][f] = r.getObservations(i * dim + f);
            }
        }
        return o;
    }

    /** Validated device states, in prosumer order (SOC from {@code soc_fraction}). */
    public static DeviceState[] states(LabelRequest r) {
        VALIDATOR.validate(r);
        DeviceState[] s = new DeviceState[r.getProsumersCount()];
        for (int i = 0; i < s.length; i++) {
            ProsumerDeviceState p = r.getProsumers(i);
            s[i] = new DeviceState(p.getPrevCdgKw(), p.getSocFraction());
        }
        return s;
    }

    public static LabelReply toReply(LabelRequest request, ExpertLabeller.Label label) {
        LabelActions.Builder a = LabelActions.newBuilder();
        ProsumerAction[] actions = label.actions();
        for (int i = 0; i < actions.length; i++) {
            LabelAction.Builder pa = LabelAction.newBuilder().setProsumer(i);
            for (double v : actions[i].toArray()) {
                pa.addValues(v);
            }
            a.addProsumers(pa);
        }
        return reply(request).setActions(a).setSource(source(label.source())).setSolveSeconds(label.solveSeconds()).build();
    }

    /** The expert failed for {@code request}: {@code why} travels as text. */
    public static LabelReply toError(LabelRequest request, String why, double solveSeconds) {
        return reply(request).setError(why == null || why.isBlank() ? "expert failed (no reason given)" : why)
                .setSource(LabelSource.LABEL_SOURCE_SOLVE).setSolveSeconds(solveSeconds).build();
    }

    /** Validated label of a successful reply; throws {@link IllegalStateException} with the expert's text for an error reply. */
    public static ExpertLabeller.Label label(LabelReply r) {
        VALIDATOR.validate(r);
        if (r.hasError()) {
            throw new IllegalStateException("expert failed for day " + r.getDay() + " step " + r.getStep() + ": " + r.getError());
        }
        ProsumerAction[] a = new ProsumerAction[r.getActions().getProsumersCount()];
        for (int i = 0; i < a.length; i++) {
            a[i] = ProsumerAction.of(r.getActions().getProsumers(i).getValuesList().stream().mapToDouble(Double::doubleValue).toArray());
        }
        ExpertLabeller.Source source = switch (r.getSource()) {
            case LABEL_SOURCE_CACHE -> ExpertLabeller.Source.CACHE;
            case LABEL_SOURCE_PLAN_REUSE -> ExpertLabeller.Source.PLAN_REUSE;
            default -> ExpertLabeller.Source.SOLVE;
        };
        return new ExpertLabeller.Label(a, source, r.getSolveSeconds());
    }

    /** The label as float rows {@code [prosumer][5]}, as {@code Transition.withExpertLabel} takes it. */
    public static float[][] joint(ExpertLabeller.Label label) {
        float[][] f = new float[label.actions().length][ProsumerAction.DIMS];
        for (int i = 0; i < f.length; i++) {
            for (int d = 0; d < ProsumerAction.DIMS; d++) {
                f[i][d] = (float) label.actions()[i].get(d);
            }
        }
        return f;
    }

    private static LabelReply.Builder reply(LabelRequest request) {
        return LabelReply.newBuilder().setRequestId(request.getRequestId()).setDay(request.getDay())
                .setStep(request.getStep()).setTransitionRef(request.getTransitionRef());
    }

    private static LabelSource source(ExpertLabeller.Source s) {
        return switch (s) {
            case CACHE -> LabelSource.LABEL_SOURCE_CACHE;
            case PLAN_REUSE -> LabelSource.LABEL_SOURCE_PLAN_REUSE;
            case SOLVE -> LabelSource.LABEL_SOURCE_SOLVE;
        };
    }
}
