package org.p2pgrid.actors.runtime;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.learner.train.TrainingConfig;

/**
 * Where the {@link TrainingCoordinator}'s worlds run. The coordinator's episode / barrier / checkpoint
 * logic is the same for every backend: it hands episode {@code e} (training day {@code d}) to an idle
 * world slot with {@link Runner#run} and waits for the slot's {@link WorldActor.EpisodeDone}.
 * {@link #local()}: W {@link WorldActor}s (+ prosumers) in this JVM; the cluster backend
 * ({@code org.p2pgrid.actors.cluster.ClusterRollouts}) runs them as sharded entities on rollout nodes,
 * with leases, durable transition batches and a write-ahead log.
 */
public interface RolloutBackend {

    /** What a backend gets from the coordinator once the learner's first weights exist. */
    record Context(Scenario scenario, TrainingConfig config, RuntimeSettings settings,
                   ActorRef<ReplayActor.Command> replay, ActorRef<ExpertPoolActor.Command> experts,
                   ActorRef<LearnerActor.Command> learner, ActorRef<WorldActor.Event> events,
                   LearnerActor.Weights initial, int startEpisode, long startSteps, boolean labelling) {}

    /** Hands one episode to world slot {@code world}. */
    @FunctionalInterface
    interface Runner {
        void run(int world, long episode, int day);
    }

    /**
     * @param slots     world slots (0 .. slots-1)
     * @param inFlight  episodes already handed out before this coordinator started (recovered leases):
     *                  episode → slot; the slot is busy until its EpisodeDone
     * @param recovered episodes already completed after the checkpoint the run resumed from (recovered
     *                  from a log), reported as done with world = -1; never handed out again
     */
    record Started(int slots, Runner runner, Map<Long, Integer> inFlight, List<WorldActor.EpisodeDone> recovered) {}

    Started start(ActorContext<?> ctx, Context c) throws IOException;

    /** Ask: run the greedy validation {@code days} with {@code weights} elsewhere (cluster: on a rollout node). */
    record RemoteValidate(LearnerActor.Weights weights, List<Integer> days, ActorRef<RemoteValidated> replyTo) {}

    /** The days' results in request order and where they ran, or {@code error} (then the learner validates). */
    record RemoteValidated(List<org.p2pgrid.learner.train.Evaluation.DayResult> results, String where, String error) {}

    /**
     * Where validation runs instead of the learner, or null (on the learner, as in one JVM). Available once
     * {@link #start} has returned.
     */
    default ActorRef<RemoteValidate> validator() {
        return null;
    }

    /** Expert nodes the coordinator's expert pool should label on, or null (local expert workers only). */
    default ExpertPoolActor.Remote remoteExperts() {
        return null;
    }

    /** A checkpoint for episodes {@code < nextEpisode} is on disk. */
    default void checkpointed(int nextEpisode) {}

    /**
     * The one-JVM backend: W local worlds; the prosumer actors per world or shared by all worlds, as
     * {@code policy-actors} says; all on {@link RuntimeSettings#ROLLOUT_DISPATCHER} (one thread per core).
     */
    static RolloutBackend local() {
        return (ctx, c) -> {
            int agents = c.scenario().prosumers().size();
            int w = c.settings().worlds();
            boolean perNode = c.settings().policyActors() == PolicyPlacement.PER_NODE;
            List<ActorRef<WorldActor.Command>> worlds = new java.util.ArrayList<>();
            List<ActorRef<ProsumerActor.Command>> all = new java.util.ArrayList<>();
            List<ActorRef<ProsumerActor.Command>> shared = new java.util.ArrayList<>(agents);
            if (perNode) {
                for (int i = 0; i < agents; i++) {
                    ActorRef<ProsumerActor.Command> ref = ctx.spawn(ProsumerActor.createBatching(i,
                            c.initial().version(), c.initial().perAgent().get(i)), "prosumer-" + i,
                            RuntimeSettings.rolloutDispatcher());
                    ctx.watch(ref);
                    shared.add(ref);
                }
                all.addAll(shared);
            }
            for (int k = 0; k < w; k++) {
                List<ActorRef<ProsumerActor.Command>> prosumers = new java.util.ArrayList<>(agents);
                if (perNode) {
                    prosumers.addAll(shared);
                } else {
                    for (int i = 0; i < agents; i++) {
                        ActorRef<ProsumerActor.Command> ref = ctx.spawn(ProsumerActor.create(i, c.initial().version(),
                                c.initial().perAgent().get(i)), "world-" + k + "-prosumer-" + i,
                                RuntimeSettings.rolloutDispatcher());
                        ctx.watch(ref);
                        prosumers.add(ref);
                    }
                    all.addAll(prosumers);
                }
                ActorRef<WorldActor.Command> world = ctx.spawn(WorldActor.create(new WorldActor.Setup(k, c.scenario(),
                        List.copyOf(prosumers), c.replay(), c.experts(), c.events(), c.config().seed(),
                        c.labelling() ? c.config().labels().everySteps() : 0, c.settings().maxUnackedTransitions(),
                        c.settings().askTimeout())), "world-" + k, RuntimeSettings.rolloutDispatcher());
                ctx.watch(world);
                worlds.add(world);
            }
            // registered in agent order (world by world when per world): the learner publishes perAgent(k % agents)
            c.learner().tell(new LearnerActor.RegisterProsumers(List.copyOf(all)));
            return new Started(w, (k, e, d) -> worlds.get(k).tell(new WorldActor.RunEpisode(e, d)), Map.of(), List.of());
        };
    }
}
