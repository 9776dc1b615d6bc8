package dev.polymath.text.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.polymath.text.encoder.Pooling;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Forward + backward on a small random BERT: gradients, freezing, LoRA, AdamW. */
class BertTrainingTest {

    static long[][] randomBatch(SplittableRandom r, int batch, int maxLen, int vocab) {
        long[][] rows = new long[batch][];
        for (int i = 0; i < batch; i++) {
            rows[i] = new long[2 + r.nextInt(maxLen - 1)];
            rows[i][0] = 1;
            for (int k = 1; k < rows[i].length; k++) rows[i][k] = 3 + r.nextInt(vocab - 3);
        }
        return rows;
    }

    static Map<String, float[]> snapshot(BertModel m) {
        var out = new HashMap<String, float[]>();
        for (String n : m.parameterNames()) out.put(n, m.parameterValues(n));
        return out;
    }

    /** A loss that touches every output: squared distance of pooled (unnormalized) vectors to a fixed target. */
    static BertTrainer.Loss regression(long[][] rows, float[] target) {
        return s -> {
            var v = s.model().pooled(s, BertModel.ids(s, rows), BertModel.mask(s, rows), Pooling.MEAN, false, true);
            var t = s.manager().create(target, v.getShape());
            return v.sub(t).square().mean();
        };
    }

    @Test
    void everyParameterLearnsAndTheLossGoesDown() {
        var r = new SplittableRandom(7);
        BertConfig c = BertTestSupport.tiny();
        try (BertModel m = BertModel.random(c, 3, 1);
             BertTrainer t = new BertTrainer(m, BertTrainer.Options.defaults().withLearningRate(1e-3).withWeightDecay(0).withMaxGradNorm(0))) {
            long[][] rows = randomBatch(r, 4, 8, c.vocabSize());
            float[] target = new float[4 * c.hiddenSize()];
            for (int i = 0; i < target.length; i++) target[i] = (float) r.nextGaussian();
            var before = snapshot(m);
            float first = t.step(regression(rows, target)).loss();
            for (String n : m.parameterNames()) {
                assertFalse(Arrays.equals(before.get(n), m.parameterValues(n)), n + " did not change");
            }
            float last = first;
            for (int i = 0; i < 30; i++) last = t.step(regression(rows, target)).loss();
            assertTrue(last < first * 0.9, "loss " + first + " -> " + last);
        }
    }

    @Test
    void aGradientWhoseSquaresOverflowFloat32IsStillClippedIntoAStep() {
        // loss x 1e22: gradient entries ~1e20, whose squares overflow float32. Summed in float32 the global norm was
        // infinite, the clip factor 0 and the step silently did nothing; in float64 the norm is finite and the clipped
        // step moves every parameter as a normal one would.
        var r = new SplittableRandom(11);
        BertConfig c = BertTestSupport.tiny();
        try (BertModel m = BertModel.random(c, 5, 1);
             BertTrainer t = new BertTrainer(m, BertTrainer.Options.defaults().withLearningRate(1e-3).withWeightDecay(0))) {
            long[][] rows = randomBatch(r, 4, 8, c.vocabSize());
            float[] target = new float[4 * c.hiddenSize()];
            for (int i = 0; i < target.length; i++) target[i] = (float) r.nextGaussian();
            var before = snapshot(m);
            BertTrainer.Loss base = regression(rows, target);
            var res = t.step(s -> base.compute(s).mul(1e22f));
            assertTrue(Double.isFinite(res.gradNorm()) && res.gradNorm() > 1e19, "grad norm " + res.gradNorm());
            String w = "encoder.layer.0.attention.self.query.weight";
            float[] a = before.get(w), b = m.parameterValues(w);
            double maxMove = 0;
            for (int i = 0; i < a.length; i++) {
                assertTrue(Float.isFinite(b[i]));
                maxMove = Math.max(maxMove, Math.abs(a[i] - b[i]));
            }
            // Adam's first step moves a parameter by about lr whatever the gradient's scale
            assertTrue(maxMove > 5e-4 && maxMove < 2e-3, "largest change " + maxMove);
        }
    }

    @Test
    void aStepWithANonFiniteLossOrGradientIsSkippedAndTrainingGoesOn() {
        var r = new SplittableRandom(12);
        BertConfig c = BertTestSupport.tiny();
        try (BertModel m = BertModel.random(c, 6, 1);
             BertTrainer t = new BertTrainer(m, BertTrainer.Options.defaults().withLearningRate(1e-3))) {
            long[][] rows = randomBatch(r, 4, 8, c.vocabSize());
            float[] target = new float[4 * c.hiddenSize()];
            for (int i = 0; i < target.length; i++) target[i] = (float) r.nextGaussian();
            BertTrainer.Loss base = regression(rows, target);
            var before = snapshot(m);
            long version = m.version();
            // a NaN loss (its gradient NaN everywhere), then a finite loss (sqrt(0) = 0) whose gradient is not (1 / sqrt(0))
            var nan = t.step(s -> base.compute(s).mul(Float.NaN));
            assertTrue(nan.skipped() && Float.isNaN(nan.loss()), "NaN loss: " + nan);
            var inf = t.step(s -> base.compute(s).mul(0f).sqrt());
            assertTrue(inf.skipped() && inf.loss() == 0f && !Double.isFinite(inf.gradNorm()), "non-finite gradient: " + inf);
            assertEquals(2, t.skipped());
            assertEquals(0, t.steps(), "no optimizer update counted");
            assertEquals(version, m.version(), "weights unchanged");
            for (String n : m.parameterNames()) assertArrayEquals(before.get(n), m.parameterValues(n), n);
            // the dropped gradients do not leak into the next, finite step: it equals a first step on a fresh model
            var ok = t.step(base);
            assertFalse(ok.skipped());
            assertEquals(1, t.steps());
            try (BertModel fresh = BertModel.random(c, 6, 1);
                 BertTrainer t2 = new BertTrainer(fresh, BertTrainer.Options.defaults().withLearningRate(1e-3))) {
                var ref = t2.step(regression(rows, target));
                assertEquals(ref.gradNorm(), ok.gradNorm(), 1e-9 * ref.gradNorm());
                String w = "encoder.layer.0.attention.self.query.weight";
                assertArrayEquals(fresh.parameterValues(w), m.parameterValues(w), 1e-7f);
            }
        }
    }

