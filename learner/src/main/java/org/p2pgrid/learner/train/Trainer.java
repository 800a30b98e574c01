package org.p2pgrid.learner.train;

import ai.djl.ndarray.NDManager;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.p2pgrid.env.data.DataSplit;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.pomdp.EpisodeMetrics;
import org.p2pgrid.env.pomdp.ObservationLayout;
import org.p2pgrid.env.pomdp.P2pTradingEnv;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.env.pomdp.StepResult;
import org.p2pgrid.learner.algo.OpLearner;
import org.p2pgrid.learner.nn.ActionBounds;
import org.p2pgrid.learner.nn.ObservationScale;
import org.p2pgrid.learner.nn.Djl;
import org.p2pgrid.learner.replay.DualReplay;
import org.p2pgrid.learner.replay.ReplayBatch;
import org.p2pgrid.learner.replay.ReplayShape;
import org.p2pgrid.learner.replay.Transition;

/**
 * The single-process reference training loop (paper §III-B, Table II; DESIGN §3): episodes over
 * training days with Gaussian exploration, transitions into the dual prioritised replay, OP / OP-MH
 * updates from the first full batch on, expert labels for visited states, greedy validation and
 * checkpoints every N episodes. Deterministic for a seed: every random stream is derived from the
 * seed and a counter (episode, update), the teacher labels one episode at a time in step order, and
 * its labels are attached at fixed points — so a killed run resumed from its last checkpoint
 * continues exactly as the uninterrupted run would have.
 *
 * <p>Labelling overlaps training: an episode's label requests go to a teacher thread when the episode
 * ends and are attached to the replay when the NEXT episode ends (the imitation term uses labelled
 * rows only, so unlabelled transitions train the critics meanwhile).
 */
public final class Trainer implements AutoCloseable {
    public static final String CONFIG_FILE = "training.conf";

    /** Progress callbacks (called on the training thread). */
    public interface Listener {
        default void episodeFinished(TrainingHistory.Episode e) {}

        default void validated(TrainingHistory.Validation v) {}

        default void checkpointed(Path dir) {}

        /** After every environment step (tests use it to simulate a crash at an exact point). */
        default void stepped(int episode, int step) {}
    }

    /** How a {@link #train} call ended. */
    public record Outcome(int episodesDone, long updates, boolean stopped, boolean resumed, Path lastCheckpoint) {}

    private static final long EPISODE_STREAM = 0x5EEDE9150DEL;
    private static final long REPLAY_STREAM = 0x5A3B1E00L;

    private final Scenario scenario;
    private final TrainingConfig config;
    private final Teacher teacher;
    private final Path runDir;
    private final String fingerprint;
    private final NDManager manager;
    private final OpLearner learner;
    private final LearnedPolicy policy;
    private DualReplay replay;
    private final P2pTradingEnv env;
    private final TrainingHistory history;
    private final Checkpoints checkpoints;
    private final ExecutorService labelThread;
    private final List<Integer> trainingDays = DataSplit.days(DataSplit.Split.TRAINING);
    private final List<Integer> validationDays;
    private double ruleBasedValidationCost = Double.NaN;
    private int nextEpisode;
    private long steps;
    private boolean resumed;
    private List<LabelRequest> pending = List.of();
    private Future<float[][][]> inFlight;
    private volatile boolean stopRequested;
    private final boolean readOnly;

    /**
     * @param runDir      run directory (history, checkpoints, reports); created if needed. If it holds a
     *                    checkpoint, the run resumes from it (the caller decides whether that is wanted)
     * @param fingerprint identifies scenario + profile seed: a checkpoint of another scenario is refused
     */
    public Trainer(Scenario scenario, TrainingConfig config, Teacher teacher, Path runDir, String fingerprint) {
        this(scenario, config, teacher, runDir, fingerprint, false);
    }

