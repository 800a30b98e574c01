package org.p2pgrid.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p2pgrid.learner.replay.DualReplay;
import org.p2pgrid.learner.train.Checkpoints;

/**
 * Expert labels on an {@code expert} node (127.0.0.1, cluster-tcp.conf): learner + rollout + expert JVMs
 * train a tiny run (synthetic 33-bus feeder, 3 prosumers) with the real expert (reference models, DSO,
 * OR-Tools) labelling every 8th step. The expert node labels (its EXPERT-LABELLED count), then is killed
 * with kill -9 mid-run: its outstanding requests go to the learner's local workers, training completes,
 * and every label request is attached exactly once (the pool's accounting, and the final checkpoint's
 * replay holds exactly that many labelled transitions). The two periodic validations run on the rollout
 * node. Counts only; deadlines stop a broken build.
 */
@Tag("cluster")
class ClusterExpertNodeTest {
    private static final long DEADLINE_MS = 110_000;
    private static final int EPISODES = 8;
    private static final int EVERY = 8;

    @TempDir
    Path tmp;

    private Path trainingFile() throws IOException {
        Path f = tmp.resolve("training.conf");
        Files.writeString(f, """
                p2pgrid.training {
                  algo = op
                  episodes = %d
                  seed = 5
                  warmup-transitions = 64
                  validation-every = 4
                  checkpoint-every = 4
                  keep-checkpoints = 2
                  validation-days = "0"
                  labels { teacher = expert, every-steps = %d, cache-dir = "%s" }
                  learner { batch-size = 32 }
                  network { hidden = 16, embed-dim = 16, heads = 2, head-dim = 8 }
                  replay { normal-capacity = 4000, violation-capacity = 4000 }
                }
                p2pgrid.runtime { worlds = 2, expert-workers = 1, learner-lag-episodes = 2 }
                """.formatted(EPISODES, EVERY, tmp.resolve("learner-cache").toString().replace("\\", "/")));
        return f;
    }

    private static long value(String line, String key) {
        Matcher m = Pattern.compile("\\b" + key + "=(\\d+)").matcher(line);
        assertTrue(m.find(), key + " in " + line);
        return Long.parseLong(m.group(1));
    }

    private static long labelledOn(ForkedClusterNodes.Node expert) {
        String l = expert.last("EXPERT-LABELLED");
        return l.isEmpty() ? 0 : value(l, "labelled");
    }

