package org.p2pgrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p2pgrid.learner.train.Checkpoints;
import org.p2pgrid.learner.train.TrainingHistory;
import picocli.CommandLine;

/**
 * {@code train} / {@code evaluate} end to end on the default scenario with tiny networks and the
 * rule-based teacher (the expert's DSO solves take seconds each; its labelling is covered in the
 * learner's and expert's tests).
 */
class TrainCommandTest {
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = P2pGrid.commandLine();
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    /** Runs and returns stdout. */
    private String runOut(int expectedRc, String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = run(args);
        } finally {
            System.setOut(old);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(expectedRc, rc, out + err);
        return out;
    }

    static String[] tiny(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--out", out.toString(), "--teacher", "rule-based",
                "--no-progress", "--no-expert-baseline", "--test-days", "0,200",
                "--set", "network.hidden=16", "--set", "network.embed-dim=8", "--set", "network.heads=2",
                "--set", "network.head-dim=4", "--set", "learner.batch-size=16", "--set", "warmup-transitions=32",
                "--set", "validation-every=1", "--set", "validation-days=1", "--set", "labels.cache-dir=" + out.resolveSibling("cache")));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void trainsEvaluatesRefusesToOverwriteAndResumes(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        String out = runOut(0, tiny(run, "--episodes", "1", "--algo", "op"));
        assertTrue(out.contains("Test-set evaluation: 2 days"), out);
        assertTrue(out.contains("OP (learned, greedy)"), out);
        assertTrue(out.contains("rule-based"), out);
        assertEquals(2, Files.readAllLines(run.resolve(TrainingHistory.EPISODES_FILE)).size());
        assertEquals(2, Files.readAllLines(run.resolve(TrainingHistory.VALIDATION_FILE)).size());
        assertTrue(Files.exists(run.resolve(Checkpoints.DIR).resolve(Checkpoints.LATEST)));

        runOut(2, tiny(run, "--episodes", "1"));
        assertTrue(err.toString().contains("already holds a run"), err.toString());

        out = runOut(0, "train", "--resume", run.toString(), "--episodes", "2", "--no-progress", "--no-expert-baseline");
        assertTrue(out.contains("resumed after episode 1"), out);
        assertTrue(out.contains("Test-set evaluation: 2 days"), out); // the run's own --test-days 0,200
        assertEquals(3, Files.readAllLines(run.resolve(TrainingHistory.EPISODES_FILE)).size());

        out = runOut(0, "evaluate", "--checkpoint", run.toString(), "--days", "5", "--no-expert-baseline", "--no-progress");
        assertTrue(out.contains("OP after 2 episodes"), out);
        assertTrue(out.contains("Test-set evaluation: 1 days"), out);
    }

    @Test
    void actorRuntimeTrainsAndItsCheckpointEvaluates(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("actors");
        String out = runOut(0, tiny(run, "--episodes", "2", "--algo", "op", "--runtime", "actors", "--worlds", "2"));
        assertTrue(out.contains("actors runtime"), out);
        assertTrue(out.contains("2 episodes"), out);
        assertTrue(out.contains("Test-set evaluation: 2 days"), out);
        assertEquals(3, Files.readAllLines(run.resolve(TrainingHistory.EPISODES_FILE)).size());
        assertTrue(Files.exists(run.resolve("report.md")));
        runOut(2, tiny(dir.resolve("x"), "--runtime", "pekko"));
        assertTrue(err.toString().contains("--runtime pekko: expected single or actors"), err.toString());
    }

    @Test
    void badInputIsOneLine(@TempDir Path dir) {
        runOut(2, tiny(dir.resolve("a"), "--set", "learner.batch-size=0"));
        assertTrue(err.toString().contains("learner.batch-size = 0"), err.toString());
        String[] badDays = tiny(dir.resolve("t"));
        badDays[List.of(badDays).indexOf("0,200")] = "0,99999";
        runOut(2, badDays);
        assertTrue(err.toString().contains("99999"), err.toString());
        assertTrue(!Files.exists(dir.resolve("t").resolve(Checkpoints.DIR)), "no training before the bad --test-days is refused");
        runOut(2, tiny(dir.resolve("b"), "--algo", "sac"));
        assertTrue(err.toString().contains("algo = 'sac'"), err.toString());
        runOut(2, "evaluate", "--checkpoint", dir.resolve("nothing").toString(), "--no-progress");
        assertTrue(err.toString().contains("is not a p2pgrid run directory"), err.toString());
        runOut(2, "train", "--resume", dir.resolve("nothing").toString(), "--algo", "op");
        assertTrue(err.toString().contains("--resume takes the run's own"), err.toString());
    }
}
