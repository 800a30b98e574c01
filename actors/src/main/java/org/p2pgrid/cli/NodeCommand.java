package org.p2pgrid.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.p2pgrid.actors.cluster.ClusterNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./p2pgrid node [--transport tcp|tls] ROLE PORT [SEED...] [options]}: one cluster node, exactly as
 * {@code cluster-config/start-node.sh} starts it (same arguments, handed to {@link ClusterNode}). Runs
 * until the node leaves the cluster (or Ctrl-C). Parsing stops at ROLE ({@code stopAtPositional}, set in
 * {@link P2pGrid#commandLine()}): the node's own options and their values pass through untouched.
 */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = {"Start one node of a p2pgrid cluster (Pekko cluster over Artery; see README, \"Scale out\").",
                "ROLE: learner (hosts the learner singleton and trains), rollout (runs sharded worlds),"
                        + " expert (labels visited states for the learner with the expert).",
                "Options after PORT are ClusterNode's (same as cluster-config/start-node.sh):"
                        + " --run-dir DIR, --episodes N, --worlds W, --scenario S, --training FILE, --no-train,"
                        + " --label-cache DIR, --expert-workers N."},
        footer = {"", "Example (one machine):",
                "  ./p2pgrid node learner 2551 --run-dir runs/c1 --episodes 20 &",
                "  ./p2pgrid node rollout 2552 127.0.0.1:2551 --run-dir runs/c1 --episodes 20 &",
                "  ./p2pgrid node expert 2553 127.0.0.1:2551 --run-dir runs/c1 --episodes 20 --label-cache cache/e1 &"})
public final class NodeCommand implements Callable<Integer> {

    @Parameters(arity = "2..*", paramLabel = "ROLE PORT [SEED...] [options]",
            description = "ROLE = learner | rollout | expert; PORT = Artery port of this node; SEED = host:port of a"
                    + " running node to join (none: this node founds the cluster); then ClusterNode's options."
                    + " Everything after ROLE goes to the node as it is.")
    List<String> args = new ArrayList<>();

    @Option(names = "--transport", defaultValue = "tcp", paramLabel = "tcp|tls",
            description = "cluster-config/cluster-<transport>.conf (default tcp; tls needs P2PGRID_TLS_DIR and"
                    + " P2PGRID_TLS_PASSWORD; for aeron-udp use cluster-config/start-node.sh --aeron)")
    String transport;

    @Override
    public Integer call() {
        if (!List.of("tcp", "tls").contains(transport)) {
            throw new IllegalArgumentException("--transport " + transport + ": expected tcp or tls");
        }
        ClusterNode.validate(args.toArray(String[]::new)); // the node's own arguments first: a typo is reported as such
        com.typesafe.config.Config config = null; // -Dconfig.file wins (ConfigFactory.load() in ClusterNode)
        if (System.getProperty("config.file") == null) {
            // the launcher passes the repository root; the cluster configs are files there, not in the jar
            Path conf = Path.of(System.getProperty("p2pgrid.home", ".")).resolve("cluster-config")
                    .resolve("cluster-" + transport + ".conf");
            if (!Files.isRegularFile(conf)) {
                throw new IllegalArgumentException(conf + " not found (run ./p2pgrid from the repository, or set"
                        + " -Dconfig.file=...)");
            }
            // as -Dconfig.file would load it (system properties over the file over reference.conf), without
            // changing this JVM's global configuration
            config = com.typesafe.config.ConfigFactory.load(com.typesafe.config.ConfigFactory.parseFile(conf.toFile()));
        }
        ActorSystem<Void> system = ClusterNode.launch(args.toArray(String[]::new), config);
        system.getWhenTerminated().toCompletableFuture().join();
        return 0;
    }
}
