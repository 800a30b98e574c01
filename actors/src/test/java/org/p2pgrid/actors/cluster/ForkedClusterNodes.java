package org.p2pgrid.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Test support: forks {@link ClusterNode} JVMs on 127.0.0.1 with one of the cluster-config/ files,
 * extra JVM flags and environment, collects their stdout (stderr merged) and parses the
 * {@value ClusterNode#PREFIX} lines. Closing it stops every node it started (SIGTERM, then kill -9).
 * Same conventions as ClusterFailoverTest (small heaps, C1 only, offline DJL flags).
 */
final class ForkedClusterNodes implements AutoCloseable {
    private final Path conf;
    private final List<String> jvmFlags;
    private final Map<String, String> env;
    private final List<Node> nodes = new ArrayList<>();

    /** A forked node: its name, Artery port, process and every line it printed. */
    static final class Node {
        final String name;
        final int port;
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();

        Node(String name, int port, Process process) {
            this.name = name;
            this.port = port;
            this.process = process;
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        lines.add(l);
                        if (l.startsWith(ClusterNode.PREFIX)) {
                            System.out.println("[" + name + "] " + l);
                        }
                    }
                } catch (IOException ignored) {
                    // process gone
                }
            }, "out-" + name);
            t.setDaemon(true);
            t.start();
        }

        String address() {
            return "pekko://" + ClusterNode.SYSTEM + "@127.0.0.1:" + port;
        }

        /** Payloads of this node's {@code P2PGRID KIND ...} lines, in order. */
        List<String> events(String kind) {
            String p = ClusterNode.PREFIX + kind + " ";
            return lines.stream().filter(l -> l.startsWith(p)).map(l -> l.substring(p.length())).toList();
        }

        String last(String kind) {
            List<String> e = events(kind);
            return e.isEmpty() ? "" : e.get(e.size() - 1);
        }

        boolean printed(String fragment) {
            return lines.stream().anyMatch(l -> l.contains(fragment));
        }

        /** kill -9 and wait for the process to be gone. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), name + " still alive after kill -9");
        }
    }

    /**
     * @param confName file in cluster-config/ (e.g. {@code cluster-aeron.conf})
     * @param jvmFlags extra JVM flags for every node (before the class name)
     * @param env extra environment variables for every node
     */
    ForkedClusterNodes(String confName, List<String> jvmFlags, Map<String, String> env) {
        this.conf = repoRoot().resolve("cluster-config").resolve(confName);
        assertTrue(Files.exists(conf), conf + " missing");
        this.jvmFlags = List.copyOf(jvmFlags);
        this.env = new HashMap<>(env);
    }

    /** The repository root (the actors module's parent). */
    static Path repoRoot() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath().getParent();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** Starts a node with the shared flags/environment; {@code seed} null = it founds the cluster. */
    Node start(String name, String role, int port, Integer seed) throws IOException {
        return start(name, role, port, seed, List.of(), Map.of());
    }

    /** Same, with flags and environment variables for this node only (they win over the shared ones). */
    Node start(String name, String role, int port, Integer seed, List<String> moreFlags, Map<String, String> moreEnv)
            throws IOException {
        return start(name, role, port, seed, moreFlags, moreEnv, List.of());
    }

    /** Same, with ClusterNode options after the seed ({@code --run-dir DIR --training FILE ...}). */
    Node start(String name, String role, int port, Integer seed, List<String> moreFlags, Map<String, String> moreEnv,
               List<String> nodeArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true",
                "-Dconfig.file=" + conf,
                "-Dp2pgrid.cluster.status-every=1s"));
        cmd.addAll(jvmFlags);
        cmd.addAll(moreFlags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
                ClusterNode.class.getName(), role, Integer.toString(port)));
        if (seed != null) {
            cmd.add("127.0.0.1:" + seed);
        }
        cmd.addAll(nodeArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().putAll(moreEnv);
        Node n = new Node(name, port, pb.start());
        nodes.add(n);
        return n;
    }

    /** Polls {@code ok} every 200 ms; past the deadline fails with the last lines of {@code show}. */
    static void await(String what, long deadline, BooleanSupplier ok, List<Node> show) throws InterruptedException {
        while (!ok.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                fail("timed out waiting for " + what + tail(show, 25));
            }
            Thread.sleep(200);
        }
    }

    /** The last {@code n} lines of each node, for failure messages. */
    static String tail(List<Node> show, int n) {
        StringBuilder sb = new StringBuilder();
        for (Node node : show) {
            sb.append("\n--- ").append(node.name).append(" (alive=").append(node.process.isAlive()).append(")");
            List<String> l = List.copyOf(node.lines);
            for (String s : l.subList(Math.max(0, l.size() - n), l.size())) {
                sb.append("\n").append(s);
            }
        }
        return sb.toString();
    }

    /**
     * A rollout node's STATUS lines parsed into fields: {@code learner, restored, next-episode, steps,
     * request, served} (the text form of the protobuf LearnerStatus reply).
     */
    static List<Map<String, String>> statuses(Node n) {
        List<Map<String, String>> out = new ArrayList<>();
        for (String s : n.events("STATUS")) {
            Map<String, String> m = new LinkedHashMap<>();
            for (String kv : s.trim().split(" ")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    m.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            out.add(m);
        }
        return out;
    }

    /** STATUS replies {@code asker} received from the singleton on {@code host}. */
    static long repliesFrom(Node asker, Node host) {
        return statuses(asker).stream().filter(m -> host.address().equals(m.get("learner"))).count();
    }

    /** {@code MEMBERS up=N unreachable=U ...} as the node's latest line, optionally without port {@code gone}. */
    static boolean members(Node n, int up, int unreachable, int gone) {
        String l = n.last("MEMBERS");
        return l.startsWith("up=" + up + " unreachable=" + unreachable + " ")
                && (gone <= 0 || !l.contains(":" + gone + ":"));
    }

    @Override
    public void close() throws InterruptedException {
        for (Node n : nodes) {
            n.process.destroy();
        }
        for (Node n : nodes) {
            if (!n.process.waitFor(15, TimeUnit.SECONDS)) {
                n.process.destroyForcibly();
                n.process.waitFor(15, TimeUnit.SECONDS);
            }
        }
    }
}
