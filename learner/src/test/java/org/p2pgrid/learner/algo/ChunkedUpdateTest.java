package org.p2pgrid.learner.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.p2pgrid.learner.nn.ActionBounds;
import org.p2pgrid.learner.nn.CriticKind;
import org.p2pgrid.learner.nn.Djl;
import org.p2pgrid.learner.nn.NetworkConfig;
import org.p2pgrid.learner.nn.Params;
import org.p2pgrid.learner.replay.ReplayBatch;

/**
 * An update split into row chunks ({@link OpLearner.Chunking}) accumulates the whole batch's
 * gradient: Q₁/Q₂ (eq 36), V (eq 35) and every actor (eq 39) get the same gradients, and the update's
 * statistics (losses, TD errors for the priorities, Ŵ2 and λ of eq 40) the same values as the one-chunk
 * update, up to float summation order.
 */
class ChunkedUpdateTest {

    /** Gradients of every parameter tensor, read just before the optimiser steps of each pass. */
    private static Map<String, float[]> probe(OpLearner l) {
        Map<String, float[]> grads = new LinkedHashMap<>();
        l.beforeStep = pass -> {
            List<Params> nets = new ArrayList<>();
            if (pass.equals("critics")) {
                nets.add(l.critics().q1().params());
                nets.add(l.critics().q2().params());
            } else {
                nets.add(l.critics().v().params());
                l.actors().actors().forEach(a -> nets.add(a.params()));
            }
            for (Params p : nets) {
                for (Map.Entry<String, NDArray> e : p.asMap().entrySet()) {
                    if (e.getValue().hasGradient()) {
                        try (NDArray g = e.getValue().getGradient()) {
                            grads.put(pass + ":" + e.getKey(), g.toFloatArray());
                        }
                    }
                }
            }
        };
        return grads;
    }

    @Test
    void chunkedUpdateHasTheFullBatchGradientsAndStats() {
        for (CriticKind kind : CriticKind.values()) {
            try (NDManager model = Djl.newManager()) {
                // a tiny learning rate keeps Q almost unchanged by the first pass's step, so that the
                // actor pass of both learners differentiates the same Q (Adam's step is ±lr whatever
                // the size of a gradient, so summation-order noise in a ~0 gradient would otherwise show)
                OpLearner.Config base = OpLearner.Config.defaults(kind).withLearningRate(1e-9)
                        .withEntropyCoef(0.1).withLambda(0.5, 0.01);
                OpLearner full = new OpLearner(model, OpLearnerTest.BOUNDS, OpLearnerTest.OBS, OpLearnerTest.NET,
                        base.withChunking(OpLearner.Chunking.fixedRows(OpLearnerTest.BATCH)));
                OpLearner chunked = new OpLearner(model, OpLearnerTest.BOUNDS, OpLearnerTest.OBS, OpLearnerTest.NET,
                        base.withChunking(OpLearner.Chunking.fixedRows(5)));      // 5 + 5 + 5 + 1 rows
                chunked.countStrays = true;
                assertEquals(OpLearnerTest.BATCH, full.chunkRows(OpLearnerTest.BATCH));
                assertEquals(5, chunked.chunkRows(OpLearnerTest.BATCH));
                Map<String, float[]> gFull = probe(full);
                Map<String, float[]> gChunked = probe(chunked);
                ReplayBatch batch = OpLearnerTest.batch(21, true);

                OpLearner.UpdateStats a = full.update(batch);
                OpLearner.UpdateStats b = chunked.update(batch);

                assertEquals(gFull.keySet(), gChunked.keySet());
                assertTrue(gFull.keySet().stream().anyMatch(k -> k.startsWith("critics:")), kind + ": no Q gradient");
                assertTrue(gFull.keySet().stream().anyMatch(k -> k.startsWith("actors:actor2")), kind + ": no actor gradient");
                double worst = 0;
                for (String k : gFull.keySet()) {
                    float[] x = gFull.get(k);
                    float[] y = gChunked.get(k);
                    double scale = 1e-6;
                    for (float v : x) {
                        scale = Math.max(scale, Math.abs(v));
                    }
                    for (int i = 0; i < x.length; i++) {
                        double rel = Math.abs(x[i] - y[i]) / scale;
                        worst = Math.max(worst, rel);
                        assertTrue(rel < 1e-4, kind + " " + k + "[" + i + "]: " + x[i] + " vs " + y[i]);
                    }
                }
                System.out.printf("%s: %d gradient tensors, worst |full - chunked| / max|full| = %.2e%n",
                        kind, gFull.size(), worst);

                assertEquals(a.q1Loss(), b.q1Loss(), 1e-5 * Math.abs(a.q1Loss()));
                assertEquals(a.q2Loss(), b.q2Loss(), 1e-5 * Math.abs(a.q2Loss()));
                assertEquals(a.vLoss(), b.vLoss(), 1e-5 * Math.abs(a.vLoss()) + 1e-7);
                assertEquals(a.actorQTerm(), b.actorQTerm(), 1e-5 * Math.abs(a.actorQTerm()) + 1e-7);
                assertEquals(a.actorEntropyTerm(), b.actorEntropyTerm(), 1e-5 * Math.abs(a.actorEntropyTerm()));
                assertEquals(a.actorImitationTerm(), b.actorImitationTerm(), 1e-5 * Math.abs(a.actorImitationTerm()));
                assertEquals(a.actorLoss(), b.actorLoss(), 1e-5 * Math.abs(a.actorLoss()) + 1e-7);
                assertEquals(a.meanSigma(), b.meanSigma(), 1e-6);
                assertEquals(a.meanQ(), b.meanQ(), 1e-5 * Math.abs(a.meanQ()) + 1e-7);
                assertEquals(a.labelledRows(), b.labelledRows());
                assertArrayEquals(a.tdErrors(), b.tdErrors(), 1e-6);
                assertArrayEquals(a.w2PerAgent(), b.w2PerAgent(), 1e-5);
                assertArrayEquals(a.lambdas(), b.lambdas(), 1e-8);
                assertEquals(0, chunked.strayArraysLastUpdate(), "a chunk left arrays in the update's manager");
            }
        }
    }

