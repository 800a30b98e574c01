package org.p2pgrid.learner.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.expert.solver.OrToolsLpBackend;

/**
 * The reference training loop on a small synthetic scenario (3 prosumers, small networks, rule-based
 * teacher so it runs in seconds): determinism, kill/resume identity, damaged checkpoints, config errors.
 */
class TrainerTest {
    static final Scenario SCENARIO = Scenarios.synthetic(33, 3, 7);

    static TrainingConfig config(int episodes) {
        return TrainingConfig.from(ConfigFactory.parseString("""
                p2pgrid.training {
                  algo = op-mh
                  episodes = %d
                  seed = 11
                  warmup-transitions = 64
                  validation-every = 2
                  checkpoint-every = 1
                  keep-checkpoints = 3
                  validation-days = "0,100"
                  labels { teacher = rule-based, every-steps = 3 }
                  learner { batch-size = 32, learning-rate = 1e-3 }
                  network { hidden = 32, embed-dim = 16, heads = 2, head-dim = 8 }
                  replay { normal-capacity = 300, violation-capacity = 300 }
                }
                """.formatted(episodes)));
    }

    static Trainer trainer(TrainingConfig c, Path dir) {
        return new Trainer(SCENARIO, c, new RuleBasedTeacher(SCENARIO), dir, "synthetic-33-3-7");
    }