    /**
     * A run's learner restored from its newest valid checkpoint, read-only: nothing in the run
     * directory is written, no label is requested. For {@code evaluate}.
     */
    public static Trainer forEvaluation(Scenario scenario, TrainingConfig config, Path runDir, String fingerprint) {
        Teacher none = (day, step, states, obs) -> {
            throw new IllegalStateException("an evaluation does not label");
        };
        Trainer t = new Trainer(scenario, config, none, runDir, fingerprint, true);
        if (!t.resumed) {
            t.close();
            throw new IllegalArgumentException(runDir + " holds no checkpoint (" + runDir.resolve(Checkpoints.DIR)
                    + " is missing or empty): nothing to evaluate");
        }
        return t;
    }

    private Trainer(Scenario scenario, TrainingConfig config, Teacher teacher, Path runDir, String fingerprint,
                    boolean readOnly) {
        Djl.configure();
        this.readOnly = readOnly;
        this.scenario = scenario;
        this.config = config;
        this.teacher = teacher;
        this.runDir = runDir;
        this.fingerprint = config.algo().id() + "|seed=" + config.seed() + "|" + fingerprint;
        this.validationDays = TrainingConfig.days(config.validationDays(), TrainingConfig.PATH + ".validation-days");
        int agents = scenario.prosumers().size();
        this.manager = Djl.newManager();
        this.learner = newLearner(manager, scenario, config);
        this.policy = new LearnedPolicy(learner, manager);
        this.replay = new DualReplay(ReplayShape.forEnv(agents), config.replay());
        this.env = new P2pTradingEnv(scenario);
        this.checkpoints = new Checkpoints(runDir, config.keepCheckpoints());
        this.labelThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "p2pgrid-teacher");
            t.setDaemon(true);
            return t;
        });
        try {
            if (readOnly) {
                this.history = new TrainingHistory(null);
                resumeIfCheckpointed();
                return;
            }
            Files.createDirectories(runDir);
            this.history = new TrainingHistory(runDir);
            resumeIfCheckpointed();
            if (!resumed) {
                // a fresh run owns its directory's result files
                Files.deleteIfExists(runDir.resolve(TrainingHistory.EPISODES_FILE));
                Files.deleteIfExists(runDir.resolve(TrainingHistory.VALIDATION_FILE));
            }
            Files.writeString(runDir.resolve(CONFIG_FILE), config.render(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("run directory " + runDir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * The training day of {@code episode} for {@code seed}: the first draw of the episode's stream, as
     * {@link #train} draws it (other runtimes use it to visit the same days).
     */
    public static int episodeDay(long seed, int episode) {
        List<Integer> days = DataSplit.days(DataSplit.Split.TRAINING);
        return days.get(new SplittableRandom(OpLearner.mix(seed ^ EPISODE_STREAM, episode)).nextInt(days.size()));
    }

    /**
     * The learner for {@code scenario} and {@code config}: static action bounds per agent and, unless
     * {@code network.normalise-observations} is off, the fixed input normalisation of every network
     * ({@link ObservationScale}). Every runtime builds its learner here, so all agree on both.
     */
    public static OpLearner newLearner(NDManager manager, Scenario scenario, TrainingConfig config) {
        double[] maxLoad = maxLoadsKw(scenario);
        List<ActionBounds> bounds = actionBounds(scenario, maxLoad);
        List<ObservationScale> scales = config.normaliseObservations() ? observationScales(scenario, maxLoad) : null;
        return new OpLearner(manager, bounds, scales, ObservationLayout.SIZE, config.network(),
                config.learner().withGamma(scenario.gamma()));
    }

    /** Static device limits per agent; the CL bound uses the largest load the prosumer sees in the year. */
    public static List<ActionBounds> actionBounds(Scenario scenario) {
        return actionBounds(scenario, maxLoadsKw(scenario));
    }

    private static List<ActionBounds> actionBounds(Scenario scenario, double[] maxLoad) {
        List<ActionBounds> out = new ArrayList<>();
        for (int i = 0; i < maxLoad.length; i++) {
            out.add(ActionBounds.of(scenario.prosumers().get(i), maxLoad[i]));
        }
        return out;
    }

    /** The fixed input normalisation per agent ({@link ObservationScale#of}). */
    public static List<ObservationScale> observationScales(Scenario scenario) {
        return observationScales(scenario, maxLoadsKw(scenario));
    }

    private static List<ObservationScale> observationScales(Scenario scenario, double[] maxLoad) {
        List<ObservationScale> out = new ArrayList<>();
        for (int i = 0; i < maxLoad.length; i++) {
            out.add(ObservationScale.of(scenario.prosumers().get(i), maxLoad[i], scenario.tariff()));
        }
        return out;
    }

    /**
     * The largest load each prosumer sees in the year (floored at 1e-3 kW). From the exogenous model's
     * loads alone ({@code ExogenousModel#maxLoadKw}), not from generating whole days: that took 21 s at
     * 100 prosumers.
     */
    private static double[] maxLoadsKw(Scenario scenario) {
        double[] maxLoad = scenario.exogenous().maxLoadKw();
        if (maxLoad.length != scenario.prosumers().size()) {
            throw new IllegalArgumentException("exogenous model has loads of " + maxLoad.length + " prosumers, scenario "
                    + scenario.prosumers().size());
        }
        for (int i = 0; i < maxLoad.length; i++) {
            maxLoad[i] = Math.max(maxLoad[i], 1e-3);
        }
        return maxLoad;
    }

    private void resumeIfCheckpointed() throws IOException {
        List<String> problems = new ArrayList<>();
        var found = checkpoints.latestValid(problems);
        for (String p : problems) {
            System.err.println("p2pgrid: skipping damaged checkpoint " + p);
        }
        if (found.isEmpty()) {
            if (!problems.isEmpty()) {
                throw new IOException("no usable checkpoint in " + checkpoints.root() + ": " + String.join("; ", problems));
            }
            return;
        }
        Path dir = found.get();
        Checkpoints.TrainerState state = Checkpoints.readTrainerState(dir);
        if (!state.fingerprint().equals(fingerprint)) {
            throw new IllegalArgumentException("checkpoint " + dir + " belongs to another run (" + state.fingerprint()
                    + "), this run is " + fingerprint + ": use another --out, or the same algorithm, seed and scenario");
        }
        try (DataInputStream in = Checkpoints.input(dir.resolve(Checkpoints.LEARNER))) {
            learner.readState(in);
        } catch (IOException e) {
            throw new IOException(dir.resolve(Checkpoints.LEARNER) + ": " + e.getMessage(), e);
        }
        try {
            replay = DualReplay.readFrom(dir.resolve(Checkpoints.REPLAY));
        } catch (IOException e) {
            throw new IOException(dir.resolve(Checkpoints.REPLAY) + ": " + e.getMessage(), e);
        }
        pending = Checkpoints.readPending(dir);
        history.restoreFrom(dir);
        nextEpisode = state.nextEpisode();
        steps = state.steps();
        resumed = true;
        if (!pending.isEmpty() && !readOnly) {
            inFlight = submitLabels(pending);
        }
    }

    /** Asks the loop to checkpoint and return after the current episode (e.g. from a shutdown hook). */
    public void requestStop() {
        stopRequested = true;
    }

    public Outcome train(Listener listener) {
        if (readOnly) {
            throw new IllegalStateException("opened for evaluation only");
        }
        Path last;
        if (config.validationEvery() > 0 && !validationDays.isEmpty()) {
            ruleBasedValidationCost = Evaluation.Summary.of(
                    Evaluation.run(scenario, Scenarios.ruleBased(scenario), validationDays),
                    P2pTradingEnv.STEPS_PER_DAY).meanCost();
        }
        while (nextEpisode < config.episodes() && !stopRequested) {
            runEpisode(nextEpisode, listener);
            nextEpisode++;
            int done = nextEpisode;
            if (config.validationEvery() > 0 && done % config.validationEvery() == 0) {
                validate(listener);
            }
            if (config.checkpointEvery() > 0 && done % config.checkpointEvery() == 0) {
                last = checkpoint(listener);
            }
        }
        boolean stopped = stopRequested && nextEpisode < config.episodes();
        if (!stopped) {
            attachFinishedLabels(); // the final replay holds every label
        }
        last = checkpoint(listener); // at exit, always
        return new Outcome(nextEpisode, learner.updates(), stopped, resumed, last);
    }

    private void runEpisode(int episode, Listener listener) {
        long t0 = System.nanoTime();
        SplittableRandom rng = new SplittableRandom(OpLearner.mix(config.seed() ^ EPISODE_STREAM, episode));
        int day = trainingDays.get(rng.nextInt(trainingDays.size()));
        int agents = scenario.prosumers().size();
        EpisodeMetrics metrics = new EpisodeMetrics(scenario.gamma(), scenario.dtHours());
        UpdateMeans means = new UpdateMeans(agents);
        List<LabelRequest> requests = new ArrayList<>();
        boolean labelling = config.labels().teacher() != TrainingConfig.Teacher.NONE;
        double[][] obs = env.reset(day);
        boolean done = false;
        while (!done) {
            int t = env.currentStep();
            DeviceState[] states = null;
            if (labelling && t % config.labels().everySteps() == 0) {
                states = new DeviceState[agents];
                for (int i = 0; i < agents; i++) {
                    states[i] = env.deviceState(i);
                }
            }
            ProsumerAction[] action = policy.explore(obs, rng);
            StepResult r = env.step(action);
            metrics.add(r);
            long ref = replay.add(Transition.fromStep(episode, day, obs, r));
            if (states != null) {
                requests.add(new LabelRequest(ref, day, t, states, copy(obs)));
            }
            steps++;
            if (replay.size() >= config.warmupTransitions()) {
                for (int u = 0; u < config.updatesPerStep(); u++) {
                    update(means);
                }
            }
            obs = r.observations();
            done = r.done();
            listener.stepped(episode, t);
        }
        double waited = attachFinishedLabels();
        pending = requests;
        inFlight = requests.isEmpty() ? null : submitLabels(requests);
        double seconds = (System.nanoTime() - t0) / 1e9;
        TrainingHistory.Episode e = new TrainingHistory.Episode(episode, day, metrics.totalCost(), metrics.reward(),
                metrics.discountedReward(), metrics.violationRatePu(), metrics.violatedSteps(), learner.updates(),
                means.n, means.mean(means.critic), means.mean(means.v), means.mean(means.actor),
                means.mean(means.imitation), means.mean(means.lambda), means.mean(means.w2), means.mean(means.sigma),
                means.mean(means.q), learner.config().epsilon(learner.updates()), replay.size(), replay.violationSize(),
                replay.labelledSize(), seconds, means.n / Math.max(1e-9, seconds - waited), waited);
        history.add(e);
        listener.episodeFinished(e);
    }

    private void update(UpdateMeans means) {
        SplittableRandom rng = new SplittableRandom(OpLearner.mix(config.seed() ^ REPLAY_STREAM, learner.updates()));
        ReplayBatch batch = replay.sample(config.learner().batchSize(), rng);
        OpLearner.UpdateStats s = learner.update(batch);
        replay.updatePriorities(batch.refs(), s.tdErrors());
        means.add(s);
    }

    /** Attaches the labels of the episode before; returns seconds spent waiting for the teacher. */
    private double attachFinishedLabels() {
        if (inFlight == null) {
            return 0;
        }
        long t0 = System.nanoTime();
        float[][][] labels;
        try {
            labels = inFlight.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for expert labels", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw new IllegalStateException("the teacher failed: " + c.getMessage(), c);
        }
        double waited = (System.nanoTime() - t0) / 1e9;
        for (int k = 0; k < labels.length; k++) {
            replay.attachLabel(pending.get(k).ref(), labels[k]); // false if the slot was overwritten: label dropped
        }
        inFlight = null;
        pending = List.of();
        return waited;
    }

    private Future<float[][][]> submitLabels(List<LabelRequest> requests) {
        List<LabelRequest> batch = List.copyOf(requests);
        return labelThread.submit(() -> {
            if (!batch.isEmpty()) {
                teacher.startEpisode(batch.get(0).day());
            }
            float[][][] out = new float[batch.size()][][];
            for (int k = 0; k < batch.size(); k++) {
                LabelRequest r = batch.get(k);
                ProsumerAction[] a = teacher.label(r.day(), r.step(), r.states(), r.observations());
                out[k] = new float[a.length][ProsumerAction.DIMS];
                for (int i = 0; i < a.length; i++) {
                    for (int d = 0; d < ProsumerAction.DIMS; d++) {
                        out[k][i][d] = (float) a[i].get(d);
                    }
                }
            }
            return out;
        });
    }

    private void validate(Listener listener) {
        List<Evaluation.DayResult> results = Evaluation.run(scenario, policy, validationDays);
        TrainingHistory.Validation v = new TrainingHistory.Validation(nextEpisode, learner.updates(),
                Evaluation.Summary.of(results, P2pTradingEnv.STEPS_PER_DAY), ruleBasedValidationCost);
        history.add(v);
        listener.validated(v);
    }

    private Path checkpoint(Listener listener) {
        try {
            Path dir = checkpoints.save(new Checkpoints.TrainerState(nextEpisode, steps, fingerprint), pending, d -> {
                try (DataOutputStream out = Checkpoints.output(d.resolve(Checkpoints.LEARNER))) {
                    learner.writeState(out);
                }
                replay.writeTo(d.resolve(Checkpoints.REPLAY));
                history.writeAll(d);
            });
            listener.checkpointed(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("writing a checkpoint under " + checkpoints.root() + ": " + e.getMessage(), e);
        }
    }

    // ---- accessors ----

    public OpLearner learner() {
        return learner;
    }

    public LearnedPolicy policy() {
        return policy;
    }

    public DualReplay replay() {
        return replay;
    }

    public TrainingHistory history() {
        return history;
    }

    public TrainingConfig config() {
        return config;
    }

    public Scenario scenario() {
        return scenario;
    }

    public Path runDir() {
        return runDir;
    }

    public int episodesDone() {
        return nextEpisode;
    }

    public long steps() {
        return steps;
    }

    public boolean resumed() {
        return resumed;
    }

    public Teacher teacher() {
        return teacher;
    }

    /** NDArrays held by the long-lived manager (networks, Adam moments, constants): flat after the first update. */
    public int managedArrays() {
        return manager.getManagedArrays().size();
    }

    @Override
    public void close() {
        labelThread.shutdownNow();
        manager.close();
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    /** Running means of an episode's update statistics. */
    private static final class UpdateMeans {
        int n;
        double critic, v, actor, imitation, lambda, w2, sigma, q;

        UpdateMeans(int agents) {}

        void add(OpLearner.UpdateStats s) {
            n++;
            critic += s.criticLoss();
            v += s.vLoss();
            actor += s.actorLoss();
            imitation += s.actorImitationTerm();
            lambda += s.meanLambda();
            w2 += s.meanW2();
            sigma += s.meanSigma();
            q += s.meanQ();
        }

        double mean(double sum) {
            return n == 0 ? Double.NaN : sum / n;
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Trainer[%s, %d/%d episodes, %d updates, run %s]", config.algo().id(),
                nextEpisode, config.episodes(), learner.updates(), runDir);
    }
}
