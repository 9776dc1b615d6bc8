package dev.polymath.core.metric;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RocAucTest {
    static final double EPS = 1e-12;

    @Test
    void tiesCountHalf() {
        // positives score .9 .5 .3, negatives .5 .1 .3; over the 9 (pos, neg) pairs:
        // .9 beats all 3 -> 3; .5 ties .5, beats .1 and .3 -> 2.5; .3 loses to .5, beats .1, ties .3 -> 1.5
        // AUC = 7/9
        boolean[] pos = {true, true, false, false, true, false};
        double[] s = {0.9, 0.5, 0.5, 0.1, 0.3, 0.3};
        assertEquals(7.0 / 9.0, new RocAuc().compute(pos, s), EPS);
        assertEquals(7.0 / 9.0, new RocAuc().compute(new int[] {1, 1, 0, 0, 1, 0}, s), EPS);
    }

    @Test
    void extremes() {
        assertEquals(1.0, new RocAuc().compute(new int[] {0, 0, 1, 1}, new double[] {0.1, 0.2, 0.3, 0.4}), EPS);
        assertEquals(0.0, new RocAuc().compute(new int[] {1, 1, 0, 0}, new double[] {0.1, 0.2, 0.3, 0.4}), EPS);
        assertEquals(0.5, new RocAuc().compute(new int[] {1, 0, 1, 0}, new double[] {7, 7, 7, 7}), EPS);
    }

    @Test
    void badInputs() {
        var e = assertThrows(IllegalArgumentException.class, () -> new RocAuc().compute(new int[] {1, 1}, new double[] {0.1, 0.2}));
        assertEquals("auc: undefined with only one class in gold (2 positive, 0 negative)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RocAuc().compute(new int[] {1, 2}, new double[] {0.1, 0.2}));
        assertEquals("auc: binary gold label at 1 must be 0 or 1, got 2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RocAuc().compute(new int[] {1, 0}, new double[] {Double.NaN, 0.2}));
        assertEquals("auc: score at index 0 is NaN", e.getMessage());
    }
}
