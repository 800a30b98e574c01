package org.p2pgrid.learner.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What a run measured, episode by episode and at every validation: kept in memory, appended to
 * {@code history.csv} / {@code validation.csv} in the run directory as it happens (a crash loses
 * nothing already written), and saved inside each checkpoint so a resumed run starts from exactly
 * the rows the checkpoint knew.
 */
public final class TrainingHistory {
    public static final String EPISODES_FILE = "history.csv";
    public static final String VALIDATION_FILE = "validation.csv";

    /**
     * One training episode (means are over its updates; NaN when it had none).
     *
     * @param labelledInReplay labelled transitions in the replay after the episode's labels were attached
     * @param teacherWaitSeconds time the loop waited for the teacher at the end of the episode
     */
    public record Episode(int episode, int day, double cost, double reward, double discountedReward,
                          double violationRatePu, int violatedSteps, long updates, int episodeUpdates,
                          double criticLoss, double vLoss, double actorLoss, double imitationTerm, double meanLambda,
                          double meanW2, double meanSigma, double meanQ, double epsilon, int replaySize,
                          int violationReplaySize, int labelledInReplay, double seconds, double updatesPerSecond,
                          double teacherWaitSeconds) {
        static final String HEADER = "episode,day,cost_cny,reward,discounted_reward,violation_rate_pu,violated_steps,"
                + "updates,episode_updates,critic_loss,v_loss,actor_loss,imitation_term,mean_lambda,mean_w2,mean_sigma,"
                + "mean_q,epsilon,replay_size,violation_replay_size,labelled_in_replay,seconds,updates_per_second,"
                + "teacher_wait_seconds";

        String csv() {
            return String.format(Locale.ROOT, "%d,%d,%.6f,%.8f,%.8f,%.8e,%d,%d,%d,%.8g,%.8g,%.8g,%.8g,%.8g,%.8g,%.8g,"
                            + "%.8g,%.6g,%d,%d,%d,%.3f,%.3f,%.3f", episode, day, cost, reward, discountedReward,
                    violationRatePu, violatedSteps, updates, episodeUpdates, criticLoss, vLoss, actorLoss, imitationTerm,
                    meanLambda, meanW2, meanSigma, meanQ, epsilon, replaySize, violationReplaySize, labelledInReplay,
                    seconds, updatesPerSecond, teacherWaitSeconds);
        }
    }

    /** Greedy evaluation on the validation days after {@code episode} (1-based count of finished episodes). */
    public record Validation(int episode, long updates, Evaluation.Summary policy, double ruleBasedMeanCost) {
        static final String HEADER = "episode,updates,days,mean_cost_cny,std_cost_cny,mean_reward,mean_discounted_reward,"
                + "mean_violation_rate_pu,violated_step_fraction,rule_based_mean_cost_cny";

        String csv() {
            Evaluation.Summary s = policy;
            return String.format(Locale.ROOT, "%d,%d,%d,%.6f,%.6f,%.8f,%.8f,%.8e,%.6f,%.6f", episode, updates, s.days(),
                    s.meanCost(), s.stdCost(), s.meanReward(), s.meanDiscountedReward(), s.meanViolationRatePu(),
                    s.violatedStepFraction(), ruleBasedMeanCost);
        }
    }

    private final List<String> episodeRows = new ArrayList<>();
    private final List<String> validationRows = new ArrayList<>();
    private final List<Episode> episodes = new ArrayList<>();
    private final List<Validation> validations = new ArrayList<>();
    private final Path dir;

    /** {@code dir} null: memory only. */
    public TrainingHistory(Path dir) {
        this.dir = dir;
    }

    public void add(Episode e) {
        episodes.add(e);
        episodeRows.add(e.csv());
        append(EPISODES_FILE, Episode.HEADER, e.csv());
    }

    public void add(Validation v) {
        validations.add(v);
        validationRows.add(v.csv());
        append(VALIDATION_FILE, Validation.HEADER, v.csv());
    }

    /** Records added in this JVM (after a resume: only those since; the CSV files hold all). */
    public List<Episode> episodes() {
        return Collections.unmodifiableList(episodes);
    }

    public List<Validation> validations() {
        return Collections.unmodifiableList(validations);
    }

    /** Writes both CSVs (all rows, with headers) into {@code target}, e.g. a checkpoint directory. */
    public void writeAll(Path target) throws IOException {
        write(target.resolve(EPISODES_FILE), Episode.HEADER, episodeRows);
        write(target.resolve(VALIDATION_FILE), Validation.HEADER, validationRows);
    }

    /** Replaces the rows with a checkpoint's and rewrites the run directory's files to match. */
    public void restoreFrom(Path checkpoint) throws IOException {
        episodeRows.clear();
        validationRows.clear();
        episodeRows.addAll(rows(checkpoint.resolve(EPISODES_FILE)));
        validationRows.addAll(rows(checkpoint.resolve(VALIDATION_FILE)));
        if (dir != null) {
            writeAll(dir);
        }
    }

    private static List<String> rows(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return lines.isEmpty() ? List.of() : new ArrayList<>(lines.subList(1, lines.size()));
    }

    private static void write(Path file, String header, List<String> rows) throws IOException {
        List<String> lines = new ArrayList<>(rows.size() + 1);
        lines.add(header);
        lines.addAll(rows);
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    private void append(String name, String header, String row) {
        if (dir == null) {
            return;
        }
        Path file = dir.resolve(name);
        try {
            if (!Files.exists(file)) {
                Files.writeString(file, header + "\n", StandardCharsets.UTF_8);
            }
            Files.writeString(file, row + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file + ": " + e.getMessage(), e);
        }
    }
}
