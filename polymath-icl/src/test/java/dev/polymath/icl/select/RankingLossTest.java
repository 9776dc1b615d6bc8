package dev.polymath.icl.select;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RankingLossTest {

    @Test
    void handComputedSingleQuery() {
        // feedback ranks c1 > c2 > c0 -> relevance [1/3, 1, 1/2]; retriever scores [2, 1, 0] put c0, c1, c2 at positions 1, 2, 3.
        // Pairs with higher relevance first: (c1,c0) w=|1/2-1|, (c1,c2) w=|1/2-1/3|, (c2,c0) w=|1/3-1|.
        double[][] scores = {{2.0, 1.0, 0.0}};
        double[][] feedback = {{0.1, 0.9, 0.5}};
        double list = (0.5 * Math.log(1 + Math.exp(1)) + (1.0 / 6) * Math.log(1 + Math.exp(-1)) + (2.0 / 3) * Math.log(1 + Math.exp(2))) / 3;
        double ce = Math.log(Math.exp(2) + Math.exp(1) + 1) - 1; // in-batch: the positive is c1
        assertArrayEquals(new double[]{1.0 / 3, 1.0, 0.5}, RankingLoss.relevance(feedback[0]), 1e-15);
        var v = RankingLoss.compute(scores, feedback, 2.0);
        assertEquals(0.7089310441247102, list, 1e-15); // the same figure from python
        assertEquals(list, v.listwise(), 1e-12);
        assertEquals(ce, v.inBatch(), 1e-12);
        assertEquals(2 * list + ce, v.total(), 1e-12);
    }

    @Test
    void matchesTorchReferenceOnABatch() {
        // numbers from src/test/resources/dev/polymath/icl/select/udr_ranking_loss_reference.py (python3-torch 1.13)
        double[][] scores = {{0.3, 1.2, -0.4, 0.9, 0.1, 0.0}, {0.5, -0.2, 0.8, 1.1, 0.4, -0.7}};
        double[][] feedback = {{0.1, 0.9, 0.5}, {-3.0, -1.0, -2.0}};
        var v = RankingLoss.compute(scores, feedback, 1.0);
        assertEquals(0.39641818195864387, v.listwise(), 1e-12);
        assertEquals(1.4818418855530227, v.inBatch(), 1e-12);
        assertEquals(1.8782600675116665, v.total(), 1e-12);
        assertArrayEquals(new double[]{0.11078810565323535, -0.37515531906517735, 0.03394107211101556, 0.12415879743579102, 0.055788143837863936, 0.05047920002727153}, v.grad()[0], 1e-12);
        assertArrayEquals(new double[]{0.08511225693114667, 0.042265495964525966, 0.11488952965118004, 0.3061168395229805, -0.4856067788315797, -0.06277734323825349}, v.grad()[1], 1e-12);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        double[][] scores = {{0.7, -0.1, 0.35, 0.2, 1.4, -0.6, 0.05, 0.9}, {0.15, 0.6, -0.3, 1.0, 0.45, 0.2, -0.8, 0.3}};
        double[][] feedback = {{-1.2, -0.3, -2.0, -0.9}, {-0.5, -0.6, -0.1, -3.0}};
        var v = RankingLoss.compute(scores, feedback, 1.5);
        double h = 1e-6;
        for (int q = 0; q < 2; q++) {
            for (int c = 0; c < 8; c++) {
                double[][] up = copy(scores), dn = copy(scores);
                up[q][c] += h;
                dn[q][c] -= h;
                double num = (RankingLoss.compute(up, feedback, 1.5).total() - RankingLoss.compute(dn, feedback, 1.5).total()) / (2 * h);
                assertEquals(num, v.grad()[q][c], 1e-6, "d/ds[" + q + "][" + c + "]");
            }
        }
    }

    @Test
    void tiedFeedbackMakesNoPairAndAPerfectOrderCostsLittle() {
        var v = RankingLoss.compute(new double[][]{{1, 0}}, new double[][]{{0.5, 0.5}}, 1.0);
        assertEquals(0.0, v.listwise());
        var good = RankingLoss.compute(new double[][]{{10, 5, 0}}, new double[][]{{3, 2, 1}}, 1.0);
        var bad = RankingLoss.compute(new double[][]{{0, 5, 10}}, new double[][]{{3, 2, 1}}, 1.0);
        assertEquals(true, good.listwise() < 0.01 && bad.listwise() > 1, good + " vs " + bad);
    }

    private static double[][] copy(double[][] a) {
        double[][] o = new double[a.length][];
        for (int i = 0; i < a.length; i++) o[i] = a[i].clone();
        return o;
    }
}
