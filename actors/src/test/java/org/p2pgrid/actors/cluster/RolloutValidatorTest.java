package org.p2pgrid.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.p2pgrid.actors.runtime.ActorTraining;
import org.p2pgrid.actors.runtime.SnapshotPolicy;
import org.p2pgrid.actors.wire.SnapshotWire;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.learner.algo.OpLearner;
import org.p2pgrid.learner.nn.ActorSnapshot;
import org.p2pgrid.learner.nn.Djl;
import org.p2pgrid.learner.train.Evaluation;
import org.p2pgrid.learner.train.LearnedPolicy;
import org.p2pgrid.learner.train.Trainer;
import org.p2pgrid.learner.train.TrainingConfig;
import org.p2pgrid.protocol.WeightsChunker;
import org.p2pgrid.protocol.v1.ValidationRequest;
import org.p2pgrid.protocol.v1.ValidationResult;

/**
 * Validation on a rollout node ({@link RolloutValidator}, in one JVM): the learner's weights travel as
 * chunks, the node runs the validation days, and the numbers are those of the learner's own validation
 * of the same weights — bit for bit with the plain-Java actors (the arithmetic a world uses), and to float
 * rounding with the learner's DJL policy (what the one-JVM runtime validates with).
 */
class RolloutValidatorTest {
    static final ActorTestKit KIT = ActorTestKit.create(ActorTraining.systemConfig());
    static final Scenario SCENARIO = Scenarios.synthetic(33, 3, 7);
    static final List<Integer> DAYS = List.of(0, 100);

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    private static TrainingConfig config() {
        return TrainingConfig.from(ConfigFactory.parseString("""
                p2pgrid.training { algo = op, seed = 3, network { hidden = 16, embed-dim = 16, heads = 2, head-dim = 8 } }
                """));
    }

    private static ValidationResult validateThere(ActorRef<Object> node, long version, List<ActorSnapshot.Weights> weights,
                                                  List<Integer> days) {
        TestProbe<ValidationResult> replies = KIT.createTestProbe();
        WeightsChunker chunker = new WeightsChunker(1500); // several chunks per agent
        for (ActorSnapshot.Weights w : weights) {
            SnapshotWire.toChunks(version, w, chunker).forEach(node::tell);
        }
        node.tell(ValidationRequest.newBuilder().setRequestId(version).setVersion(version).setAgents(weights.size())
                .addAllDays(days).setReplyTo(ActorRefResolver.get(KIT.system()).toSerializationFormat(replies.getRef()))
                .build());
        return replies.receiveMessage(Duration.ofSeconds(60));
    }

    @Test
    void sameNumbersAsTheLearnersValidationOfTheSameWeights() {
        Djl.configure();
        List<ActorSnapshot.Weights> weights = new ArrayList<>();
        List<Evaluation.DayResult> djl;
        try (NDManager m = Djl.newManager()) {
            OpLearner learner = Trainer.newLearner(m, SCENARIO, config());
            for (int i = 0; i < learner.actors().size(); i++) {
                weights.add(ActorSnapshot.Weights.of(learner.actors().actor(i), learner.bounds(i)));
            }
            djl = Evaluation.run(SCENARIO, new LearnedPolicy(learner, m), DAYS); // LearnerActor.Validate
        }
        List<Evaluation.DayResult> plain = Evaluation.run(SCENARIO, new SnapshotPolicy(SCENARIO, weights), DAYS);

        ActorRef<Object> node = KIT.spawn(RolloutValidator.create(() -> SCENARIO));
        ValidationResult r = validateThere(node, 1, weights, DAYS);
        assertEquals("", r.getError());
        assertEquals(DAYS.size(), r.getDaysCount());
        for (int k = 0; k < DAYS.size(); k++) {
            var d = r.getDays(k);
            Evaluation.DayResult p = plain.get(k);
            // bit for bit: the same weights, the same arithmetic, the same days
            assertEquals(p, new Evaluation.DayResult(d.getDay(), d.getCost(), d.getReward(), d.getDiscountedReward(),
                    d.getViolationRatePu(), d.getViolatedSteps()));
            Evaluation.DayResult q = djl.get(k);
            double rel = Math.abs(d.getCost() - q.cost()) / Math.abs(q.cost());
            System.out.printf("VALIDATION-EQUIVALENCE day %d: rollout node cost %.9f, learner (DJL) %.9f, relative %.2e,"
                    + " violated steps %d / %d%n", d.getDay(), d.getCost(), q.cost(), rel, d.getViolatedSteps(), q.violatedSteps());
            assertTrue(rel < 1e-5, "day " + d.getDay() + ": " + d.getCost() + " vs DJL " + q.cost());
            assertEquals(q.violatedSteps(), d.getViolatedSteps());
        }

        // a request for a version whose weights are not here is refused (the learner then validates itself)
        TestProbe<ValidationResult> replies = KIT.createTestProbe();
        node.tell(ValidationRequest.newBuilder().setRequestId(9).setVersion(7).setAgents(3).addDays(0)
                .setReplyTo(ActorRefResolver.get(KIT.system()).toSerializationFormat(replies.getRef())).build());
        ValidationResult refused = replies.receiveMessage(Duration.ofSeconds(30));
        assertTrue(refused.getError().startsWith("weights of version 7 incomplete here (have version 1, 3 of 3 agents)"),
                refused.getError());
        assertEquals(0, refused.getDaysCount());
    }
}