    @Test
    void chunkedUpdatesKeepTheManagersFlat() {
        try (NDManager model = Djl.newManager()) {
            OpLearner l = new OpLearner(model, OpLearnerTest.BOUNDS, OpLearnerTest.OBS, OpLearnerTest.NET,
                    OpLearner.Config.defaults(CriticKind.ATTENTION).withChunking(OpLearner.Chunking.fixedRows(3)));
            l.countStrays = true;
            ReplayBatch batch = OpLearnerTest.batch(9, true);
            int first = -1;
            for (int k = 0; k < 30; k++) {
                l.update(batch);
                assertEquals(0, l.strayArraysLastUpdate(), "update " + k);
                int count = model.getManagedArrays().size();
                if (k == 0) {
                    first = count;
                }
                assertEquals(first, count, "arrays leaked into the model manager at update " + k);
            }
        }
    }

    @Test
    void autoChunkingFollowsTheBudgetAndIsOneChunkAtTheDefaultScenario() {
        OpLearner.Chunking auto = OpLearner.Chunking.auto(1000);
        assertEquals(10, auto.rowsFor(128, 100));
        assertEquals(1, auto.rowsFor(128, 5000), "at least one row");
        assertEquals(128, auto.rowsFor(128, 1), "at most the batch");
        assertEquals(7, OpLearner.Chunking.fixedRows(7).rowsFor(128, Long.MAX_VALUE));
        try (NDManager model = Djl.newManager()) {
            // the default scenario's 20 agents, Table II batch, default networks: one chunk
            List<ActionBounds> bounds = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                bounds.add(OpLearnerTest.BOUNDS.get(i % 3));
            }
            OpLearner l = new OpLearner(model, bounds, OpLearnerTest.OBS, NetworkConfig.defaults(),
                    OpLearner.Config.defaults(CriticKind.ATTENTION));
            assertEquals(128, l.chunkRows(128));
            System.out.printf("OP-MH, 20 agents, default networks: %.1f MB per batch row (estimate)%n",
                    l.bytesPerRow() / 1e6);
        }
    }
}
