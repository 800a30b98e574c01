package org.p2pgrid.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.p2pgrid.actors.cluster.ForkedClusterNodes.await;
import static org.p2pgrid.actors.cluster.ForkedClusterNodes.members;
import static org.p2pgrid.actors.cluster.ForkedClusterNodes.repliesFrom;
import static org.p2pgrid.actors.cluster.ForkedClusterNodes.statuses;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p2pgrid.actors.cluster.ForkedClusterNodes.Node;
import org.p2pgrid.learner.train.Checkpoints;

/**
 * The cluster over the two non-default Artery transports, each with 3 forked {@link ClusterNode} JVMs on
 * 127.0.0.1 (learner founder + two rollout nodes, free ports, keep-majority SBR):
 * <ul>
 *   <li>Aeron UDP ({@code cluster-aeron.conf}, embedded media driver, one driver directory per node in a
 *       per-test directory that is removed afterwards) and TLS ({@code cluster-tls.conf}, mutual
 *       authentication, keys made by {@code gen-tls-keys.sh} in a temp dir): the cluster forms (3 Up on
 *       every node), the learner singleton answers both rollout nodes' protobuf {@code LearnerStatus}
 *       requests (the STATUS lines' fields parse and carry the restored checkpoint's values), kill -9 of a
 *       rollout node gets it removed (2 Up, none unreachable) while the other rollout node keeps getting
 *       replies from the same singleton incarnation;</li>
 *   <li>TLS negative: a node whose keystore is signed by a different CA (its truststore trusts the
 *       cluster's CA, so only the cluster's client-certificate check can stop it) fails the handshake and
 *       never becomes a member within a bounded window, while the 3 members stay Up and keep serving.</li>
 * </ul>
 * Everything is decided on the nodes' stdout lines; deadlines only stop a broken build. Prints
 * {@code CLUSTER-TRANSPORT} lines with the measured times.
 */
@Tag("cluster")
class ClusterTransportTest {
    private static final long DEADLINE_MS = 90_000;
    /** How long the foreign-CA node must stay out after its first rejected handshake. */
    private static final long NEGATIVE_WINDOW_MS = 15_000;
    private static final String PASSWORD = "p2pgrid-test-" + Long.toHexString(System.nanoTime());
    private static final String AERON_TEST_DIR_PREFIX = "p2pgrid-aeron-test-";

    @TempDir
    Path tmp;

    private final List<ForkedClusterNodes> clusters = new ArrayList<>();
    private Path aeronDir;

    @AfterEach
    void stop() throws Exception {
        for (ForkedClusterNodes c : clusters) {
            c.close();
        }
        if (aeronDir != null) {
            deleteTree(aeronDir);
            assertFalse(Files.exists(aeronDir), "aeron directory removed: " + aeronDir);
        }
    }

    // ---------------------------------------------------------------------------------------------- Aeron

    @Test
    void aeronUdpClusterFormsServesStatusAndRemovesAKilledRolloutNode() throws Exception {
        assumeTrue(classPresent("io.aeron.driver.MediaDriver") && classPresent("org.agrona.DirectBuffer"),
                "aeron-driver/aeron-client/agrona not on the test class path");
        aeronDir = aeronTestDir();
        ForkedClusterNodes cluster = new ForkedClusterNodes("cluster-aeron.conf",
                List.of("--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "-Daeron.term.buffer.length=2097152",
                        "-Dp2pgrid.cluster.run-dir=" + runDirWithCheckpoint()),
                Map.of());
        clusters.add(cluster);
        Scenario s = formAndKillRollout(cluster, "aeron-udp", port -> List.of(
                "-Dpekko.remote.artery.advanced.aeron.aeron-dir=" + aeronDir.resolve("node-" + port)));
        // every node ran its embedded media driver in the per-test directory (none in /dev/shm/aeron-p2pgrid-PORT)
        for (Node n : s.all) {
            assertTrue(Files.exists(aeronDir.resolve("node-" + n.port).resolve("cnc.dat")),
                    "media driver of " + n.name + " in " + aeronDir);
            assertFalse(Files.exists(Path.of("/dev/shm/aeron-p2pgrid-" + n.port)), "nothing in the shared /dev/shm name");
        }
        // the killed node could not clean up after itself: its driver directory is still there (the @AfterEach removes it)
        assertTrue(Files.exists(aeronDir.resolve("node-" + s.killed.port)), "kill -9 leaves the driver directory");
        s.print("aeron-udp");
    }

