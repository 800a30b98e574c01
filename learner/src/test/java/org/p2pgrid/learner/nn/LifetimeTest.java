package org.p2pgrid.learner.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.pomdp.Scenarios;

/**
 * 200 full updates (Q, V, actors through min Q, Polyak) with every step's temporaries in a sub-manager:
 * the model manager's attached-array count stays flat.
 */
class LifetimeTest {

    @Test
    void managedArrayCountIsFlatOver200Updates() {
        List<ProsumerSpec> specs = Scenarios.defaults(1).prosumers();
        int n = specs.size();
        NetworkConfig cfg = NetworkConfig.defaults().withHidden(32).withAttention(16, 2, 8);
        try (NDManager model = Djl.newManager()) {
            GaussianActors actors = GaussianActors.forProsumers(model, 10, specs, cfg);
            CriticSet critics = new CriticSet(model, CriticKind.ATTENTION, n, 10, 5, cfg);
            Adam qAdam1 = new Adam(critics.q1().params(), 1e-4);
            Adam qAdam2 = new Adam(critics.q2().params(), 1e-4);
            Adam vAdam = new Adam(critics.v().params(), 1e-4);
            List<Adam> actorAdams = new ArrayList<>();
            List<NDArray> lo = new ArrayList<>();
            List<NDArray> hi = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                actorAdams.add(new Adam(actors.actor(i).params(), 1e-4));
                ActionBounds b = ActionBounds.of(specs.get(i), 100);
                lo.add(b.loArray(model));   // long-lived bounds: derived temporaries must still not stick
                hi.add(b.hiArray(model));
            }
            SplittableRandom rng = new SplittableRandom(7);
            int batch = 16;
            int afterFirst = -1;
            int last = -1;
            for (int step = 0; step < 200; step++) {
                try (NDManager s = model.newSubManager()) {
                    NDArray obs = s.randomNormal(new Shape(batch, n, 10));
                    NDArray next = s.randomNormal(new Shape(batch, n, 10));
                    NDArray act = s.randomUniform(-1, 1, new Shape(batch, n, 5));
                    NDArray reward = s.randomNormal(new Shape(batch, 1));
                    NDArray mask = s.ones(new Shape(batch, 1));
                    NDArray weights = s.ones(new Shape(batch));
                    NDArray y = critics.target(reward, mask, next, 0.99);            // eq 36
                    try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                        gc.backward(critics.qLoss(obs, act, y, weights));               // eq 36
                    }
                    qAdam1.step();
                    qAdam2.step();
                    try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                        var js = actors.sample(obs, lo, hi, actors.noise(s, rng, batch));
                        NDArray minQ = critics.minQ(obs, js.squashed());
                        gc.backward(critics.vLoss(obs, minQ, weights)                    // eq 35
                                .add(minQ.mean().neg()));                                // −min Q of eq 39
                    }
                    vAdam.step();
                    actorAdams.forEach(Adam::step);
                    critics.q1().params().zeroGradients();                               // actor pass touched Q
                    critics.q2().params().zeroGradients();
                    critics.updateTarget();                                              // eq 37
                    assertTrue(Float.isFinite(critics.minQ(obs, act).sum().getFloat()));
                }
                int count = model.getManagedArrays().size();
                if (step == 0) {
                    afterFirst = count;
                }
                if (step % 50 == 0 || step == 199) {
                    System.out.printf("step %3d: model manager holds %d arrays%n", step, count);
                }
                last = count;
            }
            assertEquals(afterFirst, last, "arrays leaked into the model manager");
        }
    }

    /** The same with a per-step NDScope instead of a sub-manager, networks and Adam built before any step. */
    @Test
    void ndScopePerStepAlsoKeepsTheCountFlat() {
        NetworkConfig cfg = NetworkConfig.defaults().withHidden(16).withAttention(8, 2, 4);
        try (NDManager model = Djl.newManager()) {
            GaussianActor actor = new GaussianActor(model, 0, 10, new int[] {0, 1, 2}, cfg);
            CriticSet critics = new CriticSet(model, CriticKind.ATTENTION, 1, 10, 5, cfg);
            Adam qAdam = new Adam(critics.q1().params(), 1e-3);
            Adam aAdam = new Adam(actor.params(), 1e-3);
            NDArray lo = model.create(new float[] {0f, 0f, -1f});
            NDArray hi = model.create(new float[] {1f, 1f, 1f});
            int first = -1;
            for (int step = 0; step < 50; step++) {
                try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray obs = model.randomNormal(new Shape(8, 10));
                    try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                        ActorSample a = actor.sample(obs, lo, hi, model.randomNormal(new Shape(8, 3)));
                        NDArray full = a.squashed().concat(model.zeros(new Shape(8, 2)), 1).reshape(8, 1, 5);
                        gc.backward(critics.q1().forward(obs.reshape(8, 1, 10), full).square().mean());
                    }
                    qAdam.step();
                    aAdam.step();
                    critics.updateTarget();
                }
                int count = model.getManagedArrays().size();
                if (step == 0) {
                    first = count;
                }
                assertEquals(first, count, "step " + step);
            }
            System.out.printf("NDScope per step: model manager holds %d arrays throughout%n", first);
        }
    }
}
