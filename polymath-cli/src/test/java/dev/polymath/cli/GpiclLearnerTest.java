package dev.polymath.cli;

import ai.djl.ndarray.NDManager;
import dev.polymath.icl.learner.InContextLearner;
import dev.polymath.nn.meta.icl.IclModelConfig;
import dev.polymath.nn.meta.icl.IclTransformer;
import dev.polymath.nn.meta.icl.InContextClassifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GpiclLearnerTest {

    @Test
    void adaptsASavedGpiclModelToEmbeddings(@TempDir Path dir) {
        dev.polymath.nn.Engines.pytorch();
        var cfg = new IclModelConfig(8, 4, 16, 1, 2, 32, 24);
        try (NDManager m = NDManager.newBaseManager(); IclTransformer t = new IclTransformer(cfg, 5, m)) {
            InContextClassifier.save(t, dir, Map.of());
        }
        var rng = new SplittableRandom(1);
        float[][] emb = new float[50][12];
        for (float[] e : emb) for (int j = 0; j < e.length; j++) e[j] = (float) rng.nextGaussian();
        try (var l = new GpiclLearner(dir, emb, 3)) {
            assertEquals("gpicl", l.name());
            var p = new InContextLearner.Prompt(new float[][]{emb[0], emb[1], emb[2]}, new int[]{0, 1, 2}, emb[3]);
            double[] lp3 = l.logProbs(p, 3);
            double s = 0;
            for (double v : lp3) s += Math.exp(v);
            assertEquals(1.0, s, 1e-6, "renormalized over the task's 3 labels of the model's 4");
            assertArrayEquals(lp3, l.logProbs(p, 3), 0.0, "deterministic");
            double[] lp4 = l.logProbs(p, 4);
            // restricting to 3 labels keeps their ratios
            assertEquals(lp4[0] - lp4[1], lp3[0] - lp3[1], 1e-5);
            var e = assertThrows(IllegalArgumentException.class, () -> l.logProbs(p, 5));
            assertTrue(e.getMessage().contains("knows 4 labels"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> l.logProbs(new InContextLearner.Prompt(new float[][]{new float[5]}, new int[]{0}, new float[5]), 4));
            assertTrue(e.getMessage().contains("12-dimensional"), e.getMessage());
        }
    }
}
