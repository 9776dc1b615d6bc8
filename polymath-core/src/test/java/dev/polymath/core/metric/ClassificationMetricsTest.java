package dev.polymath.core.metric;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassificationMetricsTest {

    /*
     * 3-class case.
     *   gold = 0 0 0 0 1 1 1 2 2 2
     *   pred = 0 0 1 2 1 1 0 2 2 1
     * class 0: gold 4, predicted 3 (idx 0,1,6), tp 2 -> recall 2/4, F1 = 2*2/(4+3) = 4/7
     * class 1: gold 3, predicted 4 (idx 2,4,5,9), tp 2 -> recall 2/3, F1 = 4/(3+4) = 4/7
     * class 2: gold 3, predicted 3 (idx 3,7,8), tp 2 -> recall 2/3, F1 = 4/(3+3) = 2/3
     * accuracy = 6/10; macro-F1 = (4/7 + 4/7 + 2/3)/3 = 38/63; macro-recall = (1/2 + 2/3 + 2/3)/3 = 11/18
     */
    static final int[] GOLD = {0, 0, 0, 0, 1, 1, 1, 2, 2, 2};
    static final int[] PRED = {0, 0, 1, 2, 1, 1, 0, 2, 2, 1};
    static final double EPS = 1e-12;

    @Test
    void accuracy() {
        assertEquals(0.6, new Accuracy().compute(GOLD, PRED, 3), EPS);
    }

    @Test
    void macroF1() {
        assertEquals(38.0 / 63.0, new MacroF1().compute(GOLD, PRED, 3), EPS);
    }

    @Test
    void macroRecall() {
        assertEquals(11.0 / 18.0, new MacroRecall().compute(GOLD, PRED, 3), EPS);
    }

    @Test
    void f1OfOneClass() {
        assertEquals(2.0 / 3.0, new ClassF1("c2", 2).compute(GOLD, PRED, 3), EPS);
        assertEquals(4.0 / 7.0, new ClassF1("c0", 0).compute(GOLD, PRED, 3), EPS);
    }

    @Test
    void meanF1OfSubset() {
        // (4/7 + 2/3) / 2 = 13/21
        assertEquals(13.0 / 21.0, new MeanClassF1(List.of("c0", "c2"), new int[] {0, 2}).compute(GOLD, PRED, 3), EPS);
    }

    @Test
    void classAbsentFromGoldAndPredictionsIsLeftOutOfMacroAverages() {
        // same data with a 4th class that never occurs: still 38/63 and 11/18
        assertEquals(38.0 / 63.0, new MacroF1().compute(GOLD, PRED, 4), EPS);
        assertEquals(11.0 / 18.0, new MacroRecall().compute(GOLD, PRED, 4), EPS);
    }

    @Test
    void classOnlyPredictedCountsWithZero() {
        // gold 0 1, pred 0 3 (k=4): class0 F1 1, class1 F1 0 (never predicted), class3 F1 0 (never gold),
        // class2 absent -> macro-F1 = 1/3; recalls 1, 0, 0 -> 1/3
        int[] g = {0, 1}, p = {0, 3};
        assertEquals(1.0 / 3.0, new MacroF1().compute(g, p, 4), EPS);
        assertEquals(1.0 / 3.0, new MacroRecall().compute(g, p, 4), EPS);
        // a named class absent from both has F1 0
        assertEquals(0.0, new ClassF1("c2", 2).compute(g, p, 4), EPS);
    }

    @Test
    void abstentionIsWrongButNotAClass() {
        // gold 0 1, pred 0 -1: accuracy 1/2; class0 F1 = 2/(1+1) = 1, class1 F1 = 0 -> macro 1/2
        int[] g = {0, 1}, p = {0, Predictions.Classes.ABSTAIN};
        assertEquals(0.5, new Accuracy().compute(g, p, 2), EPS);
        assertEquals(0.5, new MacroF1().compute(g, p, 2), EPS);
    }

    @Test
    void badInputsNameTheMetricAndProblem() {
        var e = assertThrows(IllegalArgumentException.class, () -> new MacroF1().compute(new int[] {0, 1}, new int[] {0}, 2));
        assertEquals("macro-f1: gold has 2 entries but predictions have 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Accuracy().compute(new int[0], new int[0], 2));
        assertEquals("accuracy: no examples (empty input)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Accuracy().compute(new int[] {0}, new int[] {2}, 2));
        assertTrue(e.getMessage().startsWith("accuracy: predicted class at index 0 is 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MacroRecall().compute(new int[] {5}, new int[] {0}, 2));
        assertTrue(e.getMessage().startsWith("macro-recall: gold class at index 0 is 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ClassF1("x", 3).compute(GOLD, PRED, 3));
        assertEquals("f1[x]: class index 3 but only 3 classes", e.getMessage());
    }

    @Test
    void genericComputeChecksInputKind() {
        Metric m = new Accuracy();
        assertEquals(0.6, m.compute(new Predictions.Classes(GOLD, PRED, 3)), EPS);
        var e = assertThrows(IllegalArgumentException.class,
                () -> m.compute(new Predictions.Values(new double[] {1}, new double[] {1})));
        assertEquals("accuracy: takes class indices, got real values", e.getMessage());
    }
}