    // ------------------------------------------------------------------------------------------------ TLS

    @Test
    void tlsClusterFormsServesStatusAndRemovesAKilledRolloutNode() throws Exception {
        Path keys = generateKeys("ca-a");
        ForkedClusterNodes cluster = tlsCluster(keys);
        Scenario s = formAndKillRollout(cluster, "tls-tcp", port -> List.of());
        s.print("tls-tcp");
    }

    @Test
    void tlsNodeWithAKeyFromAnotherCaNeverJoins() throws Exception {
        Path[] made = generateKeysInParallel("ca-a", "ca-b");
        Path good = made[0];
        // foreign key pair (signed by CA b) but the cluster's truststore (CA a): the rogue would accept the
        // cluster's nodes; only the cluster's check of the client certificate (mutual auth) keeps it out
        Path rogueKeys = Files.createDirectories(tmp.resolve("rogue"));
        Files.copy(made[1].resolve("keystore.p12"), rogueKeys.resolve("keystore.p12"));
        Files.copy(good.resolve("truststore.p12"), rogueKeys.resolve("truststore.p12"));

        ForkedClusterNodes cluster = tlsCluster(good);
        int pa = ForkedClusterNodes.freePort();
        int pb = ForkedClusterNodes.freePort();
        int pc = ForkedClusterNodes.freePort();
        int pr = ForkedClusterNodes.freePort();
        long t0 = System.currentTimeMillis();
        Node a = cluster.start("learner-a", "learner", pa, null);
        Node b = cluster.start("rollout-b", "rollout", pb, pa);
        Node c = cluster.start("rollout-c", "rollout", pc, pa);
        List<Node> members = List.of(a, b, c);
        await("3 Up members on every node", t0 + DEADLINE_MS, () -> members.stream().allMatch(n -> members(n, 3, 0, 0)),
                members);
        long formed = System.currentTimeMillis();
        await("status replies on b", t0 + DEADLINE_MS, () -> repliesFrom(b, a) >= 1, members);

        Node rogue = cluster.start("rogue-r", "rollout", pr, pa, List.of(), Map.of("P2PGRID_TLS_DIR", rogueKeys.toString()));
        List<Node> all = List.of(a, b, c, rogue);
        long rogueStarted = System.currentTimeMillis();
        await("the rogue node started with TLS", rogueStarted + DEADLINE_MS,
                () -> rogue.events("NODE-STARTED").stream().anyMatch(l -> l.contains("transport=tls-tcp")), all);
        // the rogue trusts the cluster's CA, so a fatal alert it receives is a member refusing its certificate
        await("a member refusing the foreign certificate (fatal TLS alert received by the rogue)",
                rogueStarted + DEADLINE_MS, () -> rogue.lines.stream().anyMatch(
                        l -> rejectionLine(l) && l.contains("Received fatal alert")), all);
        long rejected = System.currentTimeMillis();
        long servedBefore = repliesFrom(b, a);
        long windowEnd = rejected + NEGATIVE_WINDOW_MS;
        String rogueHostPort = ":" + pr + ":";
        while (System.currentTimeMillis() < windowEnd) {
            for (Node n : members) {
                assertFalse(n.events("MEMBERS").stream().anyMatch(l -> l.contains(rogueHostPort)),
                        n.name + " lists the foreign-CA node" + ForkedClusterNodes.tail(all, 25));
                assertTrue(members(n, 3, 0, 0), n.name + " left 3 Up / 0 unreachable" + ForkedClusterNodes.tail(all, 25));
            }
            assertFalse(rogue.events("MEMBERS").stream().anyMatch(l -> !l.startsWith("up=0 ")),
                    "the foreign-CA node saw a member" + ForkedClusterNodes.tail(all, 25));
            assertTrue(rogue.events("STATUS").isEmpty(), "the foreign-CA node reached the singleton");
            Thread.sleep(250);
        }
        assertTrue(rogue.process.isAlive(), "the rogue kept trying to join for the whole window");
        assertTrue(repliesFrom(b, a) > servedBefore && repliesFrom(c, a) > 0, "members kept getting STATUS replies");
        assertEquals("n=2", a.last("ROLLOUTS"), "the learner sees only the two member rollout nodes");
        String evidence = rogue.lines.stream().filter(l -> rejectionLine(l) && l.contains("Received fatal alert"))
                .findFirst().orElse("");
        System.out.printf("CLUSTER-TRANSPORT tls-negative: formed=%d ms; foreign-CA node: certificate refused (fatal alert) %d ms"
                        + " after its start, not a member for %d ms after that (members 3 Up throughout); evidence: %s%n",
                formed - t0, rejected - rogueStarted,
                NEGATIVE_WINDOW_MS, evidence.length() > 300 ? evidence.substring(0, 300) : evidence);
    }

