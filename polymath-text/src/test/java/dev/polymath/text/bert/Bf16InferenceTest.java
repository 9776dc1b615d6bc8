package dev.polymath.text.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.polymath.nn.Engines;
import dev.polymath.text.FloatMatrix;
import dev.polymath.text.encoder.EncoderSettings;
import dev.polymath.text.encoder.MiniLmTestSupport;
import dev.polymath.text.encoder.Pooling;
import dev.polymath.text.encoder.Precision;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * bf16 inference ({@link Precision#BF16}): the linear layers really round to bfloat16, the sentence vectors stay within
 * cosine 0.9999 of the float32 ONNX ones, and encoding in bf16 keeps native memory flat. PyTorch computes bf16 on any
 * x86 CPU (natively with avx512_bf16 / AMX, emulated otherwise), so nothing here is skipped; only the speed differs.
 */
class Bf16InferenceTest {

    /**
     * Hand-computed: bf16 keeps 8 significant bits (steps of 2^-7 in [1, 2)), so 1 + 2^-9 rounds to 1 in the input and
     * the weights, and a product sum of 1.5 + 2^-9 rounds to 1.5 on output; float32 gives 2 + 2^-9 and 1.5 + 3 * 2^-9 + 2^-18.
     */
    @Test
    void linearRoundsInputsWeightsAndOutputsToBf16() {
        try (NDManager m = Engines.pytorch(BertTestSupport.THREADS).newBaseManager(); GradMode g = GradMode.off()) {
            Bf16Ops ops = Bf16Ops.load(m);
            float tiny = (float) Math.pow(2, -9);
            NDArray x = m.create(new float[] {1 + tiny, 1}, new Shape(1, 2));
            NDArray w = ops.toBf16(m.create(new float[] {1, 1, 1 + tiny, 0.5f}, new Shape(2, 2)), m);
            NDArray b = ops.toBf16(m.create(new float[] {0, tiny}), m);
            NDArray y = ops.linear(x, w, b);
            assertEquals(DataType.FLOAT32, y.getDataType());
            assertArrayEquals(new float[] {2f, 1.5f}, y.toFloatArray(), 0f);
            try (NDArray exact = m.create(new float[] {1, 1, 1 + tiny, 0.5f}, new Shape(2, 2))) {
                assertArrayEquals(new float[] {2 + tiny, 1.5f + 3 * tiny + tiny * tiny}, x.matMul(exact.transpose()).add(m.create(new float[] {0, tiny})).toFloatArray(), 1e-7f);
            }
        }
    }

    @Test
    void bf16VectorsAreWithinTheBarOfFp32OnTheFixedSample() {
        List<String> texts = ParitySample.texts();
        FloatMatrix onnx = MiniLmTestSupport.encoder().encode(texts);
        var settings = EncoderSettings.defaults().withThreads(BertTestSupport.THREADS);
        try (var fp32 = BertSentenceEncoder.over(BertTestSupport.model(), BertTestSupport.source(), settings);
             var bf16 = BertSentenceEncoder.over(BertTestSupport.model(), BertTestSupport.source(), settings.withPrecision(Precision.BF16))) {
            FloatMatrix a = fp32.encode(texts), b = bf16.encode(texts);
            double minFp32 = 1, minBf16 = 1;
            for (int i = 0; i < texts.size(); i++) {
                minFp32 = Math.min(minFp32, a.cosine(i, onnx, i));
                minBf16 = Math.min(minBf16, b.cosine(i, onnx, i));
            }
            System.out.printf("bf16: min cosine to fp32 ONNX over %d texts %.9f (DJL fp32: %.9f)%n", texts.size(), minBf16, minFp32);
            assertTrue(minBf16 >= 0.9999, "bf16 min cosine " + minBf16);
            // bf16 rounding (relative error ~2^-9 per weight) moves vectors far more than fp32 reordering does: the path ran.
            assertTrue(1 - minBf16 > 100 * (1 - minFp32) && 1 - minBf16 > 1e-7, "bf16 " + minBf16 + " vs fp32 " + minFp32);
            assertTrue(!bf16.identity().equals(fp32.identity()), "a cache must not mix bf16 and fp32 vectors");
        }
    }

    /** The bf16 copies follow the weights: after a change they are rebuilt (the old ones freed) and give the new model's vectors. */
    @Test
    void bf16CopiesFollowTheWeightsAndMemoryStaysFlat() {
        var r = new SplittableRandom(7);
        BertConfig c = new BertConfig(200, 64, 2, 4, 256, 32, 2, 1e-12, 0.0, 0.0);
        try (BertModel m = BertModel.random(c, 3, BertTestSupport.THREADS)) {
            long[][] fixed = BertTrainingTest.randomBatch(r, 4, 16, c.vocabSize());
            float[] before = m.encode(fixed, Pooling.MEAN, true, Precision.BF16);
            String name = "encoder.layer.1.output.dense.weight";
            float[] w = m.parameterValues(name);
            for (int i = 0; i < w.length; i++) w[i] *= -3;
            m.setParameter(name, w);
            float[] after = m.encode(fixed, Pooling.MEAN, true, Precision.BF16);
            float[] afterFp32 = m.encode(fixed, Pooling.MEAN, true, Precision.FP32);
            // the change moves the vectors far more than bf16 rounding does, and bf16 follows it
            double moved = 1 - cosine(before, after), rounding = 1 - cosine(after, afterFp32);
            assertTrue(moved > 1e-3 && rounding < 0.01 * moved, "weights changed: bf16 moved by " + moved + ", bf16 vs fp32 after " + rounding);

            int warmArrays = 0;
            long warm = 0, last = 0;
            for (int i = 1; i <= 400; i++) {
                m.encode(BertTrainingTest.randomBatch(r, 1 + r.nextInt(16), 32, c.vocabSize()), Pooling.MEAN, true, Precision.BF16);
                if (i % 100 == 0) m.setParameter(name, m.parameterValues(name)); // a new version: copies rebuilt
                if (i == 150) {
                    System.gc();
                    warm = BertMemoryTest.rssBytes();
                    warmArrays = m.liveArrays();
                }
                if (i > 350) last = Math.max(last, BertMemoryTest.rssBytes());
            }
            assertEquals(warmArrays, m.liveArrays(), "arrays held by the model's managers");
            long growth = last - warm;
            System.out.printf("bf16 memory: rss %.1f MB at encode 150, at most %.1f MB over 351-400; %d live arrays%n", warm / 1e6, last / 1e6, m.liveArrays());
            assertTrue(growth < 64L << 20, "RSS grew by " + growth / 1e6 + " MB from encode 150 to 400");
        }
    }

    /** Side-by-side copies serve the weights as opened; once the first model changes, the encoder uses it alone. */
    @Test
    void inferenceCopiesAreDroppedOnceTheModelIsTrained() {
        List<String> texts = ParitySample.texts().subList(0, 40);
        var settings = EncoderSettings.defaults().withThreads(2).withPrecision(Precision.BF16);
        try (var enc = BertSentenceEncoder.openForInference(BertTestSupport.source(), settings)) {
            FloatMatrix before = enc.encode(texts);
            String name = "encoder.layer.5.output.dense.weight";
            float[] w = enc.model().parameterValues(name);
            for (int i = 0; i < w.length; i++) w[i] *= -3;
            enc.model().setParameter(name, w);
            FloatMatrix after = enc.encode(texts);
            try (var alone = BertSentenceEncoder.over(enc.model(), BertTestSupport.source(), settings.withThreads(1))) {
                FloatMatrix expected = alone.encode(texts);
                for (int i = 0; i < texts.size(); i++) assertArrayEquals(expected.row(i), after.row(i), 0f, "text " + i);
            }
            assertTrue(before.cosine(0, after, 0) < 0.999, "the change shows: " + before.cosine(0, after, 0));
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