    @Test
    void frozenLayersAndPatternsDoNotChange() {
        var r = new SplittableRandom(8);
        BertConfig c = BertTestSupport.tiny();
        try (BertModel m = BertModel.random(c, 4, 1);
             BertTrainer t = new BertTrainer(m, BertTrainer.Options.defaults().withLearningRate(1e-3))) {
            assertEquals(5, m.freezeEmbeddings());
            assertEquals(16, m.freezeLayer(0));
            assertEquals(2, m.freezeMatching("encoder\\.layer\\.1\\.output\\.LayerNorm\\..*"));
            assertThrows(IllegalArgumentException.class, () -> m.freezeLayer(2));
            long[][] rows = randomBatch(r, 3, 8, c.vocabSize());
            var before = snapshot(m);
            t.step(regression(rows, new float[3 * c.hiddenSize()]));
            for (String n : m.parameterNames()) {
                boolean frozen = n.startsWith("embeddings.") || n.startsWith("encoder.layer.0.") || n.startsWith("encoder.layer.1.output.LayerNorm.");
                assertEquals(frozen, m.isFrozen(n), n);
                assertEquals(frozen, Arrays.equals(before.get(n), m.parameterValues(n)), n + (frozen ? " changed while frozen" : " did not train"));
            }
            assertEquals(16 - 2, m.trainableParameters().size());
            m.unfreeze(n -> true);
            assertEquals(5 + 16 * 2, m.trainableParameters().size());
        }
    }

    @Test
    void loraStartsAtTheBaseTrainsOnlyAdaptersAndMerges() {
        var r = new SplittableRandom(9);
        BertConfig c = BertTestSupport.tiny();
        try (BertModel m = BertModel.random(c, 5, 1);
             BertTrainer t = new BertTrainer(m, BertTrainer.Options.defaults().withLearningRate(1e-2))) {
            long[][] rows = randomBatch(r, 4, 8, c.vocabSize());
            float[] base = m.encode(rows, Pooling.MEAN, false);
            m.enableLora(LoraConfig.all(4, 11));
            assertArrayEquals(base, m.encode(rows, Pooling.MEAN, false), "an adapted model equals the base at init");
            assertEquals(2 * 6 * c.numLayers(), m.trainableParameters().size(), "only adapters train");
            assertTrue(m.trainableParameters().keySet().stream().allMatch(n -> n.contains(".lora_")));
            var before = snapshot(m);
            var loraBefore = m.loraTensors();
            float[] target = new float[4 * c.hiddenSize()];
            Arrays.fill(target, 0.5f);
            for (int i = 0; i < 3; i++) t.step(regression(rows, target));
            for (String n : m.parameterNames()) assertArrayEquals(before.get(n), m.parameterValues(n), n + " changed under LoRA");
            var loraAfter = m.loraTensors();
            for (var e : loraAfter.entrySet()) {
                assertFalse(Arrays.equals(loraBefore.get(e.getKey()).data(), e.getValue().data()), e.getKey() + " did not train");
            }
            float[] adapted = m.encode(rows, Pooling.MEAN, false);
            assertFalse(Arrays.equals(base, adapted));
            // Export merges without changing the model; merging folds the adapters in.
            var exported = m.exportWeights();
            assertTrue(m.hasLora());
            m.mergeLora();
            assertFalse(m.hasLora());
            float[] merged = m.encode(rows, Pooling.MEAN, false);
            for (int i = 0; i < merged.length; i++) assertEquals(adapted[i], merged[i], 1e-5, "value " + i);
            for (String n : m.parameterNames()) assertArrayEquals(exported.get(n).data(), m.parameterValues(n), 1e-6f, n);
        }
    }

    @Test
    void forwardWithoutGradientsNeedsNoCollectorAndKeepsNoGraph() {
        BertConfig c = BertTestSupport.tiny();
        try (BertModel m = BertModel.random(c, 6, 1)) {
            long[][] rows = {{1, 5, 6, 2}, {1, 7, 2}};
            float[] a = m.encode(rows, Pooling.MEAN, true);
            float[] b = m.encode(rows, Pooling.MEAN, true);
            assertArrayEquals(a, b);
            // Padding does not change a row's vector.
            float[] alone = m.encode(new long[][] {{1, 7, 2}}, Pooling.MEAN, true);
            for (int i = 0; i < alone.length; i++) assertEquals(alone[i], a[c.hiddenSize() + i], 1e-6);
            try (var s = m.newStep()) {
                assertThrows(IllegalStateException.class, m::newStep);
                assertNotEquals(null, s.manager());
            }
        }
    }
}
