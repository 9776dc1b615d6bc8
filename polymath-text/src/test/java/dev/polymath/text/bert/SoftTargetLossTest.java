package dev.polymath.text.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.polymath.nn.Engines;
import org.junit.jupiter.api.Test;

/** Knowledge distillation's soft-target cross-entropy against values computed by hand. */
class SoftTargetLossTest {

    @Test
    void softTargetLossIsTheTeachersCrossEntropyWithTheScaledCosineSoftmax() {
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            double s = Math.sqrt(0.5);
            // texts e0 = (1,0), e1 = (s,s); class vectors c0 = (1,0), c1 = (0,1); scale 2
            var emb = m.create(new float[] {1, 0, (float) s, (float) s}, new Shape(2, 2));
            var classes = m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2));
            var targets = m.create(new float[] {0.75f, 0.25f, 0f, 1f}, new Shape(2, 2));
            // row 0: logits (2, 0), log Z = log(e^2 + 1); row 1: logits (2s, 2s), each log-probability log 1/2
            double z0 = Math.log(Math.exp(2) + 1);
            double l0 = -(0.75 * (2 - z0) + 0.25 * (0 - z0));
            double l1 = Math.log(2);
            assertEquals((l0 + l1) / 2, SoftTargetLoss.fromEmbeddings(emb, targets, classes, 2f).getFloat(), 1e-5);
        }
    }
}
