package dev.polymath.text.fewshot;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairSamplerTest {
    private static int[] labels(int classes, int shots) {
        int[] y = new int[classes * shots];
        for (int i = 0; i < y.length; i++) y[i] = i % classes;
        return y;
    }

    @Test
    void countsAreBudgetedAndBalanced() {
        int[] y = labels(5, 5); // 5 x C(5,2) = 50 positive pairs available
        var p = PairSampler.sample(y, 40, 1);
        assertEquals(40, p.size());
        assertEquals(20, p.stream().filter(PairSampler.Pair::positive).count());
        // budget above what positives allow: every positive pair, as many negatives
        var all = PairSampler.sample(y, 1000, 1);
        assertEquals(100, all.size());
        assertEquals(50, all.stream().filter(PairSampler.Pair::positive).count());
        // odd budget rounds down to balance
        assertEquals(20, PairSampler.sample(y, 21, 1).size());
    }

    @Test
    void pairsAreDistinctUnorderedAndLabelledRight() {
        int[] y = labels(7, 4);
        var p = PairSampler.sample(y, 10_000, 3);
        var seen = new HashSet<Long>();
        for (var q : p) {
            assertTrue(q.first() < q.second(), "ordered, no self-pair: " + q);
            assertTrue(seen.add((long) q.first() * y.length + q.second()), "duplicate " + q);
            assertEquals(y[q.first()] == y[q.second()], q.positive(), "target matches the classes: " + q);
        }
    }

    @Test
    void deterministicFromTheSeed() {
        int[] y = labels(10, 5);
        assertEquals(PairSampler.sample(y, 200, 42), PairSampler.sample(y, 200, 42));
        assertNotEquals(PairSampler.sample(y, 200, 42), PairSampler.sample(y, 200, 43));
    }

    @Test
    void everyExampleTakesPartAboutEqually() {
        int[] y = labels(150, 10); // 1,500 examples, CLINC150-sized: 6,750 positives, ~1.1M negatives available
        var p = PairSampler.sample(y, 6000, 7);
        assertEquals(6000, p.size());
        int[] posUse = new int[y.length], negUse = new int[y.length];
        for (var q : p) {
            int[] u = q.positive() ? posUse : negUse;
            u[q.first()]++;
            u[q.second()]++;
        }
        // 3,000 positives over 1,500 examples: two rounds in which each example picks one partner, plus the times
        // it is picked; the spread stays tight
        for (int i = 0; i < y.length; i++) {
            assertTrue(posUse[i] >= 1 && posUse[i] <= 5, "example " + i + " in " + posUse[i] + " positives");
            assertTrue(negUse[i] >= 1 && negUse[i] <= 6, "example " + i + " in " + negUse[i] + " negatives");
        }
        int[] perClass = new int[150];
        for (var q : p) if (q.positive()) perClass[y[q.first()]]++;
        for (int c : perClass) assertTrue(c >= 15 && c <= 25, "class positives " + c);
    }

    @Test
    void degenerateSupportSets() {
        assertEquals(List.of(), PairSampler.sample(new int[] {0, 1, 2}, 10, 0)); // no class-mates
        assertThrows(IllegalArgumentException.class, () -> PairSampler.sample(new int[] {0, 0}, 1, 0));
        var p = PairSampler.sample(new int[] {0, 0, 1}, 10, 0); // one positive, one negative
        assertEquals(2, p.size());
    }
}
