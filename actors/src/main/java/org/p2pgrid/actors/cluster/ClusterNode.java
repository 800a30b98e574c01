package org.p2pgrid.actors.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.cluster.typed.Subscribe;
import java.util.function.Supplier;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.learner.train.TrainingConfig;
import org.p2pgrid.protocol.v1.LearnerStatus;

/**
 * One node of a p2pgrid cluster: {@code ClusterNode ROLE PORT [SEED...]} with
 * {@code -Dconfig.file=cluster-config/cluster-tcp.conf} (or -aeron / -tls; see start-node.sh).
 * Every node joins with its role, prints membership changes ({@code MEMBERS up=N ...}) and gets a
 * proxy to the learner singleton; {@code learner} nodes can host the singleton ({@link LearnerHost},
 * which restores the run directory's newest verified checkpoint state), {@code rollout} nodes register
 * with the receptionist and poll the learner's status ({@link RolloutHost}), {@code expert} nodes label
 * visited states for the learner's expert pool ({@link ExpertHost}). Lines on stdout start
 * with {@value #PREFIX} so scripts and tests can parse them.
 */
public final class ClusterNode {
    public static final String PREFIX = "P2PGRID ";
    public static final String SYSTEM = "p2pgrid";
    public static final Set<String> ROLES = Set.of("learner", "rollout", "expert");
    static final ServiceKey<LearnerStatus> ROLLOUT_KEY = ServiceKey.create(LearnerStatus.class, "p2pgrid-rollout");

    private ClusterNode() {}

    static synchronized void out(String line) {
        System.out.println(PREFIX + line);
        System.out.flush();
    }

    static final String USAGE = "usage: ClusterNode learner|rollout|expert PORT [SEED...] [--run-dir DIR] [--episodes N]"
            + " [--worlds W] [--scenario default|synthetic:BUSES:PROSUMERS:SEED|FILE] [--training FILE] [--no-train]"
            + " [--label-cache DIR] [--expert-workers N]\n"
            + "  SEED = host:port of a running node; --run-dir (shared by all learner nodes) turns training on;\n"
            + "  expert nodes label for the learner: --label-cache = this node's own durable label cache,"
            + " --expert-workers = workers (default one per core)";

    /** Positional arguments (role, port, seeds) and the config the options stand for. */
    record Args(String role, int port, List<String> seeds, Config overrides) {}

