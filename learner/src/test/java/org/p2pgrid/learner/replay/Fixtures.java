package org.p2pgrid.learner.replay;

import java.util.SplittableRandom;

/** Synthetic transitions for replay tests. */
final class Fixtures {
    static final ReplayShape SHAPE = new ReplayShape(3, 4, 5);

    private Fixtures() {}

    static Transition transition(long id, boolean violation) {
        return transition(SHAPE, id, violation, false);
    }

    static Transition transition(ReplayShape shape, long id, boolean violation, boolean labelled) {
        SplittableRandom r = new SplittableRandom(id * 31 + 7);
        float[][] obs = matrix(r, shape.agents(), shape.obsDim());
        float[][] act = matrix(r, shape.agents(), shape.actionDim());
        float[][] next = matrix(r, shape.agents(), shape.obsDim());
        double reward = -r.nextDouble(0, 100);
        float[][] label = labelled ? matrix(r, shape.agents(), shape.actionDim()) : null;
        return Transition.of(id, (int) (id / 96), (int) (id % 96), obs, act, reward, next,
                id % 96 == 95, violation, label);
    }

    static float[][] matrix(SplittableRandom r, int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m[i][j] = (float) r.nextDouble(-10, 10);
            }
        }
        return m;
    }

    static float[][] label(ReplayShape shape, float value) {
        float[][] m = new float[shape.agents()][shape.actionDim()];
        for (float[] row : m) {
            java.util.Arrays.fill(row, value);
        }
        return m;
    }
}
