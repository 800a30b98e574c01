package org.p2pgrid.benchmarks.scenario;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.p2pgrid.actors.runtime.PolicyPlacement;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.learner.nn.ActionBounds;
import org.p2pgrid.learner.train.Trainer;

/**
 * Same-JVM A/B of {@code policy-actors}: {@link ActorRuntimeRun#run} (default scenario, W worlds, the
 * broadcaster on) with per-world and per-node policy actors alternately, round by round, so both see the
 * same minute's load and the same JIT state (each run is its own actor system). Prints every run and the
 * median agent-steps per CPU-second and per wall second of each placement.
 *
 * <pre>benchmarks/scenario.sh PlacementAbRun [worlds=2] [hidden=256] [seconds=8] [rounds=4]</pre>
 */
public final class PlacementAbRun {

    private PlacementAbRun() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        int worlds = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int hidden = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        Scenario scenario = Scenarios.defaults(1);
        List<ActionBounds> bounds = Trainer.actionBounds(scenario);
        Map<PolicyPlacement, List<double[]>> results = new EnumMap<>(PolicyPlacement.class);
        for (int r = 0; r < rounds; r++) {
            // alternate which goes first so neither always follows the other's garbage
            PolicyPlacement[] order = r % 2 == 0 ? new PolicyPlacement[] {PolicyPlacement.PER_WORLD, PolicyPlacement.PER_NODE}
                    : new PolicyPlacement[] {PolicyPlacement.PER_NODE, PolicyPlacement.PER_WORLD};
            for (PolicyPlacement p : order) {
                ActorRuntimeRun.Result res = ActorRuntimeRun.run(scenario, bounds, worlds, hidden, seconds, 50, p);
                if (res.failure() != null) {
                    System.out.println("FAILED " + p.configName() + ": " + res.failure());
                    System.exit(1);
                }
                double agentSteps = (double) res.steps() * res.agents();
                double perCpu = agentSteps / res.cpuSeconds();
                double wall = agentSteps / res.seconds();
                double batch = res.forwardPasses() == 0 ? Double.NaN : (double) res.decisions() / res.forwardPasses();
                results.computeIfAbsent(p, k -> new ArrayList<>()).add(new double[] {perCpu, wall});
                System.out.printf(Locale.ROOT, "round %d %-9s: %8.0f agent-steps per CPU-second, %8.0f agent-steps/s wall, "
                                + "%.2f cores, mean batch %.2f, load %s%n", r, p.configName(), perCpu, wall,
                        res.cpuSeconds() / res.seconds(), batch, load());
            }
        }
        System.out.printf(Locale.ROOT, "hidden %d, %d worlds, %d rounds of %d s:%n", hidden, worlds, rounds, seconds);
        for (var e : results.entrySet()) {
            double[] cpu = e.getValue().stream().mapToDouble(v -> v[0]).sorted().toArray();
            double[] wall = e.getValue().stream().mapToDouble(v -> v[1]).sorted().toArray();
            System.out.printf(Locale.ROOT, "  %-9s median %8.0f per CPU-second (%.0f–%.0f), median %8.0f wall%n",
                    e.getKey().configName(), cpu[cpu.length / 2], cpu[0], cpu[cpu.length - 1], wall[wall.length / 2]);
        }
    }

    private static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
