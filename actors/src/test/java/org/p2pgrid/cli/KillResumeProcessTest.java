package org.p2pgrid.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p2pgrid.learner.train.Checkpoints;
import org.p2pgrid.learner.train.TrainingHistory;

/**
 * {@code kill -9} of a real {@code p2pgrid train} process after its second checkpoint, then
 * {@code --resume}: the final learner state and replay are byte-identical to an uninterrupted run's.
 * Tagged {@code long} (three JVMs, a few minutes on 2 cores).
 */
@Tag("long")
class KillResumeProcessTest {

    private static Process start(Path log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true", "-cp", System.getProperty("java.class.path"),
                P2pGrid.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static String[] args(Path run, String... more) {
        List<String> a = new ArrayList<>(List.of(TrainCommandTest.tiny(run, "--episodes", "5", "--no-evaluation",
                "--set", "checkpoint-every=1")));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void killMinus9ThenResumeEqualsTheUninterruptedRun(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a");
        Process full = start(dir.resolve("a.log"), args(a));
        assertTrue(full.waitFor(10, TimeUnit.MINUTES), "uninterrupted run timed out");
        assertEquals(0, full.exitValue(), Files.readString(dir.resolve("a.log")));

        Path b = dir.resolve("b");
        Process killed = start(dir.resolve("b1.log"), args(b));
        Path second = b.resolve(Checkpoints.DIR).resolve("ep-000002");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (!Files.exists(second.resolve("manifest.properties")) && System.nanoTime() < deadline && killed.isAlive()) {
            Thread.sleep(50);
        }
        assertTrue(killed.isAlive(), "the run ended before it could be killed:\n" + Files.readString(dir.resolve("b1.log")));
        killed.destroyForcibly(); // SIGKILL: no shutdown hook, no final checkpoint
        killed.waitFor();

        Process resumed = start(dir.resolve("b2.log"), "train", "--resume", b.toString(), "--no-progress", "--no-evaluation");
        assertTrue(resumed.waitFor(10, TimeUnit.MINUTES), "resumed run timed out");
        String log = Files.readString(dir.resolve("b2.log"));
        assertEquals(0, resumed.exitValue(), log);
        assertTrue(log.contains("resumed after episode"), log);

        Path lastA = a.resolve(Checkpoints.DIR).resolve("ep-000005");
        Path lastB = b.resolve(Checkpoints.DIR).resolve("ep-000005");
        assertArrayEquals(Files.readAllBytes(lastA.resolve("learner.bin")), Files.readAllBytes(lastB.resolve("learner.bin")));
        assertArrayEquals(Files.readAllBytes(lastA.resolve("replay.bin")), Files.readAllBytes(lastB.resolve("replay.bin")));
        assertEquals(6, Files.readAllLines(b.resolve(TrainingHistory.EPISODES_FILE)).size());
        assertTrue(new File(b.toFile(), "history.csv").length() > 0);
    }

    /** SIGTERM (Ctrl-C) checkpoints after the current episode and the process exits promptly, then resumes. */
    @Test
    void sigtermCheckpointsAndExitsThenResumes(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("t");
        Process p = start(dir.resolve("t1.log"), TrainCommandTest.tiny(run, "--episodes", "40", "--no-evaluation",
                "--set", "checkpoint-every=1"));
        Path first = run.resolve(Checkpoints.DIR).resolve("ep-000001");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (!Files.exists(first.resolve("manifest.properties")) && System.nanoTime() < deadline && p.isAlive()) {
            Thread.sleep(50);
        }
        assertTrue(p.isAlive(), "the run ended before SIGTERM:\n" + Files.readString(dir.resolve("t1.log")));
        p.destroy(); // SIGTERM
        // the hook lets the current episode finish and checkpoint; before the fix the JVM then hung
        // for the hook's 10-minute join because main's System.exit blocked on the shutdown lock
        assertTrue(p.waitFor(4, TimeUnit.MINUTES), "no exit after SIGTERM:\n" + Files.readString(dir.resolve("t1.log")));
        String log = Files.readString(dir.resolve("t1.log"));
        assertTrue(log.contains("stopped: continue with"), log);
        int done = Files.readAllLines(run.resolve(TrainingHistory.EPISODES_FILE)).size() - 1;
        assertTrue(done >= 1 && done < 40, "episodes done " + done);
        assertTrue(Files.exists(run.resolve(Checkpoints.DIR).resolve(String.format("ep-%06d", done))
                .resolve("manifest.properties")), "checkpoint of episode " + done);

        Process resumed = start(dir.resolve("t2.log"), "train", "--resume", run.toString(), "--episodes",
                Integer.toString(done + 1), "--no-progress", "--no-evaluation");
        assertTrue(resumed.waitFor(10, TimeUnit.MINUTES), "resumed run timed out");
        String log2 = Files.readString(dir.resolve("t2.log"));
        assertEquals(0, resumed.exitValue(), log2);
        assertTrue(log2.contains("resumed after episode " + done), log2);
        assertEquals(done + 2, Files.readAllLines(run.resolve(TrainingHistory.EPISODES_FILE)).size());
    }
}
