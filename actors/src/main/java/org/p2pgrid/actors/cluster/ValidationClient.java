package org.p2pgrid.actors.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.p2pgrid.actors.runtime.RolloutBackend;
import org.p2pgrid.actors.wire.SnapshotWire;
import org.p2pgrid.learner.nn.ActorSnapshot;
import org.p2pgrid.learner.train.Evaluation;
import org.p2pgrid.protocol.MessageValidator;
import org.p2pgrid.protocol.WeightsChunker;
import org.p2pgrid.protocol.v1.ValidationDay;
import org.p2pgrid.protocol.v1.ValidationRequest;
import org.p2pgrid.protocol.v1.ValidationResult;

/**
 * The learner's end of validation on rollout nodes (a child of the training coordinator in cluster mode):
 * for a {@link RolloutBackend.RemoteValidate} it picks a registered rollout validator (round robin), sends
 * the learner's weights as {@code PolicyWeightsChunk}s and then a {@link ValidationRequest}; the
 * {@link ValidationResult} becomes the {@link RolloutBackend.RemoteValidated} answer. No validator, an
 * error, no answer within {@code timeout}, or the validator's node leaving: an error answer, and the
 * coordinator validates on the learner instead — a validation is never lost, only moved back.
 */
final class ValidationClient {
    private record Listing(List<ActorRef<ValidationRequest>> nodes) {}

    private record Timeout(long id) {}

    private record Pending(RolloutBackend.RemoteValidate ask, ActorRef<ValidationRequest> node, long t0) {}

    private ValidationClient() {}

    static Behavior<Object> create(WeightsChunker chunker, Duration timeout) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            ActorRef<Receptionist.Listing> adapter = ctx.messageAdapter(Receptionist.Listing.class,
                    l -> new Listing(l.getServiceInstances(RolloutValidator.KEY).stream()
                            .sorted(Comparator.comparing(r -> r.path().toString())).toList()));
            ctx.getSystem().receptionist().tell(Receptionist.subscribe(RolloutValidator.KEY, adapter));
            return new State(ctx, timers, chunker, timeout).behavior();
        }));
    }

    private static final class State {
        final ActorContext<Object> ctx;
        final TimerScheduler<Object> timers;
        final WeightsChunker chunker;
        final Duration timeout;
        final String self;
        final MessageValidator validator = new MessageValidator();
        final Map<Long, Pending> pending = new HashMap<>();
        List<ActorRef<ValidationRequest>> nodes = List.of();
        long next;

        State(ActorContext<Object> ctx, TimerScheduler<Object> timers, WeightsChunker chunker, Duration timeout) {
            this.ctx = ctx;
            this.timers = timers;
            this.chunker = chunker;
            this.timeout = timeout;
            this.self = ActorRefResolver.get(ctx.getSystem()).toSerializationFormat(ctx.getSelf());
        }

        Behavior<Object> behavior() {
            return Behaviors.receive(Object.class)
                    .onMessage(Listing.class, l -> {
                        nodes = l.nodes();
                        // a validation on a node that left is not coming back: validate on the learner
                        for (Long id : new ArrayList<>(pending.keySet())) {
                            if (!nodes.contains(pending.get(id).node())) {
                                fail(id, "the validator's node left the cluster");
                            }
                        }
                        return Behaviors.same();
                    })
                    .onMessage(RolloutBackend.RemoteValidate.class, this::onAsk)
                    .onMessage(ValidationResult.class, this::onResult)
                    .onMessage(Timeout.class, t -> {
                        fail(t.id(), "no answer within " + timeout.toSeconds() + " s");
                        return Behaviors.same();
                    })
                    .build();
        }

        private Behavior<Object> onAsk(RolloutBackend.RemoteValidate m) {
            if (nodes.isEmpty()) {
                m.replyTo().tell(new RolloutBackend.RemoteValidated(null, null, "no rollout node offers validation"));
                return Behaviors.same();
            }
            long id = ++next;
            ActorRef<ValidationRequest> node = nodes.get((int) (id % nodes.size()));
            long wireVersion = m.weights().version() + 1; // as RolloutIngest: wire versions are > 0
            List<ActorSnapshot.Weights> perAgent = m.weights().perAgent();
            ActorRef<Object> raw = node.unsafeUpcast(); // the validator takes chunks too (a Behavior<Object>)
            for (ActorSnapshot.Weights w : perAgent) {
                // same actor, same sender: Artery delivers the chunks before the request
                SnapshotWire.toChunks(wireVersion, w, chunker).forEach(raw::tell);
            }
            node.tell(ValidationRequest.newBuilder().setRequestId(id).setVersion(wireVersion).setAgents(perAgent.size())
                    .addAllDays(m.days()).setReplyTo(self).build());
            pending.put(id, new Pending(m, node, System.nanoTime()));
            timers.startSingleTimer(id, new Timeout(id), timeout);
            return Behaviors.same();
        }

        private Behavior<Object> onResult(ValidationResult r) {
            Pending p = pending.remove(r.getRequestId());
            if (p == null) {
                return Behaviors.same(); // timed out before: the learner has validated already
            }
            timers.cancel(r.getRequestId());
            List<String> problems = validator.check(r);
            if (!problems.isEmpty()) {
                p.ask().replyTo().tell(new RolloutBackend.RemoteValidated(null, null, "invalid result: " + problems));
                return Behaviors.same();
            }
            if (!r.getError().isEmpty()) {
                p.ask().replyTo().tell(new RolloutBackend.RemoteValidated(null, null, r.getNode() + ": " + r.getError()));
                return Behaviors.same();
            }
            List<Integer> asked = p.ask().days();
            List<Evaluation.DayResult> out = new ArrayList<>();
            for (ValidationDay d : r.getDaysList()) {
                out.add(new Evaluation.DayResult(d.getDay(), d.getCost(), d.getReward(), d.getDiscountedReward(),
                        d.getViolationRatePu(), d.getViolatedSteps()));
            }
            if (!out.stream().map(Evaluation.DayResult::day).toList().equals(asked)) {
                p.ask().replyTo().tell(new RolloutBackend.RemoteValidated(null, null, "days " + out.stream()
                        .map(Evaluation.DayResult::day).toList() + " answered for " + asked));
                return Behaviors.same();
            }
            ClusterNode.out(String.format(Locale.ROOT, "VALIDATION-REMOTE node=%s version=%d days=%d seconds=%.2f"
                    + " round-trip-s=%.2f", r.getNode(), r.getVersion(), out.size(), r.getSeconds(),
                    (System.nanoTime() - p.t0()) / 1e9));
            p.ask().replyTo().tell(new RolloutBackend.RemoteValidated(List.copyOf(out), r.getNode(), null));
            return Behaviors.same();
        }

        private void fail(long id, String why) {
            Pending p = pending.remove(id);
            if (p != null) {
                timers.cancel(id);
                ClusterNode.out("VALIDATION-REMOTE-FAILED why=" + why.replace(' ', '_'));
                p.ask().replyTo().tell(new RolloutBackend.RemoteValidated(null, null, why));
            }
        }
    }
}
