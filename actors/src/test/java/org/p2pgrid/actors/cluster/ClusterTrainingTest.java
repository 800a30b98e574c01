package org.p2pgrid.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distributed training on ClusterNode JVMs (127.0.0.1, cluster-tcp.conf, keep-majority SBR): a tiny run
 * (synthetic 33-bus feeder, 3 prosumers, hidden 16, rule-based labels on every 4th step) trained by the
 * learner singleton with worlds sharded over the rollout nodes. Everything is decided on the nodes'
 * {@code P2PGRID ...} lines and counted (episodes committed, re-spawned worlds, transitions); the
 * deadlines only stop a broken build.
 */
@Tag("cluster")
class ClusterTrainingTest {
    private static final long DEADLINE_MS = 150_000;
    private final List<Node> nodes = new ArrayList<>();

    @TempDir
    Path tmp;

    static final class Node {
        final String name;
        final int port;
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();
        final Thread reader;

        Node(String name, int port, Process process) {
            this.name = name;
            this.port = port;
            this.process = process;
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        lines.add(l);
                        if (l.startsWith(ClusterNode.PREFIX) && !l.contains(" ACKED ") && !l.contains(" MEMBERS ")) {
                            System.out.println("[" + name + "] " + l);
                        }
                    }
                } catch (IOException ignored) {
                    // process gone
                }
            }, "out-" + name);
            t.setDaemon(true);
            t.start();
            reader = t;
        }

        List<String> events(String kind) {
            String p = ClusterNode.PREFIX + kind + " ";
            return lines.stream().filter(l -> l.startsWith(p)).map(l -> l.substring(p.length())).toList();
        }

        boolean has(String kind, String contains) {
            return events(kind).stream().anyMatch(s -> s.contains(contains));
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), name + " did not die");
            reader.join(5000); // every line it wrote before it died
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private Path trainingFile(int episodes) throws IOException {
        Path f = tmp.resolve("training.conf");
        Files.writeString(f, """
                p2pgrid.training {
                  algo = op
                  episodes = %d
                  seed = 5
                  warmup-transitions = 64
                  validation-every = 0
                  checkpoint-every = 4
                  keep-checkpoints = 2
                  validation-days = "0"
                  labels { teacher = rule-based, every-steps = 4 }
                  learner { batch-size = 32 }
                  network { hidden = 16, embed-dim = 16, heads = 2, head-dim = 8 }
                  replay { normal-capacity = 4000, violation-capacity = 4000 }
                }
                p2pgrid.runtime { worlds = 4, expert-workers = 1, learner-lag-episodes = 2 }
                """.formatted(episodes));
        return f;
    }

    private Node start(String name, String role, int port, Integer seed, Path run, Path training) throws IOException {
        return start(name, role, port, seed, run, training, List.of());
    }

    private Node start(String name, String role, int port, Integer seed, Path run, Path training, List<String> jvm)
            throws IOException {
        Path root = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath().getParent();
        Path conf = root.resolve("cluster-config/cluster-tcp.conf");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true",
                "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
                "-Dconfig.file=" + conf,
                "-Dp2pgrid.cluster.lease-timeout=8s",
                "-Dp2pgrid.cluster.resend-after=2s",
                "-Dp2pgrid.cluster.status-every=5s"));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
                ClusterNode.class.getName(), role, Integer.toString(port)));
        if (seed != null) {
            cmd.add("127.0.0.1:" + seed);
        }
        cmd.addAll(List.of("--run-dir", run.toString(), "--training", training.toString(), "--scenario", "synthetic:33:3:7"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Node n = new Node(name, port, pb.start());
        nodes.add(n);
        return n;
    }

    private static void await(String what, long deadline, BooleanSupplier ok, List<Node> show) throws InterruptedException {
        await(what, deadline, ok, show, 200);
    }

    private static void await(String what, long deadline, BooleanSupplier ok, List<Node> show, long pollMs)
            throws InterruptedException {
        while (!ok.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                StringBuilder sb = new StringBuilder("timed out waiting for " + what);
                for (Node n : show) {
                    sb.append("\n--- ").append(n.name).append(" (alive=").append(n.process.isAlive()).append(")");
                    List<String> l = n.lines.stream().filter(s -> !s.contains(" ACKED ")).toList();
                    for (String s : l.subList(Math.max(0, l.size() - 30), l.size())) {
                        sb.append("\n").append(s);
                    }
                }
                fail(sb.toString());
            }
            Thread.sleep(pollMs);
        }
    }

    private static final Pattern COMMIT = Pattern.compile("episode=(\\d+) attempt=(\\d+) world=(-?\\d+)");

    /** Episodes committed live (not recovered from the WAL) by {@code n}'s singleton, in order. */
    private static List<Long> liveCommits(Node n) {
        List<Long> out = new ArrayList<>();
        for (String s : n.events("EPISODE-COMMITTED")) {
            if (!s.contains("recovered=true")) {
                Matcher m = COMMIT.matcher(s);
                assertTrue(m.find(), s);
                out.add(Long.parseLong(m.group(1)));
            }
        }
        return out;
    }

    private static long value(String line, String key) {
        Matcher m = Pattern.compile("\\b" + key + "=(\\d+)").matcher(line);
        assertTrue(m.find(), key + " in " + line);
        return Long.parseLong(m.group(1));
    }

    private static long lastAcked(Node n) {
        List<String> acks = n.events("ACKED");
        return acks.isEmpty() ? 0 : value(acks.get(acks.size() - 1), "durable");
    }

    /** Episodes {@code rollout} started (WORLD-EPISODE) that {@code learner} has not committed: episode -> world. */
    private static Map<Long, Integer> runningOn(Node rollout, Node learner) {
        List<Long> committed = liveCommits(learner);
        Map<Long, Integer> out = new HashMap<>();
        for (String s : rollout.events("WORLD-EPISODE")) {
            long e = value(s, "episode");
            if (!committed.contains(e)) {
                out.put(e, (int) value(s, "world"));
            }
        }
        return out;
    }

    /** World id -> incarnations seen on {@code n}. */
    private static Map<Integer, Integer> worldsStarted(Node n) {
        Map<Integer, Integer> out = new HashMap<>();
        for (String s : n.events("WORLD-STARTED")) {
            out.merge((int) value(s, "world"), 1, Integer::sum);
        }
        return out;
    }

    private static void assertEachOnce(List<Long> commits, int episodes, String what) {
        Set<Long> distinct = new TreeSet<>(commits);
        assertEquals(commits.size(), distinct.size(), what + ": an episode committed twice: " + commits);
        assertEquals(LongRangeSet.of(episodes), distinct, what + ": every episode committed exactly once");
    }

    /** {0, ..., n-1} as a sorted set. */
    private static final class LongRangeSet {
        static Set<Long> of(int n) {
            Set<Long> s = new TreeSet<>();
            for (long i = 0; i < n; i++) {
                s.add(i);
            }
            return s;
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Node n : nodes) {
            n.process.destroy();
        }
        for (Node n : nodes) {
            if (!n.process.waitFor(15, TimeUnit.SECONDS)) {
                n.process.destroyForcibly();
            }
        }
    }

    /**
     * (a) kill -9 a rollout node mid-training: its worlds re-spawn on the other rollout node and the run
     * reaches its episode count with every episode committed exactly once; then (c) kill -9 the whole
     * cluster after a checkpoint and start it again: the run resumes after the checkpoint (+ WAL) and
     * finishes, still with every episode committed exactly once.
     */
    @Test
    void rolloutNodeDiesThenWholeClusterRestartsAndResumes() throws Exception {
        int episodes = 12;
        Path run = tmp.resolve("run");
        Path training = trainingFile(episodes);
        int pl = freePort();
        int pr1 = freePort();
        int pr2 = freePort();
        long t0 = System.currentTimeMillis();
        long deadline = t0 + DEADLINE_MS;
        // training starts once both rollout nodes are registered: the worlds are spread over both
        List<String> jvm = List.of("-Dp2pgrid.cluster.min-rollout-nodes=2");
        Node learner = start("learner", "learner", pl, null, run, training, jvm);
        Node r1 = start("rollout-1", "rollout", pr1, pl, run, training, jvm);
        Node r2 = start("rollout-2", "rollout", pr2, pl, run, training, jvm);
        List<Node> all = List.of(learner, r1, r2);

        // kill r2 just after one of its worlds started an episode (after 2 episodes are in)
        await("2 episodes committed", deadline, () -> liveCommits(learner).size() >= 2, all);
        int startedBefore = r2.events("WORLD-EPISODE").size();
        await("an episode starting on rollout-2", deadline, () -> r2.events("WORLD-EPISODE").size() > startedBefore, all, 5);
        r2.kill();
        long killed = System.currentTimeMillis();
        Map<Integer, Integer> r1Before = worldsStarted(r1);
        Set<Integer> worldsOnR2 = new TreeSet<>(worldsStarted(r2).keySet());
        worldsOnR2.removeAll(r1Before.keySet()); // (a world moved to r1 by a rebalance before the kill)
        assertFalse(worldsOnR2.isEmpty(), "rollout-2 hosted worlds");
        Thread.sleep(2000); // commits that were already on their way are in; what is left was cut
        Map<Long, Integer> cut = runningOn(r2, learner); // episode -> world, cut mid-day by the kill
        List<Node> rest = List.of(learner, r1);
        // r2's worlds re-spawn on r1 with the next message (a re-handed lease, or the next episode), and the
        // episodes cut by the kill are completed there by a later attempt
        Set<Integer> respawnedWorlds = new TreeSet<>();
        await("rollout-2's worlds re-spawned on rollout-1 and the cut episodes committed", killed + DEADLINE_MS, () -> {
            respawnedWorlds.clear();
            worldsStarted(r1).forEach((w, n) -> {
                if (n > r1Before.getOrDefault(w, 0)) {
                    respawnedWorlds.add(w);
                }
            });
            return respawnedWorlds.containsAll(worldsOnR2)
                    && cut.keySet().stream().allMatch(e -> liveCommits(learner).contains(e));
        }, rest);
        long recoveredAt = System.currentTimeMillis();
        for (Map.Entry<Long, Integer> en : cut.entrySet()) {
            String commit = learner.events("EPISODE-COMMITTED").stream()
                    .filter(s -> s.startsWith("episode=" + en.getKey() + " ")).findFirst().orElseThrow();
            assertTrue(value(commit, "attempt") >= 2, "episode " + en.getKey() + " completed by a later attempt: " + commit);
            assertTrue(learner.has("LEASE-EXPIRED", "episode=" + en.getKey() + " "), "lease of " + en.getKey() + " expired");
        }
        // weights reach the worlds: later days run on newer policy versions (version = learner update + 1)
        assertTrue(r1.events("WORLD-EPISODE").stream().anyMatch(l -> value(l, "policy") > 1),
                "no world ran a day on updated weights: " + r1.events("WORLD-EPISODE"));
        long respawnedEpisodes = learner.events("EPISODE-COMMITTED").stream()
                .filter(s -> !s.contains("recovered") && value(s, "attempt") >= 2).count();
        await("a checkpoint after the rollout node's death", killed + DEADLINE_MS,
                () -> learner.has("CHECKPOINT", "ep-000008"), rest);
        long respawned = recoveredAt;
        // (c) kill -9 everything, start again
        learner.kill();
        r1.kill();
        List<Long> firstRun = liveCommits(learner);
        assertFalse(learner.has("TRAINING-DONE", ""), "the run was cut before its end");
        long restart = System.currentTimeMillis();
        int pl2 = freePort();
        int pr3 = freePort();
        Node learner2 = start("learner-again", "learner", pl2, null, run, training, List.of("-Dp2pgrid.cluster.min-rollout-nodes=1"));
        Node r3 = start("rollout-again", "rollout", pr3, pl2, run, training);
        List<Node> again = List.of(learner2, r3);
        await("the resumed run ends", restart + DEADLINE_MS, () -> learner2.has("TRAINING-DONE", ""), again);
        long done = System.currentTimeMillis();

        String restored = learner2.events("SINGLETON-STARTED").get(0);
        long resumedAt = value(restored, "next-episode");
        assertTrue(resumedAt >= 4, "restored a checkpoint: " + restored);
        assertTrue(learner2.has("TRAINING-DONE", "episodes=" + episodes + " "), learner2.events("TRAINING-DONE").toString());
        assertTrue(learner2.has("TRAINING-DONE", "resumed=true"));
        // every episode exactly once over both runs: the first run's commits below the checkpoint, or in
        // its WAL (recovered, not re-run), and the second run's live commits
        List<Long> recoveredAgain = learner2.events("EPISODE-COMMITTED").stream().filter(s -> s.contains("recovered=true"))
                .map(s -> value(s, "episode")).toList();
        List<Long> secondRun = liveCommits(learner2);
        for (long e : secondRun) {
            assertTrue(e >= resumedAt, "episode " + e + " re-run although the checkpoint holds it");
            assertFalse(recoveredAgain.contains(e), "episode " + e + " re-run although the WAL holds it");
        }
        // (an episode counts where it is durable: the first run's commits below the checkpoint, its WAL —
        // which can hold a commit the killed node had no time to print — and the second run's live commits)
        List<Long> counted = new ArrayList<>(firstRun.stream().filter(e -> e < resumedAt).toList());
        counted.addAll(recoveredAgain);
        counted.addAll(secondRun);
        assertEachOnce(counted, episodes, "over the restart");
        // every live commit of the first run after the checkpoint is recovered from the WAL (durable before its ack)
        for (long e : firstRun) {
            if (e >= resumedAt) {
                assertTrue(recoveredAgain.contains(e), "episode " + e + " committed before the kill but not in the WAL");
            }
        }
        assertEquals(firstRun.size(), new TreeSet<>(firstRun).size(), "first run: an episode committed twice " + firstRun);
        System.out.printf("CLUSTER-TRAINING rollout kill -9: episodes cut mid-day %s; worlds re-spawned on r1 %s;"
                        + " all re-spawned and cut episodes committed %d ms after the kill; %d episodes by later attempts; leases re-handed: %d;"
                        + " attempts discarded: %d; whole-cluster restart resumed at episode %d (%d recovered from WAL),"
                        + " finished %d episodes %d ms after the restart; total %d ms%n",
                cut, respawnedWorlds, respawned - killed, respawnedEpisodes, learner.events("LEASE-EXPIRED").size(),
                learner.events("ATTEMPT-DISCARDED").size(), resumedAt, recoveredAgain.size(), episodes, done - restart,
                done - t0);
    }

    /**
     * (b) kill -9 the learner singleton's node (two learner-capable nodes share the run directory): the
     * singleton moves, restores the newest checkpoint and replays the WAL written after it; every
     * transition the killed learner acknowledged is held again (replay + staged attempts), the worlds
     * re-send what was not acknowledged, and the run reaches its episode count with every episode
     * committed exactly once.
     */
    @Test
    void learnerNodeDiesSingletonMovesAndRestoresCheckpointPlusWal() throws Exception {
        int episodes = 10;
        Path run = tmp.resolve("run");
        Path training = trainingFile(episodes);
        int pa = freePort();
        int pb = freePort();
        int pr = freePort();
        long t0 = System.currentTimeMillis();
        long deadline = t0 + DEADLINE_MS;
        Node a = start("learner-a", "learner", pa, null, run, training);
        Node b = start("learner-b", "learner", pb, pa, run, training);
        Node r = start("rollout", "rollout", pr, pa, run, training);
        List<Node> all = List.of(a, b, r);
        // kill it mid-episodes: after checkpoint ep-000004, once ≥ 96 more transitions are acknowledged
        // (in the WAL, staged in open attempts or committed)
        await("a checkpoint and transitions acknowledged after it on learner-a", deadline,
                () -> a.has("CHECKPOINT", "ep-000004") && lastAcked(a) >= 4 * 96 + 96, all, 5);
        a.kill();
        long killed = System.currentTimeMillis();
        long ackedBeforeKill = lastAcked(a);
        List<Long> firstCommits = liveCommits(a);
        List<Node> survivors = List.of(b, r);
        await("the singleton on learner-b", killed + DEADLINE_MS, () -> !b.events("RECOVERED").isEmpty(), survivors);
        long moved = System.currentTimeMillis();
        String recovered = b.events("RECOVERED").get(0);
        long held = value(recovered, "held");
        long durable = value(recovered, "durable");
        long replayAfter = value(recovered, "replay-after-restore");
        System.out.println("LEARNER-FAILOVER acked-before-kill=" + ackedBeforeKill + " durable-after-restore=" + durable
                + " held-after-restore=" + held + " replay-after-restore=" + replayAfter);
        assertTrue(durable >= ackedBeforeKill, "durable " + durable + " < acknowledged " + ackedBeforeKill);
        assertTrue(held >= ackedBeforeKill, "held (replay + staged) " + held + " < acknowledged " + ackedBeforeKill);
        await("the run ends on learner-b", killed + DEADLINE_MS, () -> b.has("TRAINING-DONE", ""), survivors);
        long done = System.currentTimeMillis();

        assertTrue(b.has("TRAINING-DONE", "episodes=" + episodes + " "), b.events("TRAINING-DONE").toString());
        String started = b.events("SINGLETON-STARTED").get(0);
        long resumedAt = value(started, "next-episode");
        assertTrue(resumedAt >= 4, started);
        List<Long> walRecovered = b.events("EPISODE-COMMITTED").stream().filter(s -> s.contains("recovered=true"))
                .map(s -> value(s, "episode")).toList();
        for (long e : firstCommits) {
            if (e >= resumedAt) {
                assertTrue(walRecovered.contains(e), "episode " + e + " committed on learner-a but not recovered from the WAL");
            }
        }
        // an episode counts where it is durable: below the checkpoint (learner-a's commits), in the WAL
        // (recovered by learner-b), or committed live by learner-b
        List<Long> counted = new ArrayList<>(firstCommits.stream().filter(e -> e < resumedAt).toList());
        counted.addAll(walRecovered);
        counted.addAll(liveCommits(b));
        assertEachOnce(counted, episodes, "over the learner fail-over");
        assertEquals(0, r.events("WORLD-FAILED").size(), "no world gave up while the singleton moved");
        // expert (rule-based) labels travel with the batches and are attached in the replay
        List<String> doneLines = b.events("EPISODE-DONE");
        assertTrue(value(doneLines.get(doneLines.size() - 1), "labelled") > 0, "labelled transitions: " + doneLines);
        System.out.printf("CLUSTER-TRAINING learner kill -9: singleton restored %s on learner-b %d ms after the kill"
                        + " (checkpoint + %d committed episodes from the WAL); acknowledged before the kill %d, durable after"
                        + " restore %d, held (replay + staged) %d; run finished %d ms after the kill; total %d ms%n",
                started.replaceAll(".*restored=", ""), moved - killed, walRecovered.size(), ackedBeforeKill, durable, held,
                done - killed, done - t0);
    }
}
