package dev.polymath.text.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.polymath.text.encoder.Pooling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Native memory stays flat over many training steps and encoded batches: every intermediate is freed with its
 * step. Two checks: the arrays the model's managers hold are exactly the same after 100 and after 300 steps (an
 * exact leak check), and resident memory after warmup grows by less than a bound far below what leaking one
 * step's activations would cost (a step here allocates several MB; the bound allows allocator noise only).
 */
class BertMemoryTest {

    static long rssBytes() {
        try {
            String[] f = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
            return Long.parseLong(f[1]) * 4096L;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void memoryIsFlatOver300TrainingStepsAndEncodes() {
        var r = new SplittableRandom(1);
        BertConfig c = new BertConfig(200, 64, 2, 4, 256, 32, 2, 1e-12, 0.1, 0.1);
        try (BertModel m = BertModel.random(c, 2, 1);
             BertTrainer t = new BertTrainer(m, BertTrainer.Options.defaults().withLearningRate(1e-3))) {
            long[][] rows = BertTrainingTest.randomBatch(r, 16, 32, c.vocabSize());
            float[] target = new float[16 * c.hiddenSize()];
            long warm = 0;
            int warmArrays = 0;
            long last = 0;
            for (int i = 1; i <= 300; i++) {
                t.step(BertTrainingTest.regression(rows, target));
                m.encode(rows, Pooling.MEAN, true);
                if (i == 100) {
                    System.gc();
                    warm = rssBytes();
                    warmArrays = m.liveArrays();
                }
                if (i > 250) last = Math.max(last, rssBytes());
            }
            System.gc();
            assertEquals(warmArrays, m.liveArrays(), "arrays held by the model's managers");
            long growth = last - warm;
            System.out.printf("memory: rss %.1f MB after 100 steps, at most %.1f MB over steps 251-300 (growth %.1f MB); %d live arrays%n",
                    warm / 1e6, last / 1e6, growth / 1e6, m.liveArrays());
            assertTrue(growth < 96L << 20, "RSS grew by " + growth / 1e6 + " MB from step 100 to 300");
        }
    }

    /**
     * A training forward leaves only its inputs and result in the step: every intermediate is closed when used (autograd
     * keeps what backward needs), instead of over 50 per layer (scores, un-added LoRA branches, ...) living until the
     * step ends, which for a batch of 64 BANKING77 texts was over a gigabyte. Backward still gets every gradient.
     */
    @Test
    void aTrainingForwardKeepsNoIntermediates() {
        var r = new SplittableRandom(3);
        BertConfig c = new BertConfig(200, 64, 4, 4, 256, 32, 2, 1e-12, 0.1, 0.1);
        try (BertModel m = BertModel.random(c, 2, 1);
             BertTrainer t = new BertTrainer(m, BertTrainer.Options.defaults().withLearningRate(1e-3))) {
            m.enableLora(LoraConfig.all(4, 5));
            long[][] rows = BertTrainingTest.randomBatch(r, 8, 16, c.vocabSize());
            int[] held = new int[2];
            var res = t.step(s -> {
                held[0] = s.manager().getManagedArrays().size();
                NDArray v = m.embed(s, rows, true);
                held[1] = s.manager().getManagedArrays().size();
                return v.square().sum();
            });
            // ids, mask, the pooled vectors and the normalized ones
            assertTrue(held[1] - held[0] <= 4, (held[1] - held[0]) + " arrays left in the step by a 4-layer forward");
            assertTrue(res.gradNorm() > 0 && Double.isFinite(res.gradNorm()), "gradient norm " + res.gradNorm());
        }
    }
}
