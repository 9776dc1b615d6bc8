package dev.polymath.icl.select;

import dev.polymath.core.safetensors.DType;
import dev.polymath.core.safetensors.SafetensorsFile;
import dev.polymath.core.safetensors.SafetensorsWriter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A linear map {@code W} (rows × inputs, row-major) over frozen sentence embeddings: the trainable part of the learned
 * demonstration retriever, which scores a (query, candidate) pair by {@code (Wq)·(Wc)}. Starting from the identity
 * the score is the cosine of normalized embeddings, i.e. the {@code knn} selector. Saved as safetensors (tensor
 * {@code projection}, F32) with the embedder's name and dimension and the training settings as metadata.
 *
 * @param metadata embedder, feedback model and training settings (strings, as safetensors metadata)
 */
public record Projection(int rows, int inputs, float[] weights, Map<String, String> metadata) {
    public static final String TENSOR = "projection";

    public Projection {
        if (rows < 1 || inputs < 1) throw new IllegalArgumentException("projection must be at least 1×1, got " + rows + "×" + inputs);
        if (weights.length != rows * inputs) {
            throw new IllegalArgumentException("projection " + rows + "×" + inputs + " needs " + rows * inputs + " weights, got " + weights.length);
        }
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** The identity (the retriever then ranks exactly like knn). */
    public static Projection identity(int dim, Map<String, String> metadata) {
        float[] w = new float[dim * dim];
        for (int i = 0; i < dim; i++) w[i * dim + i] = 1;
        return new Projection(dim, dim, w, metadata);
    }

    public Projection withMetadata(Map<String, String> more) {
        var m = new LinkedHashMap<>(metadata);
        m.putAll(more);
        return new Projection(rows, inputs, weights, m);
    }

    /** Wx. */
    public float[] apply(float[] x) {
        if (x.length != inputs) throw new IllegalArgumentException("projection expects " + inputs + "-dimensional vectors, got " + x.length);
        float[] out = new float[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            int o = r * inputs;
            for (int i = 0; i < inputs; i++) s += (double) weights[o + i] * x[i];
            out[r] = (float) s;
        }
        return out;
    }

    /** Writes the projection atomically as a safetensors file. */
    public void save(Path file) {
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("could not create " + file.getParent(), e);
        }
        var meta = new LinkedHashMap<>(metadata);
        meta.put("format", "polymath-learned-retriever-1");
        SafetensorsWriter.write(file, List.of(SafetensorsWriter.Tensor.ofFloats(TENSOR, DType.F32, new long[]{rows, inputs}, weights)), meta);
    }

    public static Projection load(Path file) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("learned retriever file " + file + " does not exist");
        try (var f = SafetensorsFile.open(file)) {
            if (!f.contains(TENSOR)) {
                throw new IllegalArgumentException(file + ": no tensor '" + TENSOR + "' (not a learned retriever; tensors: " + f.tensors().keySet() + ")");
            }
            long[] shape = f.info(TENSOR).shape();
            if (shape.length != 2) throw new IllegalArgumentException(file + ": tensor '" + TENSOR + "' has shape " + java.util.Arrays.toString(shape) + ", expected 2-D");
            var meta = new LinkedHashMap<>(f.metadata());
            meta.remove("format");
            return new Projection((int) shape[0], (int) shape[1], f.readAllFloats(TENSOR), meta);
        }
    }
}
