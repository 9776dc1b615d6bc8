package dev.polymath.icl.learner;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class KernelVoteLearnerTest {

    @Test
    void handComputedProbabilities() {
        var l = new KernelVoteLearner(0.1);
        // demos: label 0 at cos 0.5 (scaled vector: cosine ignores length), label 1 at cos 0; query (1, 0)
        float[] q = {1, 0};
        var p = new InContextLearner.Prompt(new float[][]{{2, (float) (2 * Math.sqrt(3))}, {0, 3}}, new int[]{0, 1}, q);
        double[] lp = l.logProbs(p, 3);
        double w0 = Math.exp(-10) + Math.exp((0.5 - 1) / 0.1); // virtual + demo
        double w1 = Math.exp(-10) + Math.exp((0.0 - 1) / 0.1);
        double w2 = Math.exp(-10);                              // no demonstration
        double z = w0 + w1 + w2;
        assertEquals(Math.log(w0 / z), lp[0], 1e-5);
        assertEquals(Math.log(w1 / z), lp[1], 1e-5);
        assertEquals(Math.log(w2 / z), lp[2], 1e-5);
        assertEquals(0, InContextLearner.argmax(lp));
    }

    @Test
    void noDemonstrationsIsUniformAndBadLabelsAreNamed() {
        var l = new KernelVoteLearner();
        double[] lp = l.logProbs(new InContextLearner.Prompt(new float[0][], new int[0], new float[]{1, 2}), 4);
        for (double v : lp) assertEquals(Math.log(0.25), v, 1e-12);
        var e = assertThrows(IllegalArgumentException.class,
                () -> l.logProbs(new InContextLearner.Prompt(new float[][]{{1, 0}}, new int[]{5}, new float[]{1, 0}), 3));
        assertEquals("demonstration 0 has label 5, outside 0..2", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new KernelVoteLearner(0));
    }
}