    static byte[] learnerState(Trainer t) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            t.learner().writeState(out);
        }
        return bytes.toByteArray();
    }

    /** history.csv without the wall-clock columns (seconds, updates/s, teacher wait). */
    static List<String> historyWithoutTimes(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve(TrainingHistory.EPISODES_FILE))) {
            String[] f = line.split(",");
            out.add(String.join(",", Arrays.copyOf(f, f.length - 3)));
        }
        return out;
    }

    @Test
    void killedRunResumedFromItsCheckpointContinuesExactlyAsTheUninterruptedRun(@TempDir Path tmp) throws Exception {
        TrainingConfig c = config(4);
        byte[] expectedState;
        byte[] expectedReplay;
        try (Trainer t = trainer(c, tmp.resolve("a"))) {
            Trainer.Outcome o = t.train(new Trainer.Listener() {});
            assertEquals(4, o.episodesDone());
            assertFalse(o.stopped());
            assertTrue(o.updates() > 4 * 96 - 64, "updates " + o.updates());
            assertTrue(t.replay().labelledSize() > 0, "labels attached");
            expectedState = learnerState(t);
            expectedReplay = Files.readAllBytes(o.lastCheckpoint().resolve(Checkpoints.REPLAY));
        }

        Path b = tmp.resolve("b");
        try (Trainer t = trainer(c, b)) {
            RuntimeException crash = assertThrows(RuntimeException.class, () -> t.train(new Trainer.Listener() {
                @Override
                public void stepped(int episode, int step) {
                    if (episode == 2 && step == 40) {
                        throw new RuntimeException("simulated kill");
                    }
                }
            }));
            assertEquals("simulated kill", crash.getMessage());
        }
        try (Trainer t = trainer(c, b)) {
            assertTrue(t.resumed());
            assertEquals(2, t.episodesDone(), "resumes after the last finished checkpointed episode");
            Trainer.Outcome o = t.train(new Trainer.Listener() {});
            assertTrue(o.resumed());
            assertEquals(4, o.episodesDone());
            assertArrayEquals(expectedState, learnerState(t), "networks, Adam, lambda, counters identical");
            assertArrayEquals(expectedReplay, Files.readAllBytes(o.lastCheckpoint().resolve(Checkpoints.REPLAY)),
                    "replay identical");
        }
        assertEquals(historyWithoutTimes(tmp.resolve("a")), historyWithoutTimes(b));
        assertEquals(Files.readAllLines(tmp.resolve("a").resolve(TrainingHistory.VALIDATION_FILE)),
                Files.readAllLines(b.resolve(TrainingHistory.VALIDATION_FILE)));
        assertEquals(5, Files.readAllLines(b.resolve(TrainingHistory.EPISODES_FILE)).size(), "header + 4 episodes, no duplicates");
    }

    @Test
    void anotherSeedTrainsDifferently(@TempDir Path tmp) throws Exception {
        byte[] a;
        byte[] b;
        try (Trainer t = trainer(config(1), tmp.resolve("a"))) {
            t.train(new Trainer.Listener() {});
            a = learnerState(t);
        }
        try (Trainer t = trainer(config(1).with(Map.of("seed", 12)), tmp.resolve("b"))) {
            t.train(new Trainer.Listener() {});
            b = learnerState(t);
        }
        assertFalse(Arrays.equals(a, b));
    }

    @Test
    void damagedNewestCheckpointFallsBackToTheOlderOne(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        try (Trainer t = trainer(config(2), dir)) {
            t.train(new Trainer.Listener() {});
        }
        Path newest = dir.resolve("checkpoints/ep-000002");
        try (RandomAccessFile f = new RandomAccessFile(newest.resolve(Checkpoints.REPLAY).toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0xFF);
        }
        assertTrue(Checkpoints.verify(newest).contains("SHA-256"), Checkpoints.verify(newest));
        try (Trainer t = trainer(config(2), dir)) {
            assertTrue(t.resumed());
            assertEquals(1, t.episodesDone());
        }
    }

    @Test
    void aCheckpointOfAnotherRunIsRefused(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        try (Trainer t = trainer(config(1), dir)) {
            t.train(new Trainer.Listener() {});
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trainer(config(1).with(Map.of("algo", "op")), dir).close());
        assertTrue(e.getMessage().contains("belongs to another run"), e.getMessage());
    }

    @Test
    void stopRequestCheckpointsAfterTheCurrentEpisode(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        try (Trainer t = trainer(config(3), dir)) {
            Trainer.Outcome o = t.train(new Trainer.Listener() {
                @Override
                public void stepped(int episode, int step) {
                    if (episode == 0 && step == 10) {
                        t.requestStop();
                    }
                }
            });
            assertTrue(o.stopped());
            assertEquals(1, o.episodesDone());
            assertEquals("ep-000001", o.lastCheckpoint().getFileName().toString());
        }
        try (Trainer t = trainer(config(3), dir)) {
            assertEquals(1, t.episodesDone());
            assertNotEquals(0, t.replay().size());
        }
    }

    @Test
    void configErrorsNameTheKeyAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingConfig.from(ConfigFactory.parseString("p2pgrid.training.algo = ppo")));
        assertTrue(e.getMessage().contains("p2pgrid.training.algo = 'ppo'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TrainingConfig.from(ConfigFactory.parseString("p2pgrid.training.learner.batch-size = 0")));
        assertTrue(e.getMessage().contains("learner.batch-size = 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TrainingConfig.from(ConfigFactory.parseString("p2pgrid.training.test-days = \"test/x\"")));
        assertTrue(e.getMessage().contains("test-days"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TrainingConfig.from(ConfigFactory.parseString("p2pgrid.training.labels.teacher = llm")));
        assertTrue(e.getMessage().contains("labels.teacher = 'llm'"), e.getMessage());
        assertEquals(12, TrainingConfig.days("test/7", "x").size());
    }

    @Test
    void highsOptionsComeFromTheConfigAndABadOneStopsTheExpert() {
        // reference.conf states the backend's default, so runs and the CLI's expert solve the same way
        assertEquals(OrToolsLpBackend.DEFAULT_HIGHS_OPTIONS, TrainingConfig.defaults().labels().highsOptions());
        TrainingConfig c = TrainingConfig.from(ConfigFactory.parseString(
                "p2pgrid.training.labels.highs-options { simplex_strategy = 1, presolve = off }"));
        assertEquals(Map.of("dual_simplex_cost_perturbation_multiplier", "5", "simplex_strategy", "1", "presolve", "off"),
                c.labels().highsOptions());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExpertSetup.open(SCENARIO, 7, null, 1e9, 1e9, Map.of("simplex_dualise_strategy", "1")));
        assertTrue(e.getMessage().contains("'simplex_dualise_strategy'"), e.getMessage());
    }
}
