package org.p2pgrid.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p2pgrid.actors.cluster.ForkedClusterNodes.Node;
import org.p2pgrid.learner.train.Checkpoints;

/**
 * Four ClusterNode JVMs on 127.0.0.1 (two learner-role nodes, two rollout nodes, free ports, the
 * cluster-config/cluster-tcp.conf configuration with keep-majority SBR): the learner singleton comes
 * up on the oldest learner node and restores the run directory's checkpoint; kill -9 of a rollout node
 * gets it downed and removed while the same singleton instance keeps answering; then kill -9 of the
 * singleton's node (3 -> 2, still a majority)
 * ({@code destroyForcibly}) makes the split-brain resolver down it (2 Up members, none unreachable on
 * both survivors), the singleton starts on the other learner node and restores the same checkpoint,
 * and the rollout node's protobuf status requests reach the new incarnation. Everything is decided on
 * the nodes' stdout lines ({@code P2PGRID MEMBERS/SINGLETON-STARTED/STATUS}); the deadlines only stop
 * a broken build. Prints the measured failover times.
 */
@Tag("cluster")
class ClusterFailoverTest {
    private static final long DEADLINE_MS = 90_000;
    private final List<Node> nodes = new ArrayList<>();

    @TempDir
    Path run;


    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private Node start(String name, String role, int port, Integer seed) throws IOException {
        Path root = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath().getParent();
        Path conf = root.resolve("cluster-config/cluster-tcp.conf");
        assertTrue(Files.exists(conf), conf + " missing");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true",
                "-Dconfig.file=" + conf,
                "-Dp2pgrid.cluster.run-dir=" + run,
                "-Dp2pgrid.cluster.status-every=1s",
                "-cp", System.getProperty("java.class.path"),
                ClusterNode.class.getName(), role, Integer.toString(port)));
        if (seed != null) {
            cmd.add("127.0.0.1:" + seed);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Node n = new Node(name, port, p);
        nodes.add(n);
        return n;
    }

    private static void await(String what, long deadline, java.util.function.BooleanSupplier ok, List<Node> show)
            throws InterruptedException {
        while (!ok.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                StringBuilder sb = new StringBuilder("timed out waiting for " + what);
                for (Node n : show) {
                    sb.append("\n--- ").append(n.name).append(" (alive=").append(n.process.isAlive()).append(")");
                    List<String> l = n.lines;
                    for (String s : l.subList(Math.max(0, l.size() - 25), l.size())) {
                        sb.append("\n").append(s);
                    }
                }
                fail(sb.toString());
            }
            Thread.sleep(200);
        }
    }

    /** Highest {@code served=} count in {@code asker}'s STATUS replies from the singleton on {@code host}. */
    private static long servedBy(Node asker, Node host) {
        return asker.events("STATUS").stream().filter(s -> s.startsWith("learner=" + host.address() + " "))
                .mapToLong(s -> Long.parseLong(s.substring(s.indexOf("served=") + 7).trim())).max().orElse(0);
    }

    private static Predicate<String> upCount(int up, int unreachable) {
        return l -> l.startsWith("up=" + up + " unreachable=" + unreachable + " ");
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

    @Test
    void learnerSingletonMovesAndSplitBrainResolverDownsTheKilledNode() throws Exception {
        // a verified checkpoint in the run directory: the singleton restores its trainer state
        new Checkpoints(run, 3).save(new Checkpoints.TrainerState(7, 6720, "test"), List.of(), d -> {
            Files.write(d.resolve(Checkpoints.LEARNER), new byte[] {1, 2, 3});
            Files.write(d.resolve(Checkpoints.REPLAY), new byte[] {4, 5});
        });
        int pa = freePort();
        int pb = freePort();
        int pc = freePort();
        int pd = freePort();
        long t0 = System.currentTimeMillis();
        long deadline = t0 + DEADLINE_MS;
        Node a = start("learner-a", "learner", pa, null);
        Node b = start("learner-b", "learner", pb, pa);
        Node c = start("rollout-c", "rollout", pc, pa);
        Node d = start("rollout-d", "rollout", pd, pa);
        List<Node> all = List.of(a, b, c, d);

        await("4 Up members on every node", deadline,
                () -> all.stream().allMatch(n -> upCount(4, 0).test(n.last("MEMBERS"))), all);
        long formed = System.currentTimeMillis();
        await("the learner singleton on one node", deadline,
                () -> all.stream().mapToInt(n -> n.events("SINGLETON-STARTED").size()).sum() >= 1, all);
        // the oldest learner-role node hosts it: the founding node a
        assertEquals(1, a.events("SINGLETON-STARTED").size(), "singleton on the oldest learner node");
        assertEquals(0, b.events("SINGLETON-STARTED").size());
        assertEquals(0, c.events("SINGLETON-STARTED").size(), "never on a rollout node");
        assertTrue(a.events("SINGLETON-STARTED").get(0).contains("restored=ep-000007 next-episode=7 steps=6720"),
                a.events("SINGLETON-STARTED").toString());
        await("a status reply from the singleton on a", deadline,
                () -> c.events("STATUS").stream().anyMatch(s -> s.startsWith("learner=" + a.address() + " ")
                        && s.contains("next-episode=7")), all);
        await("the learner sees both rollout nodes", deadline, () -> a.last("ROLLOUTS").equals("n=2"), all);

        // kill -9 a rollout node: the SBR downs it (3 of 4 left), the singleton stays where it is
        d.process.destroyForcibly();
        assertTrue(d.process.waitFor(10, TimeUnit.SECONDS));
        long rolloutKilled = System.currentTimeMillis();
        List<Node> rest = List.of(a, b, c);
        await("d removed: 3 Up, none unreachable", rolloutKilled + DEADLINE_MS,
                () -> rest.stream().allMatch(n -> upCount(3, 0).test(n.last("MEMBERS"))
                        && !n.last("MEMBERS").contains(":" + pd + ":")), rest);
        long rolloutRemoved = System.currentTimeMillis();
        await("the learner sees one rollout node", rolloutKilled + DEADLINE_MS, () -> a.last("ROLLOUTS").equals("n=1"), rest);
        long servedBefore = servedBy(c, a);
        await("the same singleton keeps answering", rolloutKilled + DEADLINE_MS, () -> servedBy(c, a) > servedBefore, rest);
        assertEquals(1, a.events("SINGLETON-STARTED").size(), "singleton not restarted by a rollout node's death");
        assertEquals(0, b.events("SINGLETON-STARTED").size());

        // kill -9 the node hosting the singleton
        a.process.destroyForcibly();
        assertTrue(a.process.waitFor(10, TimeUnit.SECONDS));
        long killed = System.currentTimeMillis();
        deadline = killed + DEADLINE_MS;
        List<Node> survivors = List.of(b, c);
        await("a marked unreachable", deadline,
                () -> survivors.stream().allMatch(n -> n.events("MEMBERS").stream().anyMatch(
                        l -> l.matches(".*127\\.0\\.0\\.1:" + pa + ":\\w+:learner:unreachable.*"))), survivors);
        long unreachable = System.currentTimeMillis();
        await("the singleton started on b", deadline, () -> b.events("SINGLETON-STARTED").size() == 1, survivors);
        long moved = System.currentTimeMillis();
        await("SBR downed and removed a: 2 Up, none unreachable, on both survivors", deadline,
                () -> survivors.stream().allMatch(n -> upCount(2, 0).test(n.last("MEMBERS"))
                        && !n.last("MEMBERS").contains(":" + pa + ":")), survivors);
        long removed = System.currentTimeMillis();
        await("a status reply from the new singleton on b", deadline,
                () -> c.events("STATUS").stream().anyMatch(s -> s.startsWith("learner=" + b.address() + " ")
                        && s.contains("next-episode=7")), survivors);
        long served = System.currentTimeMillis();

        assertTrue(b.events("SINGLETON-STARTED").get(0).contains("restored=ep-000007 next-episode=7 steps=6720"));
        assertEquals(0, c.events("SINGLETON-STARTED").size(), "never on a rollout node");
        assertTrue(b.process.isAlive() && c.process.isAlive(), "survivors kept running");
        // the leader among the survivors logs the split-brain resolver's decision (WARN, merged into stdout)
        assertEquals(1, survivors.stream().mapToLong(n -> n.lines.stream().filter(l -> l.contains(
                "SBR took decision DownUnreachable and is downing [" + a.address() + "]")).count()).sum(),
                "exactly one keep-majority decision downing a");
        assertFalse(c.events("STATUS").stream().anyMatch(s -> s.contains("next-episode=0")), "no empty restore");
        System.out.printf("CLUSTER-FAILOVER formed=%d ms; rollout node removed %d ms after its kill -9;"
                        + " after kill -9 of the singleton's node: unreachable=%d ms, singleton on b=%d ms,"
                        + " removed=%d ms, first status from b=%d ms%n",
                formed - t0, rolloutRemoved - rolloutKilled, unreachable - killed, moved - killed, removed - killed, served - killed);
    }
}
