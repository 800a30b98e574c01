package org.p2pgrid.learner.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.expert.label.ExpertLabeller;
import org.p2pgrid.learner.replay.Transition;

/** The real expert (reference models, DSO, OR-Tools) labelling a training run on the small synthetic scenario. */
class ExpertTeacherTest {

    @Test
    void oneDsoSolvePerEpisodeAndEveryRequestedStepLabelled(@TempDir Path dir) throws Exception {
        TrainingConfig c = TrainerTest.config(2).with(Map.of("labels.teacher", "expert", "labels.every-steps", 4,
                "validation-every", 0, "checkpoint-every", 0));
        try (ExpertSetup expert = ExpertSetup.open(TrainerTest.SCENARIO, 7, dir.resolve("cache"), 1e9, 1e9)) {
            ExpertLabeller labeller = expert.newLabeller();
            ExpertTeacher teacher = new ExpertTeacher(labeller, TrainerTest.SCENARIO);
            try (Trainer t = new Trainer(TrainerTest.SCENARIO, c, teacher, dir.resolve("run"), "synthetic-33-3-7")) {
                Trainer.Outcome o = t.train(new Trainer.Listener() {});
                assertEquals(2, o.episodesDone());
                assertEquals(2, labeller.solves(), teacher.stats());
                assertEquals(2 * 96 / 4, labeller.planReuses() + labeller.cacheHits(), teacher.stats());
                assertEquals(2 * 96 / 4, t.replay().labelledSize());
                // the labels are the expert's, within the device limits, and not simply the executed actions
                int differing = 0;
                int seen = 0;
                for (long ref = 0; ref < 4L * t.replay().size(); ref++) { // ref = seq << 1 | shard
                    if (!t.replay().isLive(ref)) {
                        continue;
                    }
                    seen++;
                    Transition tr = t.replay().get(ref);
                    if (!tr.hasExpertLabel()) {
                        continue;
                    }
                    assertEquals(0, tr.step() % 4);
                    float[][] label = tr.expertLabel();
                    float[][] act = tr.action();
                    for (int i = 0; i < label.length; i++) {
                        for (int d = 0; d < ProsumerAction.DIMS; d++) {
                            assertTrue(Float.isFinite(label[i][d]));
                            if (Math.abs(label[i][d] - act[i][d]) > 1e-3) {
                                differing++;
                            }
                        }
                    }
                }
                assertEquals(2 * 96, seen);
                assertTrue(differing > 0, "labels equal the executed actions everywhere");
            }
            // the same state again: answered from the durable cache, no solve
            ExpertLabeller again = expert.newLabeller();
            DeviceState[] initial = TrainerTest.SCENARIO.prosumers().stream().map(DeviceState::initial)
                    .toArray(DeviceState[]::new);
            again.label(dayOfFirstEpisode(dir.resolve("run")), 0, initial);
            assertEquals(0, again.solves());
        }
    }

    static int dayOfFirstEpisode(Path run) throws Exception {
        var lines = java.nio.file.Files.readAllLines(run.resolve(TrainingHistory.EPISODES_FILE));
        return Integer.parseInt(lines.get(1).split(",")[1]);
    }
}
