package org.p2pgrid.actors.runtime;

import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p2pgrid.learner.train.RuleBasedTeacher;
import org.p2pgrid.learner.train.Trainer;
import org.p2pgrid.learner.train.TrainingConfig;
import org.p2pgrid.learner.train.TrainingHistory;

/**
 * The measurement behind the report's "is the validation cost comparable?" (tag long: minutes).
 * For seeds 11..13: the single-process trainer and the actor runtime (2 worlds), same config as
 * {@link ActorTrainingTest}; prints the validation mean cost after 2 and 4 episodes.
 * {@code ./mvnw -B -o -pl env,expert,learner,actors -am test -Plong -Dtest=ActorVersusReferenceSpreadTest -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("long")
class ActorVersusReferenceSpreadTest {

    @Test
    void printUntrainedPolicyCosts(@TempDir Path tmp) {
        for (long seed = 11; seed <= 13; seed++) {
            TrainingConfig c = ActorTrainingTest.config(2).with(java.util.Map.of("seed", seed, "updates-per-step", 0, "validation-every", 2));
            ActorTrainingTest.Recorder ref = new ActorTrainingTest.Recorder();
            try (Trainer t = new Trainer(Fixtures.SCENARIO, c, new RuleBasedTeacher(Fixtures.SCENARIO),
                    tmp.resolve("untrained-" + seed), ActorTrainingTest.FINGERPRINT)) {
                t.train(ref);
            }
            System.out.printf(Locale.ROOT, "UNTRAINED seed %d: %.0f%n", seed, ref.validations.get(0).policy().meanCost());
        }
    }

    @Test
    void printValidationCostsOfBothRuntimesOverSeeds(@TempDir Path tmp) {
        for (long seed = 11; seed <= 13; seed++) {
            TrainingConfig c = ActorTrainingTest.config(4).with(java.util.Map.of("seed", seed, "validation-every", 2));
            ActorTrainingTest.Recorder ref = new ActorTrainingTest.Recorder();
            long t0 = System.nanoTime();
            try (Trainer t = new Trainer(Fixtures.SCENARIO, c, new RuleBasedTeacher(Fixtures.SCENARIO),
                    tmp.resolve("ref-" + seed), ActorTrainingTest.FINGERPRINT)) {
                t.train(ref);
            }
            double refS = (System.nanoTime() - t0) / 1e9;
            ActorTrainingTest.Recorder act = new ActorTrainingTest.Recorder();
            long t1 = System.nanoTime();
            ActorTraining.run(Fixtures.SCENARIO, c, () -> new RuleBasedTeacher(Fixtures.SCENARIO),
                    tmp.resolve("act-" + seed), ActorTrainingTest.FINGERPRINT, act, ActorTrainingTest.settings());
            double actS = (System.nanoTime() - t1) / 1e9;
            System.out.printf(Locale.ROOT, "SPREAD seed %d: reference %.0f / %.0f, actors %.0f / %.0f (after 2 / 4 episodes;"
                            + " rule-based %.0f); wall reference %.1f s, actors %.1f s%n", seed,
                    ref.validations.get(0).policy().meanCost(), ref.validations.get(1).policy().meanCost(),
                    act.validations.get(0).policy().meanCost(), act.validations.get(1).policy().meanCost(),
                    ref.validations.get(1).ruleBasedMeanCost(), refS, actS);
            for (int k = 0; k < 4; k++) {
                TrainingHistory.Episode r = ref.episodes.get(k);
                TrainingHistory.Episode a = act.episodes.stream().filter(e -> e.episode() == r.episode()).findFirst().orElseThrow();
                System.out.printf(Locale.ROOT, "TRAIN seed %d episode %d: W2 ref %.4f act %.4f | critic ref %.4f act %.4f"
                                + " | actor loss ref %.4f act %.4f | lambda ref %.4f act %.4f | cost ref %.0f act %.0f%n", seed,
                        r.episode(), r.meanW2(), a.meanW2(), r.criticLoss(), a.criticLoss(), r.actorLoss(), a.actorLoss(),
                        r.meanLambda(), a.meanLambda(), r.cost(), a.cost());
            }
        }
    }
}
