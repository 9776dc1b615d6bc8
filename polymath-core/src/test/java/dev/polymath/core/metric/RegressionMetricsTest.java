package dev.polymath.core.metric;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegressionMetricsTest {
    static final double EPS = 1e-12;

    @Test
    void mseAndMae() {
        // errors 1, 0, 2 -> MSE (1 + 0 + 4)/3 = 5/3, MAE (1 + 0 + 2)/3 = 1
        double[] g = {1, 2, 3}, p = {2, 2, 5};
        assertEquals(5.0 / 3.0, new MeanSquaredError().compute(g, p), EPS);
        assertEquals(1.0, new MeanAbsoluteError().compute(g, p), EPS);
        assertFalse(new MeanSquaredError().higherIsBetter());
        assertFalse(new MeanAbsoluteError().higherIsBetter());
    }

    @Test
    void pearsonKnownPair() {
        // x = 1 2 3 (mean 2), y = 2 4 7 (mean 13/3); dx = -1 0 1, dy = -7/3 -1/3 8/3
        // Sxy = 7/3 + 8/3 = 5, Sxx = 2, Syy = (49 + 1 + 64)/9 = 114/9 -> r = 5 / sqrt(228/9) = 15/sqrt(228)
        assertEquals(15.0 / Math.sqrt(228), new Pearson().compute(new double[] {1, 2, 3}, new double[] {2, 4, 7}), EPS);
        // exact linear relations
        assertEquals(1.0, new Pearson().compute(new double[] {1, 2, 3, 4}, new double[] {3, 5, 7, 9}), EPS);
        assertEquals(-1.0, new Pearson().compute(new double[] {1, 2, 3, 4}, new double[] {8, 6, 4, 2}), EPS);
    }

    @Test
    void pearsonOfConstantIsNaN() {
        assertTrue(Double.isNaN(new Pearson().compute(new double[] {1, 2, 3}, new double[] {4, 4, 4})));
    }

    @Test
    void spearmanWithTiesUsesAverageRanks() {
        // x = 1 2 2 3 -> ranks 1 2.5 2.5 4; y = 1 3 2 4 -> ranks 1 3 2 4; both rank means 2.5
        // dx = -1.5 0 0 1.5, dy = -1.5 .5 -.5 1.5: Sxy = 4.5, Sxx = 4.5, Syy = 5 -> r = 4.5/sqrt(22.5) = sqrt(0.9)
        assertEquals(Math.sqrt(0.9), new Spearman().compute(new double[] {1, 2, 2, 3}, new double[] {1, 3, 2, 4}), EPS);
        // monotone but non-linear -> 1
        assertEquals(1.0, new Spearman().compute(new double[] {1, 2, 3, 4}, new double[] {1, 10, 100, 1000}), EPS);
    }

    @Test
    void averageRanks() {
        assertArrayEquals(new double[] {1, 2.5, 2.5, 4}, Ranks.average(new double[] {10, 20, 20, 30}));
        assertArrayEquals(new double[] {3, 1, 3, 3}, Ranks.average(new double[] {5, 1, 5, 5}));
    }

    private static void assertArrayEquals(double[] expected, double[] actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, EPS);
    }

    @Test
    void badInputs() {
        var e = assertThrows(IllegalArgumentException.class, () -> new MeanSquaredError().compute(new double[] {1, 2}, new double[] {1, Double.NaN}));
        assertEquals("mse: prediction at index 1 is NaN", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MeanAbsoluteError().compute(new double[] {1}, new double[] {1, 2}));
        assertEquals("mae: gold has 1 entries but predictions have 2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Spearman().compute(new double[0], new double[0]));
        assertEquals("spearman: no examples (empty input)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Pearson().compute(new double[] {1}, new double[] {2}));
        assertEquals("pearson: needs at least 2 pairs, got 1", e.getMessage());
    }
}
