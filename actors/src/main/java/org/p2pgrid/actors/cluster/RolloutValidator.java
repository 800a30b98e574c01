package org.p2pgrid.actors.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.p2pgrid.actors.runtime.SnapshotPolicy;
import org.p2pgrid.actors.wire.SnapshotWire;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.learner.nn.ActorSnapshot;
import org.p2pgrid.learner.train.Evaluation;
import org.p2pgrid.protocol.MessageValidator;
import org.p2pgrid.protocol.WeightsAssembler;
import org.p2pgrid.protocol.v1.PolicyWeightsChunk;
import org.p2pgrid.protocol.v1.ValidationDay;
import org.p2pgrid.protocol.v1.ValidationRequest;
import org.p2pgrid.protocol.v1.ValidationResult;

/**
 * A rollout node's validator (DESIGN §3.5 on the rollout side): the learner sends the policy's weight
 * chunks and then a {@link ValidationRequest}; this actor assembles the weights of that version and runs
 * the validation days greedily ({@link Evaluation#run} with the {@link SnapshotPolicy} — the arithmetic a
 * world uses for a greedy step) on the blocking dispatcher, answering with a {@link ValidationResult}. A
 * request for a version whose weights are not all here is answered with an error: the learner then
 * validates itself. Registered with the receptionist under {@link #KEY}.
 */
final class RolloutValidator {
    static final ServiceKey<ValidationRequest> KEY = ServiceKey.create(ValidationRequest.class, "p2pgrid-validator");

    private record Ran(ValidationRequest request, List<Evaluation.DayResult> results, Throwable error, double seconds) {}

    private RolloutValidator() {}

    static Behavior<Object> create(Supplier<Scenario> scenario) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf().narrow()));
            return new State(ctx, scenario).behavior();
        });
    }

    private static final class State {
        final ActorContext<Object> ctx;
        final Supplier<Scenario> scenario;
        final ActorRefResolver resolver;
        final MessageValidator validator = new MessageValidator();
        final Executor blocking;
        final String node;
        WeightsAssembler assembler = new WeightsAssembler();
        final Map<Integer, ActorSnapshot.Weights> weights = new HashMap<>();
        long version = -1;

        State(ActorContext<Object> ctx, Supplier<Scenario> scenario) {
            this.ctx = ctx;
            this.scenario = scenario;
            this.resolver = ActorRefResolver.get(ctx.getSystem());
            this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
            this.node = ctx.getSystem().address().toString();
        }

        Behavior<Object> behavior() {
            return Behaviors.receive(Object.class)
                    .onMessage(PolicyWeightsChunk.class, this::onChunk)
                    .onMessage(ValidationRequest.class, this::onRequest)
                    .onMessage(Ran.class, this::onRan)
                    .build();
        }

        private Behavior<Object> onChunk(PolicyWeightsChunk c) {
            if (c.getVersion() < version) {
                return Behaviors.same();
            }
            if (c.getVersion() > version) {
                // a newer policy: start over (the learner sends every agent's chunks of one version, then asks)
                version = c.getVersion();
                weights.clear();
                assembler = new WeightsAssembler();
            }
            if (assembler.offer(c) instanceof WeightsAssembler.Complete done) {
                try {
                    ActorSnapshot.Weights w = SnapshotWire.fromAssembled(done.weights());
                    weights.put(w.agent(), w);
                } catch (IllegalArgumentException e) {
                    ctx.getLog().warn("validation weights of version {} rejected: {}", version, e.getMessage());
                }
            }
            return Behaviors.same();
        }

        private Behavior<Object> onRequest(ValidationRequest r) {
            List<String> problems = validator.check(r);
            if (!problems.isEmpty()) {
                ctx.getLog().warn("dropping invalid ValidationRequest: {}", problems);
                return Behaviors.same();
            }
            Scenario s = scenario.get();
            int agents = s.prosumers().size();
            String why = null;
            if (r.getAgents() != agents) {
                why = "the request is for " + r.getAgents() + " agents, this node simulates " + agents;
            } else if (r.getVersion() != version || weights.size() < agents) {
                why = "weights of version " + r.getVersion() + " incomplete here (have version " + version + ", "
                        + weights.size() + " of " + agents + " agents)";
            }
            if (why != null) {
                reply(r, ValidationResult.newBuilder().setError(why));
                return Behaviors.same();
            }
            List<ActorSnapshot.Weights> all = new ArrayList<>(agents);
            for (int i = 0; i < agents; i++) {
                all.add(weights.get(i));
            }
            List<Integer> days = r.getDaysList();
            long t0 = System.nanoTime();
            // the days take seconds: off this actor's dispatcher
            CompletableFuture<List<Evaluation.DayResult>> run = CompletableFuture.supplyAsync(
                    () -> Evaluation.run(s, new SnapshotPolicy(s, all), days), blocking);
            ctx.pipeToSelf(run, (res, err) -> new Ran(r, res, err, (System.nanoTime() - t0) / 1e9));
            return Behaviors.same();
        }

        private Behavior<Object> onRan(Ran m) {
            ValidationResult.Builder b = ValidationResult.newBuilder().setSeconds(m.seconds());
            if (m.error() != null) {
                b.setError("validation failed here: " + m.error());
            } else {
                double cost = 0;
                for (Evaluation.DayResult d : m.results()) {
                    b.addDays(ValidationDay.newBuilder().setDay(d.day()).setCost(d.cost()).setReward(d.reward())
                            .setDiscountedReward(d.discountedReward()).setViolationRatePu(d.violationRatePu())
                            .setViolatedSteps(d.violatedSteps()));
                    cost += d.cost();
                }
                ClusterNode.out(String.format(Locale.ROOT, "VALIDATION-RUN version=%d days=%d mean-cost=%.6f seconds=%.2f",
                        m.request().getVersion(), m.results().size(), cost / Math.max(1, m.results().size()), m.seconds()));
            }
            reply(m.request(), b);
            return Behaviors.same();
        }

        private void reply(ValidationRequest r, ValidationResult.Builder b) {
            resolver.<ValidationResult>resolveActorRef(r.getReplyTo()).tell(b.setRequestId(r.getRequestId())
                    .setVersion(r.getVersion()).setNode(node).build());
        }
    }
}
