package org.p2pgrid.learner.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.pomdp.EpisodeMetrics;
import org.p2pgrid.env.pomdp.P2pTradingEnv;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.StepResult;
import org.p2pgrid.expert.label.ExpertLabeller;

/**
 * The perfect-foresight expert's result per day — the lower bound a learned policy is compared
 * against (paper Table IV): the day's full plan from step 0, then the expert's labels applied step by
 * step in the environment (re-solving if the AC-projected state drifts off the plan). Days already
 * computed for this expert fingerprint are read from a CSV next to the label cache; each new day is
 * appended as soon as it is done, so an interrupted evaluation keeps what it computed.
 */
public final class ExpertBaseline {
    private static final String HEADER = "day,cost_cny,reward,discounted_reward,violation_rate_pu,violated_steps";

    private ExpertBaseline() {}

    /** @param cacheFile null: nothing cached */
    public static List<Evaluation.DayResult> run(Scenario scenario, ExpertLabeller labeller, List<Integer> days,
                                                 Path cacheFile, IntConsumer dayDone) {
        Map<Integer, Evaluation.DayResult> known = cacheFile == null ? new HashMap<>() : read(cacheFile);
        P2pTradingEnv env = new P2pTradingEnv(scenario);
        List<Evaluation.DayResult> out = new ArrayList<>(days.size());
        for (int d : days) {
            Evaluation.DayResult r = known.get(d);
            if (r == null) {
                r = runDay(scenario, env, labeller, d);
                known.put(d, r);
                if (cacheFile != null) {
                    append(cacheFile, r);
                }
            }
            out.add(r);
            dayDone.accept(d);
        }
        return out;
    }

    static Evaluation.DayResult runDay(Scenario scenario, P2pTradingEnv env, ExpertLabeller labeller, int day) {
        env.reset(day);
        int n = scenario.prosumers().size();
        DeviceState[] states = new DeviceState[n];
        for (int i = 0; i < n; i++) {
            states[i] = env.deviceState(i);
        }
        labeller.plan(day, 0, states);
        EpisodeMetrics m = new EpisodeMetrics(scenario.gamma(), scenario.dtHours());
        boolean done = false;
        while (!done) {
            int t = env.currentStep();
            for (int i = 0; i < n; i++) {
                states[i] = env.deviceState(i);
            }
            StepResult r = env.step(labeller.label(day, t, states).actions());
            m.add(r);
            done = r.done();
        }
        return Evaluation.DayResult.of(day, m);
    }

    private static Map<Integer, Evaluation.DayResult> read(Path file) {
        Map<Integer, Evaluation.DayResult> known = new HashMap<>();
        if (!Files.exists(file)) {
            return known;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).split(",");
                if (f.length != 6) {
                    continue; // a torn last line from an interrupted run: recomputed
                }
                try {
                    int day = Integer.parseInt(f[0]);
                    known.put(day, new Evaluation.DayResult(day, Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                            Double.parseDouble(f[3]), Double.parseDouble(f[4]), Integer.parseInt(f[5])));
                } catch (NumberFormatException e) {
                    // same: recompute that day
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading expert baseline cache " + file + ": " + e.getMessage(), e);
        }
        return known;
    }

    private static void append(Path file, Evaluation.DayResult r) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            if (!Files.exists(file)) {
                Files.writeString(file, HEADER + "\n", StandardCharsets.UTF_8);
            }
            Files.writeString(file, String.format(Locale.ROOT, "%d,%.9f,%.9f,%.9f,%.9e,%d%n", r.day(), r.cost(),
                    r.reward(), r.discountedReward(), r.violationRatePu(), r.violatedSteps()),
                    StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("writing expert baseline cache " + file + ": " + e.getMessage(), e);
        }
    }
}
