package org.p2pgrid.learner.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class SumTreePropertiesTest {

    record Update(int leaf, double value) {}

    @Provide
    Arbitrary<List<Update>> updates() {
        Arbitrary<Double> value = Arbitraries.oneOf(
                Arbitraries.doubles().between(1e-6, 1e3).ofScale(9),
                Arbitraries.doubles().between(0, 1e-3).ofScale(12),
                Arbitraries.just(0.0));
        return Combinators.combine(Arbitraries.integers().between(0, 1000), value)
                .as(Update::new).list().ofMinSize(1).ofMaxSize(400);
    }

    @Property(tries = 300)
    void totalsMinMaxStayConsistentAfterRandomUpdates(@ForAll @IntRange(min = 1, max = 300) int capacity,
                                                      @ForAll("updates") List<Update> updates) {
        SumTree tree = new SumTree(capacity);
        double[] leaves = new double[capacity];
        for (Update u : updates) {
            int i = u.leaf() % capacity;
            tree.set(i, u.value());
            leaves[i] = u.value();
        }
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (int i = 0; i < capacity; i++) {
            assertEquals(leaves[i], tree.get(i));
            sum += leaves[i];
            if (leaves[i] > 0) {
                min = Math.min(min, leaves[i]);
            }
            max = Math.max(max, leaves[i]);
        }
        assertEquals(sum, tree.total(), 1e-12 * Math.max(1, sum));
        assertEquals(min, tree.min());
        assertEquals(max, tree.max());
        // A rebuild from the same leaves is bit-identical (snapshot restore relies on it).
        SumTree rebuilt = new SumTree(capacity);
        double[] copy = new double[capacity];
        tree.copyLeaves(copy);
        rebuilt.setAll(copy);
        assertEquals(Double.doubleToLongBits(tree.total()), Double.doubleToLongBits(rebuilt.total()));
        if (tree.total() > 0) {
            for (int j = 0; j < 50; j++) {
                double u = tree.total() * j / 50.0;
                assertEquals(tree.find(u), rebuilt.find(u));
            }
        }
    }

    @Property(tries = 300)
    void findFollowsPrefixSumsAndNeverReturnsAnEmptyLeaf(@ForAll @IntRange(min = 1, max = 200) int capacity,
                                                          @ForAll("updates") List<Update> updates) {
        SumTree tree = new SumTree(capacity);
        for (Update u : updates) {
            tree.set(u.leaf() % capacity, u.value());
        }
        if (!(tree.total() > 0)) {
            assertThrows(IllegalStateException.class, () -> tree.find(0));
            return;
        }
        double cum = 0;
        for (int i = 0; i < capacity; i++) {
            double v = tree.get(i);
            if (v > 0 && v > 1e-9 * tree.total()) {
                double mid = cum + v / 2;
                assertEquals(i, tree.find(mid), "leaf " + i + " owns the middle of its prefix interval");
            }
            cum += v;
        }
        for (double u : new double[] {-1, 0, tree.total(), tree.total() * 2, Math.nextDown(tree.total())}) {
            assertTrue(tree.get(tree.find(u)) > 0, "find(" + u + ") hit an empty leaf");
        }
    }

    @Property(tries = 40)
    void samplingFrequenciesAreProportionalToPriorities(@ForAll @IntRange(min = 1, max = 20) int capacity,
                                                        @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        SplittableRandom init = new SplittableRandom(seed);
        SumTree tree = new SumTree(capacity);
        for (int i = 0; i < capacity; i++) {
            tree.set(i, init.nextInt(4) == 0 ? 0.0 : init.nextDouble(0.01, 10));
        }
        if (!(tree.total() > 0)) {
            tree.set(0, 1.0);
        }
        int draws = 40_000;
        int[] counts = new int[capacity];
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int d = 0; d < draws; d++) {
            counts[tree.find(rng.nextDouble() * tree.total())]++;
        }
        for (int i = 0; i < capacity; i++) {
            double p = tree.get(i) / tree.total();
            double sigma = Math.sqrt(draws * p * (1 - p));
            assertEquals(draws * p, counts[i], 5 * sigma + 1, "leaf " + i + " with P=" + p);
        }
    }

    @Example
    void rejectsInvalidValues() {
        SumTree tree = new SumTree(4);
        assertThrows(IllegalArgumentException.class, () -> tree.set(0, -1));
        assertThrows(IllegalArgumentException.class, () -> tree.set(0, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> tree.set(0, Double.POSITIVE_INFINITY));
        assertThrows(IndexOutOfBoundsException.class, () -> tree.set(4, 1));
    }
}