    // ----------------------------------------------------------------------------------------- scenario

    /** The shared 3-node scenario's nodes and times. */
    private record Scenario(List<Node> all, Node killed, long formed, long firstStatus, long removed, long repliesAfter) {
        void print(String transport) {
            System.out.printf("CLUSTER-TRANSPORT %s: formed=%d ms (3 Up on every node), first status on both rollout"
                            + " nodes=%d ms; rollout node removed %d ms after its kill -9; %d status replies on the"
                            + " survivor after the removal%n",
                    transport, formed, firstStatus, removed, repliesAfter);
        }
    }

    private interface PerNodeFlags {
        List<String> flags(int port) throws IOException;
    }

    private Scenario formAndKillRollout(ForkedClusterNodes cluster, String transport, PerNodeFlags flags)
            throws Exception {
        int pa = ForkedClusterNodes.freePort();
        int pb = ForkedClusterNodes.freePort();
        int pc = ForkedClusterNodes.freePort();
        long t0 = System.currentTimeMillis();
        Node a = cluster.start("learner-a", "learner", pa, null, flags.flags(pa), Map.of());
        Node b = cluster.start("rollout-b", "rollout", pb, pa, flags.flags(pb), Map.of());
        Node c = cluster.start("rollout-c", "rollout", pc, pa, flags.flags(pc), Map.of());
        List<Node> all = List.of(a, b, c);
        long deadline = t0 + DEADLINE_MS;
        await("3 Up members on every node", deadline, () -> all.stream().allMatch(n -> members(n, 3, 0, 0)), all);
        long formed = System.currentTimeMillis();
        for (Node n : all) {
            assertTrue(n.events("NODE-STARTED").get(0).contains("transport=" + transport), n.events("NODE-STARTED").toString());
        }
        await("status replies from the singleton on a, on both rollout nodes", deadline,
                () -> repliesFrom(b, a) >= 2 && repliesFrom(c, a) >= 2, all);
        long firstStatus = System.currentTimeMillis();
        assertEquals(1, a.events("SINGLETON-STARTED").size(), "the singleton on the founding learner node");
        assertTrue(b.events("SINGLETON-STARTED").isEmpty() && c.events("SINGLETON-STARTED").isEmpty());
        // the protobuf LearnerStatus round trip: every field came across and parses
        for (Node r : List.of(b, c)) {
            long lastRequest = 0;
            long lastServed = 0;
            for (Map<String, String> m : statuses(r)) {
                assertEquals(a.address(), m.get("learner"), m.toString());
                assertEquals("ep-000007", m.get("restored"), m.toString());
                assertEquals(7, Long.parseLong(m.get("next-episode")), m.toString());
                assertEquals(6720, Long.parseLong(m.get("steps")), m.toString());
                long request = Long.parseLong(m.get("request"));
                long served = Long.parseLong(m.get("served"));
                assertTrue(request > lastRequest, "request ids echo this node's increasing ids: " + m);
                assertTrue(served > lastServed && served >= request, "the singleton's running count: " + m);
                lastRequest = request;
                lastServed = served;
            }
        }
        await("the learner sees both rollout nodes", deadline, () -> a.last("ROLLOUTS").equals("n=2"), all);

        c.kill();
        long killed = System.currentTimeMillis();
        List<Node> rest = List.of(a, b);
        await("c downed and removed: 2 Up, none unreachable", killed + DEADLINE_MS,
                () -> rest.stream().allMatch(n -> members(n, 2, 0, pc)), rest);
        long removed = System.currentTimeMillis();
        long before = repliesFrom(b, a);
        await("b keeps getting status replies from the same singleton", removed + DEADLINE_MS,
                () -> repliesFrom(b, a) >= before + 3, rest);
        await("the learner sees one rollout node", removed + DEADLINE_MS, () -> a.last("ROLLOUTS").equals("n=1"), rest);
        assertEquals(1, a.events("SINGLETON-STARTED").size(), "singleton not restarted by a rollout node's death");
        assertTrue(a.process.isAlive() && b.process.isAlive(), "survivors kept running");
        List<Map<String, String>> st = statuses(b);
        Map<String, String> lastStatus = st.get(st.size() - 1);
        assertEquals(a.address(), lastStatus.get("learner"));
        assertEquals("ep-000007", lastStatus.get("restored"));
        return new Scenario(all, c, formed - t0, firstStatus - t0, removed - killed, repliesFrom(b, a) - before);
    }

