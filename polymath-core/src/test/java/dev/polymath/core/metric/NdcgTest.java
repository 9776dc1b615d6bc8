package dev.polymath.core.metric;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NdcgTest {
    static final double EPS = 1e-12;
    static final double LOG2_3 = Math.log(3) / Math.log(2); // discount of rank 2; rank 1 -> log2 2 = 1, rank 3 -> log2 4 = 2

    @Test
    void ndcgAt3OnGradedList() {
        // ranked relevances 3 2 3 0 1 2: DCG@3 = 3/1 + 2/log2(3) + 3/2 = 5.76186
        // ideal 3 3 2 2 1 0:              IDCG@3 = 3/1 + 3/log2(3) + 2/2 = 5.89279  -> nDCG@3 = 0.97778
        double expected = (3 + 2 / LOG2_3 + 1.5) / (3 + 3 / LOG2_3 + 1);
        assertEquals(expected, new Ndcg(3).query(new double[] {3, 2, 3, 0, 1, 2}), EPS);
        assertEquals(0.97778, expected, 1e-5);
    }

    @Test
    void perfectRankingAndCutOffBeyondList() {
        assertEquals(1.0, new Ndcg(10).query(new double[] {2, 1, 0}), EPS);
        // k = 1 only looks at the top: 1/2
        assertEquals(0.5, new Ndcg(1).query(new double[] {1, 2}), EPS);
    }

    @Test
    void queryWithoutRelevantCandidatesScoresZeroAndCounts() {
        double first = (3 + 2 / LOG2_3 + 1.5) / (3 + 3 / LOG2_3 + 1);
        var m = new Ndcg(3);
        assertEquals(first / 2, m.compute(List.of(new double[] {3, 2, 3, 0, 1, 2}, new double[] {0, 0})), EPS);
        assertEquals("ndcg@3", m.name());
    }

    @Test
    void badInputs() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Ndcg(3).compute(List.of()));
        assertEquals("ndcg@3: no queries (empty input)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Ndcg(3).compute(List.of(new double[] {1}, new double[] {1, -1})));
        assertEquals("ndcg@3: query 1: relevance at rank 2 is -1.0; relevances must be finite and >= 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Ndcg(3).compute(List.of(new double[] {Double.NaN})));
        assertEquals("ndcg@3: query 0: relevance at rank 1 is NaN; relevances must be finite and >= 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Ndcg(0));
        assertEquals("ndcg@0: k must be >= 1", e.getMessage());
    }
}
