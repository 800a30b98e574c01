package org.p2pgrid.benchmarks.scenario;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.p2pgrid.benchmarks.LearnerFixture;
import org.p2pgrid.learner.algo.OpLearner;
import org.p2pgrid.learner.nn.ActionBounds;
import org.p2pgrid.learner.nn.Adam;
import org.p2pgrid.learner.nn.CriticKind;
import org.p2pgrid.learner.nn.Djl;
import org.p2pgrid.learner.nn.GaussianActor;
import org.p2pgrid.learner.nn.NetworkConfig;
import org.p2pgrid.learner.replay.DualReplay;
import org.p2pgrid.learner.replay.ReplayBatch;

/**
 * Where a DJL {@link OpLearner#update} spends its time: runs WARMUP updates, then N updates under
 * PyTorch's autograd profiler ({@code JniUtils.startProfile}) and writes a Chrome trace (aggregate it
 * with benchmarks/pytorch/trace_summary.py). Also prints the wall time of the profiled updates and
 * of the same number without the profiler.
 *
 * <pre>benchmarks/scenario.sh UpdateProfileRun [OP|OP-MH=OP-MH] [n=4] [trace=target/update-trace.json]</pre>
 */
public final class UpdateProfileRun {
    public static void main(String[] args) {
        Djl.configure();
        String algo = args.length > 0 ? args[0] : "OP-MH";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        String trace = args.length > 2 ? args[2] : "target/update-trace.json";
        CriticKind kind = algo.equalsIgnoreCase("OP") ? CriticKind.MLP : CriticKind.ATTENTION;
        List<ActionBounds> bounds = LearnerFixture.defaultBounds();
        DualReplay replay = LearnerFixture.filledReplay(bounds, 5_000, 0.3, 11);
        SplittableRandom rng = new SplittableRandom(12);
        try (NDManager model = Djl.newManager()) {
            OpLearner learner = new OpLearner(model, bounds, LearnerFixture.OBS, NetworkConfig.defaults(),
                    OpLearner.Config.defaults(kind));
            ReplayBatch[] batches = new ReplayBatch[n];
            for (int i = 0; i < n; i++) {
                batches[i] = replay.sample(128, rng);
            }
            for (int i = 0; i < 5; i++) {
                learner.update(batches[i % n]);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                learner.update(batches[i]);
            }
            double plain = (System.nanoTime() - t0) / 1e6 / n;
            JniUtils.startProfile(false, true, false);
            t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                learner.update(batches[i]);
            }
            double profiled = (System.nanoTime() - t0) / 1e6 / n;
            JniUtils.stopProfile(trace);
            System.out.printf(Locale.ROOT, "%s: %.1f ms/update plain, %.1f ms/update under the profiler (%d updates); trace %s%n",
                    algo, plain, profiled, n, trace);
            // The optimiser and Polyak parts alone, on the same tensors: extra Adam instances over the
            // learner's parameters (their gradients exist but are zero after an update, and m = v = 0,
            // so these steps do the full per-tensor work but leave the weights unchanged).
            List<Adam> adams = new ArrayList<>();
            adams.add(new Adam(learner.critics().q1().params(), 1e-4));
            adams.add(new Adam(learner.critics().q2().params(), 1e-4));
            adams.add(new Adam(learner.critics().v().params(), 1e-4));
            for (GaussianActor a : learner.actors().actors()) {
                adams.add(new Adam(a.params(), 1e-4));
            }
            adams.forEach(Adam::step);
            t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                adams.forEach(Adam::step);
            }
            double adam = (System.nanoTime() - t0) / 1e6 / n;
            t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                learner.critics().updateTarget();
            }
            double polyak = (System.nanoTime() - t0) / 1e6 / n;
            System.out.printf(Locale.ROOT, "%s: all %d Adam steps of one update %.1f ms (%.0f %% of plain), Polyak %.2f ms%n",
                    algo, adams.size(), adam, 100 * adam / plain, polyak);
        }
    }
}
