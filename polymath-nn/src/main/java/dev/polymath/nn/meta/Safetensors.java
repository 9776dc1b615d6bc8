package dev.polymath.nn.meta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.polymath.core.safetensors.DType;
import dev.polymath.core.safetensors.SafetensorsFile;
import dev.polymath.core.safetensors.SafetensorsWriter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/** Float32 checkpoints of named NDArrays through the core safetensors I/O (validated, written atomically). */
public final class Safetensors {
    private Safetensors() {}

    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) {
        var out = new ArrayList<SafetensorsWriter.Tensor>();
        for (var e : tensors.entrySet()) {
            float[] v = e.getValue().toType(DataType.FLOAT32, false).toFloatArray();
            out.add(SafetensorsWriter.Tensor.ofFloats(e.getKey(), DType.F32, e.getValue().getShape().getShape(), v));
        }
        SafetensorsWriter.write(file, out, metadata);
    }

    /** A float32 tensor read back: shape and values. */
    public record Tensor(long[] shape, float[] values) {}

    public static Map<String, Tensor> read(Path file) {
        var out = new LinkedHashMap<String, Tensor>();
        try (var f = SafetensorsFile.open(file)) {
            for (var t : f.tensors().values()) {
                float[] v = new float[Math.toIntExact(t.numel())];
                f.readFloats(t, 0, v, 0, v.length);
                out.put(t.name(), new Tensor(t.shape(), v));
            }
        }
        return out;
    }
}
