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
import org.p2pgrid.protocol.v1.LearnerStatus;

/**
 * One node of a p2pgrid cluster: {@code ClusterNode ROLE PORT [SEED...]} with
 * {@code -Dconfig.file=cluster-config/cluster-tcp.conf} (or -aeron / -tls; see start-node.sh).
 * Every node joins with its role, prints membership changes ({@code MEMBERS up=N ...}) and gets a
 * proxy to the learner singleton; {@code learner} nodes can host the singleton ({@link LearnerHost},
 * which restores the run directory's newest verified checkpoint state), {@code rollout} nodes register
 * with the receptionist and poll the learner's status ({@link RolloutHost}). Lines on stdout start
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

    public static void main(String[] args) {
        if (args.length < 2 || !ROLES.contains(args[0])) {
            System.err.println("usage: ClusterNode learner|rollout|expert PORT [SEED...]   (SEED = host:port)");
            System.exit(2);
        }
        String role = args[0];
        int port = Integer.parseInt(args[1]);
        Config base = ConfigFactory.load();
        if (!"cluster".equals(base.getString("pekko.actor.provider"))) {
            System.err.println("ClusterNode: pekko.actor.provider is not 'cluster'; start with "
                    + "-Dconfig.file=cluster-config/cluster-tcp.conf (or cluster-aeron.conf / cluster-tls.conf)");
            System.exit(2);
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

        ActorRef<Object> learner = ClusterSingleton.get(system).init(
                SingletonActor.of(LearnerHost.create(config.getString("p2pgrid.cluster.run-dir")), "learner")
                        .withSettings(ClusterSingletonSettings.create(system).withRole("learner")));
        if (role.equals("rollout")) {
            Duration every = config.getDuration("p2pgrid.cluster.status-every");
            system.systemActorOf(RolloutHost.create(learner, every), "rollout", org.apache.pekko.actor.typed.Props.empty());
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