    @Test
    void expertNodeLabelsThenDiesAndEveryRequestIsAttachedExactlyOnce() throws Exception {
        Path run = tmp.resolve("run");
        Path training = trainingFile();
        Path expertCache = tmp.resolve("expert-cache");
        List<String> common = List.of("--run-dir", run.toString(), "--training", training.toString(),
                "--scenario", "synthetic:33:3:7");
        List<String> jvm = List.of("-Xmx320m", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
                "-Dp2pgrid.cluster.status-every=5s", "-Dp2pgrid.cluster.expert.resend-after=3s");
        int pl = ForkedClusterNodes.freePort();
        int pe = ForkedClusterNodes.freePort();
        int pr = ForkedClusterNodes.freePort();
        long t0 = System.currentTimeMillis();
        long deadline = t0 + DEADLINE_MS;
        try (ForkedClusterNodes nodes = new ForkedClusterNodes("cluster-tcp.conf", jvm, Map.of("OMP_WAIT_POLICY", "PASSIVE"))) {
            ForkedClusterNodes.Node learner = nodes.start("learner", "learner", pl, null, List.of(), Map.of(), common);
            List<String> expertArgs = Stream.concat(common.stream(),
                    Stream.of("--label-cache", expertCache.toString(), "--expert-workers", "1")).toList();
            ForkedClusterNodes.Node expert = nodes.start("expert", "expert", pe, pl, List.of(), Map.of(), expertArgs);
            List<ForkedClusterNodes.Node> two = List.of(learner, expert);
            // the rollout node last: training starts with it, by then the expert node is registered
            ForkedClusterNodes.await("the expert node ready", deadline, () -> !expert.events("EXPERT-READY").isEmpty(), two);
            ForkedClusterNodes.Node rollout = nodes.start("rollout", "rollout", pr, pl, List.of(), Map.of(), common);
            List<ForkedClusterNodes.Node> all = List.of(learner, expert, rollout);
            ForkedClusterNodes.await("the learner's pool sees the expert node", deadline,
                    () -> learner.last("EXPERT-NODES").startsWith("n=1"), all);

            // kill -9 the expert node once it has labelled two episodes' worth
            int perEpisode = 96 / EVERY;
            ForkedClusterNodes.await("labels from the expert node", deadline, () -> labelledOn(expert) >= 2L * perEpisode, all);
            expert.kill();
            long killed = System.currentTimeMillis();
            long onExpert = labelledOn(expert);
            assertFalse(learner.printed("TRAINING-DONE"), "the expert node died before the run ended");
            List<ForkedClusterNodes.Node> rest = List.of(learner, rollout);
            ForkedClusterNodes.await("the pool drops the dead expert node", deadline,
                    () -> learner.last("EXPERT-NODES").startsWith("n=0"), rest);
            long dropped = System.currentTimeMillis();
            ForkedClusterNodes.await("the run ends", deadline, () -> learner.printed("TRAINING-DONE"), rest);
            long done = System.currentTimeMillis();

            String end = learner.last("TRAINING-DONE");
            assertTrue(end.startsWith("episodes=" + EPISODES + " "), end);
            // the pool's accounting at the end: every request attached once, some remote, the rest local
            String idle = learner.last("LABELS-IDLE");
            long requests = value(idle, "requests");
            assertEquals((long) EPISODES * perEpisode, requests, "one label request per 8th step: " + idle);
            assertEquals(requests, value(idle, "attached"), idle);
            assertEquals(requests, value(idle, "attached-remote") + value(idle, "attached-local"), idle);
            assertTrue(value(idle, "attached-remote") >= 2L * perEpisode, "labelled on the expert node: " + idle);
            assertTrue(value(idle, "attached-local") > 0, "labelled locally after the kill: " + idle);
            // the replay of the final checkpoint: exactly one label per requested transition
            DualReplay replay = DualReplay.readFrom(run.resolve(Checkpoints.DIR).resolve(String.format("ep-%06d", EPISODES))
                    .resolve(Checkpoints.REPLAY));
            assertEquals(requests, replay.labelledSize(), "labelled transitions in the final replay");
            // the expert node's own durable label cache
            try (Stream<Path> files = Files.list(expertCache)) {
                Path cache = files.filter(p -> p.getFileName().toString().startsWith("labels-")).findFirst().orElseThrow();
                assertTrue(Files.size(cache) > 16, cache + " holds labels");
            }
            // validation at episodes 4 and 8 ran on the rollout node (the learner only received the results)
            assertEquals(2, learner.events("VALIDATED").size(), learner.events("VALIDATED").toString());
            assertEquals(2, rollout.events("VALIDATION-RUN").size(), rollout.events("VALIDATION-RUN").toString());
            assertEquals(2, learner.events("VALIDATION-REMOTE").size(), learner.events("VALIDATION-REMOTE").toString());
            String rerouted = learner.last("LABELS-REROUTED");
            System.out.printf("CLUSTER-EXPERT expert node labelled %d before kill -9 (%s); pool dropped it %d ms after the"
                            + " kill; rerouted: %s; run finished %d ms after the kill; final: %s; total %d ms%n",
                    onExpert, expert.last("EXPERT-LABELLED"), dropped - killed, rerouted.isEmpty() ? "none outstanding" : rerouted,
                    done - killed, idle, done - t0);
        }
    }
}
