package dev.polymath.text.bert;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.polymath.nn.Engines;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-batch-negative and batch-hard triplet losses against values computed by hand. */
class ContrastiveLossesTest {
    private static final double S = Math.sqrt(0.5);

    @Test
    void multipleNegativesRankingIsCrossEntropyOverScaledCosines() {
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            // anchors a0 = (1,0), a1 = (0,1); positives p0 = (1,0), p1 = (s,s)
            var a = m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2));
            var p = m.create(new float[] {1, 0, (float) S, (float) S}, new Shape(2, 2));
            float scale = 2f;
            // row 0: logits (2, 2s) target 0; row 1: logits (0, 2s) target 1
            double l0 = Math.log(Math.exp(2) + Math.exp(2 * S)) - 2;
            double l1 = Math.log(1 + Math.exp(2 * S)) - 2 * S;
            assertEquals((l0 + l1) / 2, MultipleNegativesRankingLoss.fromEmbeddings(a, p, scale).getFloat(), 1e-5);
        }
    }

    @Test
    void symmetricMultipleNegativesRankingAlsoMakesEachPositivePickItsAnchor() {
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            // a0 = (1, 0), a1 = (0, 1); p0 = (1, 0), p1 = (s, s), as in the test above
            var a = m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2));
            var p = m.create(new float[] {1, 0, (float) S, (float) S}, new Shape(2, 2));
            float scale = 2f;
            // anchors -> positives: row 0 logits (2, 2s) target 0; row 1 (0, 2s) target 1
            double f0 = Math.log(Math.exp(2) + Math.exp(2 * S)) - 2;
            double f1 = Math.log(1 + Math.exp(2 * S)) - 2 * S;
            // positives -> anchors: p0 against (a0, a1) = (2, 0) target 0; p1 against (2s, 2s) target 1
            double b0 = Math.log(Math.exp(2) + 1) - 2;
            double b1 = Math.log(2 * Math.exp(2 * S)) - 2 * S;
            double expected = ((f0 + f1) / 2 + (b0 + b1) / 2) / 2;
            assertEquals(expected, MultipleNegativesRankingLoss.symmetricFromEmbeddings(a, p, scale).getFloat(), 1e-5);
            // and it differs from the one-sided loss here (p1 is equally close to both anchors)
            assertTrue(Math.abs(expected - (f0 + f1) / 2) > 0.03);
        }
    }

    @Test
    void batchHardTripletTakesTheFarthestPositiveAndNearestNegative() {
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            // x0 = (1,0), x1 = (s,s) class 0; x2 = (0,1), x3 = (-1,0) class 1; cosine distance 1 - cos
            var e = m.create(new float[] {1, 0, (float) S, (float) S, 0, 1, -1, 0}, new Shape(4, 2));
            int[] y = {0, 0, 1, 1};
            float margin = 0.5f;
            double d01 = 1 - S, d02 = 1, d03 = 2, d12 = 1 - S, d13 = 1 + S, d23 = 1;
            double l0 = Math.max(0, d01 - Math.min(d02, d03) + margin);   // 0.2929 - 1 + 0.5 -> 0
            double l1 = Math.max(0, d01 - Math.min(d12, d13) + margin);   // 0.5
            double l2 = Math.max(0, d23 - Math.min(d02, d12) + margin);   // 1 - 0.293 + 0.5
            double l3 = Math.max(0, d23 - Math.min(d03, d13) + margin);   // 1 - 1.707 + 0.5 -> 0
            assertEquals((l0 + l1 + l2 + l3) / 4, BatchHardTripletLoss.fromEmbeddings(e, y, margin).getFloat(), 1e-5);
        }
    }
}
