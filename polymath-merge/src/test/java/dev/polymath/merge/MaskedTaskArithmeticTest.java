package dev.polymath.merge;

import dev.polymath.core.data.DataFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The apply step of learned merging, against values computed by hand. */
class MaskedTaskArithmeticTest {
    @TempDir Path dir;

    void models() {
        // two tensors, so that per-tensor (layer-wise) coefficients can differ
        TestModels.write(dir.resolve("base.safetensors"), Map.of("layer.0.w", new float[] {1, 2, 3, 4}, "layer.1.w", new float[] {0, 0}), Map.of());
        TestModels.write(dir.resolve("a.safetensors"), Map.of("layer.0.w", new float[] {2, 2, 5, 0}, "layer.1.w", new float[] {1, -1}), Map.of());
        TestModels.write(dir.resolve("b.safetensors"), Map.of("layer.0.w", new float[] {1, 4, 3, 8}, "layer.1.w", new float[] {2, 2}), Map.of());
    }

    Map<String, float[]> merge(String yaml) {
        var r = TestModels.mergeYaml(dir, yaml, dir.resolve("out" + System.nanoTime()), MergeEngine.Options.defaults().withThreads(2).withChunk(3));
        return TestModels.read(r.out().resolve("model.safetensors"));
    }

    @Test
    void layerWiseCoefficientsWithoutMask() {
        models();
        // d_a = [1,0,2,-4] / [1,-1]; d_b = [0,2,0,4] / [2,2]
        // layer.0: 0.5 d_a + 0.25 d_b = [0.5, 0.5, 1, -1];  layer.1: 1 d_a + 0 d_b = [1, -1]
        var out = merge("""
                merge_method: masked_task_arithmetic
                base_model: base.safetensors
                models:
                  - model: a.safetensors
                    parameters: {weight: [{filter: layer.1.w, value: 1.0}, {value: 0.5}]}
                  - model: b.safetensors
                    parameters: {weight: [{filter: layer.1.w, value: 0.0}, {value: 0.25}]}
                """);
        assertArrayEquals(new float[] {1.5f, 2.5f, 4f, 3f}, out.get("layer.0.w"), 0f);
        assertArrayEquals(new float[] {1f, -1f}, out.get("layer.1.w"), 0f);
    }

    @Test
    void sharedMaskRescaledByItsMeanAndLambda() {
        models();
        // mask layer.0 = [1, 0, 1, 0], mean 0.5 -> m' = [2, 0, 2, 0]; layer.1 has no mask (ones)
        TestModels.write(dir.resolve("mask.safetensors"), Map.of("layer.0.w", new float[] {1, 0, 1, 0}), Map.of());
        // weights 1, 1: layer.0 sum d = [1, 2, 2, 0]; * m' = [2, 0, 4, 0]; * lambda 0.5 = [1, 0, 2, 0]
        // layer.1 sum d = [3, 1] * 0.5 = [1.5, 0.5]
        var yaml = """
                merge_method: masked_task_arithmetic
                base_model: base.safetensors
                parameters: {lambda: 0.5, mask: mask.safetensors%s}
                models:
                  - model: a.safetensors
                    parameters: {weight: 1.0}
                  - model: b.safetensors
                    parameters: {weight: 1.0}
                """;
        var out = merge(yaml.formatted(""));
        assertArrayEquals(new float[] {2f, 2f, 5f, 4f}, out.get("layer.0.w"), 0f);
        assertArrayEquals(new float[] {1.5f, 0.5f}, out.get("layer.1.w"), 0f);
        // without rescaling: [1, 0, 2, 0] * 0.5 = [0.5, 0, 1, 0]
        var raw = merge(yaml.formatted(", mask_rescale: false"));
        assertArrayEquals(new float[] {1.5f, 2f, 4f, 4f}, raw.get("layer.0.w"), 0f);
    }

    @Test
    void maskOfTheWrongSizeOrMissingFileIsRefused() {
        models();
        TestModels.write(dir.resolve("bad.safetensors"), Map.of("layer.0.w", new float[] {1, 0, 1}), Map.of());
        String yaml = """
                merge_method: masked_task_arithmetic
                base_model: base.safetensors
                parameters: {mask: %s}
                models:
                  - model: a.safetensors
                    parameters: {weight: 1.0}
                """;
        var e = assertThrows(IllegalArgumentException.class, () -> merge(yaml.formatted("bad.safetensors")));
        assertTrue(e.getMessage().contains("'layer.0.w' has 3 elements"), e.getMessage());
        var m = assertThrows(DataFormatException.class, () -> merge(yaml.formatted("none.safetensors")));
        assertTrue(m.getMessage().contains("no mask file"), m.getMessage());
    }
}
