package dev.polymath.text.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CorrelationTest {
    @Test
    void spearmanWithTiesMatchesScipy() {
        // scipy.stats.spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]).statistic == 0.8207826816681233
        assertEquals(0.8207826816681233, Correlation.spearman(new double[] {1, 2, 3, 4, 5}, new double[] {5, 6, 7, 8, 7}), 1e-12);
        assertArrayEquals(new double[] {1, 2.5, 2.5, 4}, Correlation.ranks(new double[] {0, 3, 3, 9}));
        assertEquals(-1, Correlation.pearson(new double[] {1, 2, 3}, new double[] {3, 2, 1}), 1e-12);
    }

    @Test
    void macroF1CountsOnlyPresentClasses() {
        // classes 0 and 1 present; class 2 never appears: F1(0) = 2/3, F1(1) = 4/5
        assertEquals((2.0 / 3 + 0.8) / 2, QuickEval.macroF1(new int[] {0, 1, 1, 1}, new int[] {0, 0, 1, 1}, 3), 1e-12);
    }
}
