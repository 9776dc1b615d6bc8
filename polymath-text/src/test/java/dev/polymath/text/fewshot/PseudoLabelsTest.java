package dev.polymath.text.fewshot;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PseudoLabelsTest {
    // 7 pool rows over 3 classes; worked by hand:
    //   argmax/top p: r0 c0 .90, r1 c0 .60, r2 c1 .50, r3 c0 .95, r4 c1 .40 (below .45), r5 c0 .60 (ties r1), r6 c2 .70
    static final double[][] P = {
            {0.90, 0.05, 0.05},
            {0.60, 0.30, 0.10},
            {0.30, 0.50, 0.20},
            {0.95, 0.03, 0.02},
            {0.30, 0.40, 0.30},
            {0.60, 0.10, 0.30},
            {0.10, 0.20, 0.70},
    };

    @Test
    void eachClassKeepsItsMostConfidentRowsAboveTheThresholdUpToItsQuota() {
        var s = PseudoLabels.select(P, new int[] {2, 2, 2}, 0.45);
        // class 0 candidates by confidence: r3 .95, r0 .90, r1 .60, r5 .60 -> quota 2 keeps r3, r0 (the easy class is capped)
        // class 1: r2 .50 (r4 .40 is under the threshold); class 2: r6
        assertArrayEquals(new int[] {3, 0, 2, 6}, s.rows());
        assertArrayEquals(new int[] {0, 0, 1, 2}, s.labels());
        assertArrayEquals(new int[] {2, 1, 1}, s.counts(3));
    }

    @Test
    void tiesGoToTheLowerRowAndAZeroQuotaKeepsNothing() {
        var s = PseudoLabels.select(P, new int[] {3, 0, 1}, 0.0);
        assertArrayEquals(new int[] {3, 0, 1, 6}, s.rows(), "r1 and r5 tie at .60: r1 first");
        assertArrayEquals(new int[] {0, 0, 0, 2}, s.labels());
        var all = PseudoLabels.select(P, PseudoLabels.uniformQuota(3, 10), 0.0);
        assertEquals(7, all.size(), "every row once, under its argmax");
        assertArrayEquals(new int[] {3, 0, 1, 5, 2, 4, 6}, all.rows());
        assertEquals(0, PseudoLabels.select(P, PseudoLabels.uniformQuota(3, 5), 0.99).size());
    }

    @Test
    void spreadTakesEvenlySpacedConfidenceRanks() {
        // class 0 has 4 candidates by confidence r3, r0, r1, r5; a quota of 2 takes ranks 0 and 2 (floor(j * 4 / 2)): r3, r1
        var s = PseudoLabels.select(P, new int[] {2, 2, 2}, 0.0, PseudoLabels.Pick.SPREAD);
        assertArrayEquals(new int[] {3, 1, 2, 4, 6}, s.rows(), "class 1 has 2 candidates (r2 .50, r4 .40): both");
        assertArrayEquals(new int[] {0, 0, 1, 1, 2}, s.labels());
        // a quota of 3 of 4: ranks 0, 1, 2
        assertArrayEquals(new int[] {3, 0, 1}, PseudoLabels.select(P, new int[] {3, 0, 0}, 0.0, PseudoLabels.Pick.SPREAD).rows());
        assertEquals(PseudoLabels.Pick.SPREAD, PseudoLabels.Pick.parse(" Spread"));
    }

    @Test
    void badInputFailsWithItsRow() {
        var e = assertThrows(IllegalArgumentException.class, () -> PseudoLabels.select(new double[][] {{0.5, 0.5}, {1.0}}, new int[] {1, 1}, 0));
        assertEquals("pool row 1 has 1 probabilities, expected 2", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PseudoLabels.select(P, new int[] {1, -1, 1}, 0));
    }
}
