package org.p2pgrid.actors.cluster;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.p2pgrid.protocol.v1.LearnerStatus;
import org.p2pgrid.protocol.v1.LearnerStatusRequest;

/**
 * A rollout node's agent: registers with the cluster receptionist (so the learner sees it) and asks
 * the learner singleton for its status every {@code every}, printing each reply as a STATUS line.
 * No worlds run here yet (see the README, "Scale out").
 */
final class RolloutHost {
    private record Tick() {}

    private RolloutHost() {}

    @SuppressWarnings("unchecked")
    static Behavior<Object> create(ActorRef<Object> learner, Duration every) {
        return Behaviors.setup(ctx -> {
            ActorRef<LearnerStatus> self = (ActorRef<LearnerStatus>) (ActorRef<?>) ctx.getSelf();
            ctx.getSystem().receptionist().tell(Receptionist.register(ClusterNode.ROLLOUT_KEY, self));
            String replyTo = ActorRefResolver.get(ctx.getSystem()).toSerializationFormat(self);
            long[] next = {1};
            return Behaviors.withTimers(timers -> {
                timers.startTimerWithFixedDelay(new Tick(), Duration.ZERO, every);
                return Behaviors.receive(Object.class)
                        .onMessage(Tick.class, t -> {
                            learner.tell(LearnerStatusRequest.newBuilder().setRequestId(next[0]++).setReplyTo(replyTo)
                                    .build());
                            return Behaviors.same();
                        })
                        .onMessage(LearnerStatus.class, s -> {
                            ClusterNode.out("STATUS learner=" + s.getNodeAddress() + " restored=" + s.getCheckpoint()
                                    + " next-episode=" + s.getRestoredNextEpisode() + " steps=" + s.getRestoredSteps()
                                    + " request=" + s.getRequestId() + " served=" + s.getRequestsServed());
                            return Behaviors.same();
                        })
                        .build();
            });
        });
    }
}
