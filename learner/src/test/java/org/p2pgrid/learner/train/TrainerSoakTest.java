package org.p2pgrid.learner.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory over a long run of the whole loop (rollouts, labelling, > 1000 updates, validations,
 * checkpoints): the learner's NDArray count must not move after the first update, and the process's
 * resident set must level off (a leak of one batch per update would add ~1 MB per 100 updates here).
 * Tagged {@code long}: {@code ./mvnw -B verify -Plong}.
 */
@Tag("long")
class TrainerSoakTest {

    static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    @Test
    void arrayCountFlatAndRssLevelOverMoreThanAThousandUpdates(@TempDir Path dir) throws Exception {
        TrainingConfig c = TrainerTest.config(14).with(java.util.Map.of("checkpoint-every", 4, "validation-every", 4));
        List<Integer> arrays = new ArrayList<>();
        List<Long> rss = new ArrayList<>();
        try (Trainer t = TrainerTest.trainer(c, dir)) {
            t.train(new Trainer.Listener() {
                @Override
                public void episodeFinished(TrainingHistory.Episode e) {
                    arrays.add(t.managedArrays());
                    try {
                        rss.add(rssKb());
                    } catch (IOException ex) {
                        throw new RuntimeException(ex);
                    }
                    System.out.printf("episode %2d: %5d updates, %d arrays, RSS %d MB%n", e.episode(), e.updates(),
                            t.managedArrays(), rss.get(rss.size() - 1) / 1024);
                }
            });
            assertTrue(t.learner().updates() >= 1000, "updates " + t.learner().updates());
        }
        for (int i = 2; i < arrays.size(); i++) {
            assertEquals(arrays.get(1), arrays.get(i), "model arrays after episode " + i + ": " + arrays);
        }
        if (rss.get(0) > 0) {
            long growthMb = (rss.get(rss.size() - 1) - rss.get(4)) / 1024;
            assertTrue(growthMb < 48, "RSS grew " + growthMb + " MB from episode 4 to the end: " + rss);
        }
    }
}
