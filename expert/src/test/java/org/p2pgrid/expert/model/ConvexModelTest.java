package org.p2pgrid.expert.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ConvexModelTest {

    /** x0 ∈ [0, 4], x1 ∈ [-1, 1], x2 ∈ [0, 9]; rows over them; a disc on (x0, x1); objective x0 + 2·x2 + 3·x1². */
    private static ConvexModel model() {
        ConvexModel m = new ConvexModel();
        m.addVariable("x0", 0, 4);
        m.addVariable("x1", -1, 1);
        m.addVariable("x2", 0, 9);
        m.addConstraint("r01", new LinearExpr().add(0, 1).add(1, 2), 1, 5);
        m.addConstraint("r12", new LinearExpr().add(1, 1).add(2, -1), Double.NEGATIVE_INFINITY, 0);
        m.addEquality("r2", LinearExpr.of(2, 1), 3);
        m.addDisc("d", 0, 1, 4);
        m.addObjective(new LinearExpr().add(0, 1).add(2, 2).addConstant(0.5));
        m.addQuadraticObjective(1, 3);
        return m;
    }

    @Test
    void subModelSubstitutesFixedVariablesAndDropsWhatUsesRemovedOnes() {
        // keep x1 and x0 (in that order), x2 fixed at 3
        ConvexModel s = model().subModel(new int[] {1, 0}, new double[] {Double.NaN, Double.NaN, 3});
        assertEquals(2, s.variableCount());
        assertEquals("x1", s.varName(0));
        assertEquals(-1, s.lowerBound(0));
        assertEquals(4, s.upperBound(1));
        assertEquals(2, s.rows().size()); // r01 kept as is, r12 with x2's term moved into the bound, r2 dropped
        ConvexModel.Row r01 = s.rows().get(0);
        assertArrayEquals(new int[] {1, 0}, r01.vars());
        assertArrayEquals(new double[] {1, 2}, r01.coefs());
        ConvexModel.Row r12 = s.rows().get(1);
        assertArrayEquals(new int[] {0}, r12.vars());
        assertEquals(3, r12.ub());
        assertEquals(1, s.discs().size());
        assertEquals(1, s.discs().get(0).x());
        assertEquals(0, s.discs().get(0).y());
        // objective at (x1, x0) = (0.5, 2): 2 + 2·3 + 0.5 + 3·0.25
        assertEquals(2 + 6 + 0.5 + 0.75, s.objectiveValue(new double[] {0.5, 2}), 1e-12);

        // x2 removed (NaN): rows using it are dropped, its objective term too
        ConvexModel r = model().subModel(new int[] {0, 1}, new double[] {Double.NaN, Double.NaN, Double.NaN});
        assertEquals(1, r.rows().size());
        assertEquals(1 + 0.5 + 3, r.objectiveValue(new double[] {1, 1}), 1e-12);
    }

    @Test
    void subModelRefusesToSplitADiscAndSetBoundsChecks() {
        assertThrows(IllegalArgumentException.class,
                () -> model().subModel(new int[] {1}, new double[] {2, Double.NaN, 3}));
        ConvexModel m = model();
        m.setBounds(1, 0.25, 0.25);
        assertEquals(0.25, m.lowerBound(1));
        assertEquals(0.25, m.upperBound(1));
        assertThrows(IllegalArgumentException.class, () -> m.setBounds(0, 2, 1));
    }
}
