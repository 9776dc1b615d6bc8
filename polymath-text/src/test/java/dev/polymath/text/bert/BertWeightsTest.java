package dev.polymath.text.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.polymath.core.safetensors.DType;
import dev.polymath.core.safetensors.SafetensorsWriter;
import dev.polymath.text.encoder.ModelLoadException;
import dev.polymath.text.encoder.OnnxInitializers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BertWeightsTest {

    @Test
    void linearCombinationIsWiseFtInterpolationAndSoupAveraging() {
        var a = new BertWeights(Map.of("w", new BertWeights.Tensor(new long[] {2, 2}, new float[] {0, 1, 2, 3}),
                "pooler.dense.bias", new BertWeights.Tensor(new long[] {1}, new float[] {9})), "a");
        var b = new BertWeights(Map.of("w", new BertWeights.Tensor(new long[] {2, 2}, new float[] {4, 5, -2, 3})), "b");
        // WiSE-FT with alpha 0.25 towards b: a + 0.25 (b - a), by hand
        var wise = BertWeights.linear(java.util.List.of(b, a), new double[] {0.25, 0.75}, "wise");
        assertArrayEquals(new float[] {1f, 2f, 1f, 3f}, wise.get("w").data());
        assertArrayEquals(new long[] {2, 2}, wise.get("w").shape());
        assertEquals(1, wise.tensors().size(), "the first model's tensors only");
        assertEquals("wise", wise.label());
        var soup = BertWeights.linear(java.util.List.of(b, a), new double[] {0.5, 0.5}, "soup");
        assertArrayEquals(new float[] {2f, 3f, 0f, 3f}, soup.get("w").data());
        var e = assertThrows(IllegalArgumentException.class, () -> BertWeights.linear(java.util.List.of(a, b), new double[] {0.5, 0.5, 0}, "x"));
        assertTrue(e.getMessage().contains("2 models but 3 weights"), e.getMessage());
        var odd = new BertWeights(Map.of("w", new BertWeights.Tensor(new long[] {4}, new float[] {0, 1, 2, 3})), "odd.safetensors");
        e = assertThrows(IllegalArgumentException.class, () -> BertWeights.linear(java.util.List.of(b, odd), new double[] {0.5, 0.5}, "x"));
        assertTrue(e.getMessage().contains("tensor 'w' of odd.safetensors is [4], expected [2, 2]"), e.getMessage());
    }

    @Test
    void onnxExportGivesEveryBertParameterUnderItsHuggingFaceName() {
        BertSource src = BertTestSupport.source();
        var expected = BertWeights.expectedShapes(BertConfig.miniLmL6());
        assertEquals(5 + 16 * 6, expected.size());
        assertEquals(expected.keySet(), src.weights().tensors().keySet(), "exactly the BertModel parameters, nothing else");
        for (var e : expected.entrySet()) assertArrayEquals(e.getValue(), src.weights().get(e.getKey()).shape(), e.getKey());
    }

    @Test
    void anonymousMatMulWeightsAreTransposedToOutIn() {
        byte[] onnx = dev.polymath.text.encoder.ModelSource.builtinMiniLm().onnxBytes();
        var graph = OnnxInitializers.graph(onnx, "minilm");
        int anonymous = 0;
        for (var node : graph.nodes()) {
            if (!node.name().equals("/encoder/layer.0/intermediate/dense/MatMul")) continue;
            for (String in : node.inputs()) {
                var init = graph.initializers().get(in);
                if (init == null) continue;
                anonymous++;
                assertArrayEquals(new long[] {384, 1536}, init.dims(), "stored [in, out]");
                float[] w = BertTestSupport.source().weights().get("encoder.layer.0.intermediate.dense.weight").data();
                // element [out=j, in=i] of the Linear weight is element [i, j] of the stored matrix
                for (int[] ij : new int[][] {{0, 0}, {1, 2}, {383, 1535}, {100, 7}}) {
                    assertEquals(init.data()[ij[0] * 1536 + ij[1]], w[ij[1] * 384 + ij[0]]);
                }
            }
        }
        assertEquals(1, anonymous);
        long matmulInits = graph.initializers().keySet().stream().filter(n -> n.startsWith("onnx::MatMul")).count();
        assertEquals(36, matmulInits);
    }

    @Test
    void safetensorsProblemsNameTheTensorAndTheFile(@TempDir Path dir) {
        BertConfig c = BertTestSupport.tiny();
        Map<String, BertWeights.Tensor> good;
        try (BertModel m = BertModel.random(c, 1, 1)) {
            good = m.exportWeights().tensors();
        }
        // With the bert. prefix of task models: accepted.
        Path prefixed = dir.resolve("prefixed.safetensors");
        write(prefixed, good, "bert.", null, null);
        assertEquals(good.keySet(), BertWeights.fromSafetensors(prefixed).validate(c).tensors().keySet());

        Path missing = dir.resolve("missing.safetensors");
        write(missing, good, "", "encoder.layer.1.output.dense.bias", null);
        var e1 = assertThrows(ModelLoadException.class, () -> BertWeights.fromSafetensors(missing).validate(c));
        assertTrue(e1.getMessage().contains("missing tensor 'encoder.layer.1.output.dense.bias'"), e1.getMessage());
        assertTrue(e1.getMessage().contains("missing.safetensors"), e1.getMessage());

        Path extra = dir.resolve("extra.safetensors");
        write(extra, good, "", null, "classifier.weight");
        var e2 = assertThrows(ModelLoadException.class, () -> BertWeights.fromSafetensors(extra).validate(c));
        assertTrue(e2.getMessage().contains("unexpected tensor 'classifier.weight'"), e2.getMessage());

        var wrong = new LinkedHashMap<>(good);
        wrong.put("embeddings.LayerNorm.bias", new BertWeights.Tensor(new long[] {31}, new float[31]));
        Path shape = dir.resolve("shape.safetensors");
        write(shape, wrong, "", null, null);
        var e3 = assertThrows(ModelLoadException.class, () -> BertWeights.fromSafetensors(shape).validate(c));
        assertTrue(e3.getMessage().contains("tensor 'embeddings.LayerNorm.bias' has shape [31], expected [32]"), e3.getMessage());
        assertTrue(e3.getMessage().contains("shape.safetensors"), e3.getMessage());
    }

    private static void write(Path file, Map<String, BertWeights.Tensor> tensors, String prefix, String drop, String add) {
        var list = new ArrayList<SafetensorsWriter.Tensor>();
        for (var e : tensors.entrySet()) {
            if (e.getKey().equals(drop)) continue;
            list.add(SafetensorsWriter.Tensor.ofFloats(prefix + e.getKey(), DType.F32, e.getValue().shape(), e.getValue().data()));
        }
        if (add != null) list.add(SafetensorsWriter.Tensor.ofFloats(add, DType.F32, new long[] {2}, new float[2]));
        SafetensorsWriter.write(file, list, Map.of("format", "pt"));
    }
}