    private Path runDirWithCheckpoint() throws IOException {
        Path run = Files.createDirectories(tmp.resolve("run"));
        if (!Files.exists(run.resolve("ep-000007"))) {
            new Checkpoints(run, 3).save(new Checkpoints.TrainerState(7, 6720, "test"), List.of(), d -> {
                Files.write(d.resolve(Checkpoints.LEARNER), new byte[] {1, 2, 3});
                Files.write(d.resolve(Checkpoints.REPLAY), new byte[] {4, 5});
            });
        }
        return run;
    }

    // ------------------------------------------------------------------------------------------ TLS keys

    private ForkedClusterNodes tlsCluster(Path keys) throws IOException {
        ForkedClusterNodes cluster = new ForkedClusterNodes("cluster-tls.conf",
                List.of("-Dp2pgrid.cluster.run-dir=" + runDirWithCheckpoint()),
                Map.of("P2PGRID_TLS_DIR", keys.toString(), "P2PGRID_TLS_PASSWORD", PASSWORD));
        clusters.add(cluster);
        return cluster;
    }

    private Path generateKeys(String name) throws Exception {
        return generateKeysInParallel(name)[0];
    }

    /** Runs cluster-config/gen-tls-keys.sh (keytool from this JDK) once per name, concurrently. */
    private Path[] generateKeysInParallel(String... names) throws Exception {
        Path script = ForkedClusterNodes.repoRoot().resolve("cluster-config/gen-tls-keys.sh");
        Path javaBin = Path.of(System.getProperty("java.home"), "bin");
        Path[] dirs = new Path[names.length];
        Process[] ps = new Process[names.length];
        Path[] logs = new Path[names.length];
        for (int i = 0; i < names.length; i++) {
            dirs[i] = tmp.resolve("keys-" + names[i]);
            logs[i] = tmp.resolve("gen-" + names[i] + ".log");
            ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), dirs[i].toString(), PASSWORD)
                    .redirectErrorStream(true).redirectOutput(logs[i].toFile());
            pb.environment().put("PATH", javaBin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
            ps[i] = pb.start();
        }
        for (int i = 0; i < names.length; i++) {
            assertTrue(ps[i].waitFor(180, TimeUnit.SECONDS), "gen-tls-keys.sh " + names[i] + " finished");
            String log = Files.readString(logs[i], StandardCharsets.UTF_8);
            assertEquals(0, ps[i].exitValue(), "gen-tls-keys.sh " + names[i] + ":\n" + log);
            assertTrue(Files.size(dirs[i].resolve("keystore.p12")) > 0 && Files.size(dirs[i].resolve("truststore.p12")) > 0, log);
        }
        return dirs;
    }

    /** A line saying a TLS handshake failed (JSSE exception names or alerts, as Pekko logs them). */
    private static boolean rejectionLine(String l) {
        return l.contains("SSLHandshakeException") || l.contains("certificate_unknown") || l.contains("bad_certificate")
                || l.contains("PKIX path") || l.contains("unable to find valid certification path");
    }

    // ------------------------------------------------------------------------------------- Aeron support

    private static boolean classPresent(String name) {
        try {
            Class.forName(name, false, ClusterTransportTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * A fresh directory for this test's media drivers: on /dev/shm (tmpfs, where Aeron's memory-mapped
     * files belong) when it is there with room, else under java.io.tmpdir; override the parent with
     * {@code -Dp2pgrid.test.aeron-parent=DIR}. Each node gets {@code node-PORT} inside it, so nothing
     * collides with /dev/shm/aeron-p2pgrid-PORT of nodes started by hand or by other runs. Directories of
     * earlier runs whose node JVMs are all dead (killed test runs) are removed first.
     */
    private static Path aeronTestDir() throws IOException {
        // 3 nodes x ~60 MB of log buffers at term length 2 MiB; ask for generous head room
        long need = 512L << 20;
        String override = System.getProperty("p2pgrid.test.aeron-parent");
        Path shm = Path.of("/dev/shm");
        Path parent;
        if (override != null) {
            parent = Path.of(override);
        } else if (Files.isDirectory(shm) && Files.isWritable(shm) && shm.toFile().getUsableSpace() >= need) {
            parent = shm;
        } else {
            parent = Path.of(System.getProperty("java.io.tmpdir"));
        }
        long usable = parent.toFile().getUsableSpace();
        assumeTrue(usable >= need, "Aeron media driver needs ~" + (need >> 20) + " MB for 3 nodes' log buffers; "
                + parent + " has " + (usable >> 20) + " MB usable (/dev/shm usable: "
                + (Files.isDirectory(shm) ? (shm.toFile().getUsableSpace() >> 20) + " MB" : "absent") + ")");
        removeStaleTestDirs(parent);
        return Files.createTempDirectory(parent, AERON_TEST_DIR_PREFIX);
    }

    private static void removeStaleTestDirs(Path parent) {
        try (Stream<Path> dirs = Files.list(parent)) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().startsWith(AERON_TEST_DIR_PREFIX)).toList()) {
                if (System.currentTimeMillis() - Files.getLastModifiedTime(d).toMillis() < 10 * 60_000) {
                    continue; // maybe a concurrent run
                }
                boolean live;
                try (Stream<Path> nodes = Files.list(d)) {
                    live = nodes.map(n -> n.resolve("p2pgrid.pid")).filter(Files::exists).anyMatch(pid -> {
                        try {
                            return ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()))
                                    .map(ProcessHandle::isAlive).orElse(false);
                        } catch (IOException | NumberFormatException e) {
                            return false;
                        }
                    });
                }
                if (!live) {
                    deleteTree(d);
                }
            }
        } catch (IOException e) {
            System.err.println("ClusterTransportTest: stale aeron test dirs not removed: " + e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> w = Files.walk(root)) {
            for (Path p : w.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