    static Args parse(String[] args) {
        List<String> pos = new ArrayList<>();
        StringBuilder o = new StringBuilder();
        Config file = ConfigFactory.empty();
        boolean runDir = false;
        boolean noTrain = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                pos.add(a);
                continue;
            }
            if (a.equals("--no-train")) {
                noTrain = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--run-dir" -> {
                    o.append("p2pgrid.cluster.run-dir = ").append(quote(Path.of(v).toAbsolutePath().toString())).append('\n');
                    runDir = true;
                }
                case "--episodes" -> o.append("p2pgrid.training.episodes = ").append(Integer.parseInt(v)).append('\n');
                case "--worlds" -> o.append("p2pgrid.runtime.worlds = ").append(Integer.parseInt(v)).append('\n');
                case "--scenario" -> o.append("p2pgrid.cluster.scenario = ").append(quote(v)).append('\n');
                case "--training" -> file = ConfigFactory.parseFile(Path.of(v).toFile());
                case "--label-cache" -> o.append(ExpertSettings.PATH).append(".cache-dir = ")
                        .append(quote(Path.of(v).toAbsolutePath().toString())).append('\n');
                case "--expert-workers" -> o.append(ExpertSettings.PATH).append(".workers = ").append(Integer.parseInt(v))
                        .append('\n');
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (runDir) {
            o.append("p2pgrid.cluster.train = ").append(!noTrain).append('\n');
        } else if (noTrain) {
            o.append("p2pgrid.cluster.train = false\n");
        }
        if (pos.size() < 2 || !ROLES.contains(pos.get(0))) {
            throw new IllegalArgumentException("expected ROLE PORT [SEED...]");
        }
        return new Args(pos.get(0), Integer.parseInt(pos.get(1)), pos.subList(2, pos.size()),
                ConfigFactory.parseString(o.toString()).withFallback(file));
    }

    /** Throws {@link IllegalArgumentException} with the reason if {@code argv} is not {@code ROLE PORT [SEED...] [options]}. */
    public static void validate(String[] argv) {
        parse(argv);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    public static void main(String[] argv) {
        try {
            launch(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("ClusterNode: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
        }
    }

    /**
     * Starts the node and returns its actor system (running until the node leaves the cluster or the JVM
     * stops). Bad arguments or a non-cluster config: {@link IllegalArgumentException} with the reason.
     */
    public static ActorSystem<Void> launch(String[] argv) {
        return launch(argv, null);
    }

    /** Same, with {@code clusterConfig} (a loaded cluster config) instead of {@code ConfigFactory.load()}. */
    public static ActorSystem<Void> launch(String[] argv, Config clusterConfig) {
        Args parsed = parse(argv); // bad arguments fail before anything starts
        Config loaded = clusterConfig != null ? clusterConfig : ConfigFactory.load();
        String role = parsed.role();
        int port = parsed.port();
        String[] args = new String[2 + parsed.seeds().size()];
        args[0] = role;
        args[1] = Integer.toString(port);
        for (int i = 0; i < parsed.seeds().size(); i++) {
            args[2 + i] = parsed.seeds().get(i);
        }
        Config base = parsed.overrides().withFallback(loaded);
        if (!"cluster".equals(base.getString("pekko.actor.provider"))) {
            throw new IllegalArgumentException("pekko.actor.provider is not 'cluster'; start with "
                    + "-Dconfig.file=cluster-config/cluster-tcp.conf (or cluster-aeron.conf / cluster-tls.conf)");
        }
        String overrides = "pekko.cluster.roles = [" + role + "]\n" + "pekko.remote.artery.canonical.port = " + port;
        if ("aeron-udp".equals(base.getString("pekko.remote.artery.transport"))
                && System.getProperty("pekko.remote.artery.advanced.aeron.aeron-dir") == null) {
            // one embedded media driver directory per node (see cluster-config/cluster-aeron.conf)
            overrides += "\npekko.remote.artery.advanced.aeron.aeron-dir = \"/dev/shm/aeron-p2pgrid-" + port + "\"";
        }
        Config config = ConfigFactory.parseString(overrides).withFallback(base).resolve();
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), SYSTEM, config);
        start(system, role, seeds(config, args));
        return system;
    }

    static List<Address> seeds(Config config, String[] args) {
        List<Address> seeds = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            String s = args[i].contains("://") ? args[i] : "pekko://" + SYSTEM + "@" + args[i];
            seeds.add(AddressFromURIString.parse(s));
        }
        if (seeds.isEmpty()) {
            for (String s : config.getStringList("pekko.cluster.seed-nodes")) {
                seeds.add(AddressFromURIString.parse(s));
            }
        }
        return seeds;
    }

    static void start(ActorSystem<Void> system, String role, List<Address> seeds) {
        Config config = system.settings().config();
        Cluster cluster = Cluster.get(system);
        Address self = cluster.selfMember().address();
        markAeronDir(config);
        out("NODE-STARTED address=" + self + " role=" + role + " pid=" + ProcessHandle.current().pid()
                + " transport=" + config.getString("pekko.remote.artery.transport"));
        system.systemActorOf(membership(), "membership-printer", org.apache.pekko.actor.typed.Props.empty());
        cluster.manager().tell(new JoinSeedNodes(seeds.isEmpty() ? List.of(self) : seeds));

        ClusterSettings cs = ClusterSettings.from(config);
        ActorRef<Object> learner = ClusterSingleton.get(system).init(
                SingletonActor.of(LearnerHost.create(cs, config), "learner")
                        .withSettings(ClusterSingletonSettings.create(system).withRole("learner")));
        // the worlds: sharded entities on rollout nodes (a proxy on the others), re-created on a survivor
        // with the next message after their node died
        TrainingConfig training = TrainingConfig.from(config);
        int labelEvery = training.labels().teacher() != TrainingConfig.Teacher.NONE ? training.labels().everySteps() : 0;
        Scenario[] scenario = {null};
        Supplier<Scenario> lazyScenario = () -> {
            synchronized (scenario) {
                if (scenario[0] == null) {
                    scenario[0] = cs.loadScenario();
                }
                return scenario[0];
            }
        };
        ClusterSharding.get(system).init(Entity.of(ClusterWorld.TYPE, ec -> ClusterWorld.create(ec.getEntityId(),
                lazyScenario.get(), training.seed(), labelEvery, cs, learner)).withRole("rollout"));
        if (role.equals("expert")) {
            // labels for the learner's expert pool; set-up (scenario, expert models, label cache) may block
            int port = self.getPort().orElse(0);
            system.systemActorOf(ExpertHost.create(cs, config, port), "expert", DispatcherSelector.blocking());
        }
        if (role.equals("rollout")) {
            Duration every = config.getDuration("p2pgrid.cluster.status-every");
            system.systemActorOf(RolloutHost.create(learner, every), "rollout", org.apache.pekko.actor.typed.Props.empty());
            // the learner's periodic validation days run here (RolloutValidator); the scenario loads on first use
            system.systemActorOf(RolloutValidator.create(lazyScenario), "validator", org.apache.pekko.actor.typed.Props.empty());
        }
        system.getWhenTerminated().thenRun(() -> out("NODE-TERMINATED address=" + self));
    }

    /**
     * Prints {@code MEMBERS up=N unreachable=U members=[...]} whenever that line changes. Re-checked on
     * every cluster event and once a second: {@code Cluster.state()} is updated by another subscriber
     * and can lag the event that woke us.
     */
    @SuppressWarnings("unchecked")
    private static Behavior<Object> membership() {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            Cluster cluster = Cluster.get(ctx.getSystem());
            ActorRef<ClusterEvent.ClusterDomainEvent> events =
                    (ActorRef<ClusterEvent.ClusterDomainEvent>) (ActorRef<?>) ctx.getSelf();
            cluster.subscriptions().tell(Subscribe.create(events, ClusterEvent.ClusterDomainEvent.class));
            timers.startTimerWithFixedDelay("recheck", Duration.ofSeconds(1));
            String[] last = {""};
            return Behaviors.receiveMessage(e -> {
                ClusterEvent.CurrentClusterState state = cluster.state();
                Set<Member> unreachable = state.getUnreachable();
                int up = 0;
                Set<String> members = new TreeSet<>();
                for (Member m : StreamSupport.stream(state.getMembers().spliterator(), false).toList()) {
                    if (m.status().equals(MemberStatus.up())) {
                        up++;
                    }
                    members.add(m.address().hostPort() + ":" + m.status().toString().toLowerCase(Locale.ROOT)
                            + ":" + String.join("+", new TreeSet<>(m.getRoles()).stream()
                                    .filter(r -> !r.startsWith("dc-")).toList())
                            + (unreachable.contains(m) ? ":unreachable" : ""));
                }
                String line = "MEMBERS up=" + up + " unreachable=" + unreachable.size() + " members=" + members;
                if (!line.equals(last[0])) {
                    last[0] = line;
                    out(line);
                }
                return Behaviors.same();
            });
        }));
    }

    /** Aeron: leave our pid in the media driver directory so start-node.sh can clean up after a kill -9. */
    private static void markAeronDir(Config config) {
        if (!"aeron-udp".equals(config.getString("pekko.remote.artery.transport"))) {
            return;
        }
        Path dir = Path.of(config.getString("pekko.remote.artery.advanced.aeron.aeron-dir"));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("p2pgrid.pid"), Long.toString(ProcessHandle.current().pid()));
        } catch (IOException e) {
            System.err.println("ClusterNode: cannot mark " + dir + ": " + e);
        }
    }
}
