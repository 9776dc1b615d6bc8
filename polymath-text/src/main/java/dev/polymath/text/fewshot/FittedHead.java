package dev.polymath.text.fewshot;

import dev.polymath.text.FloatMatrix;

import java.util.Map;

/** A fitted classifier over embeddings: class probabilities per row, and its state for saving. */
public interface FittedHead {
    /** Probabilities, one row per query and one column per label of the {@link LabelIndex}; rows sum to 1. */
    double[][] probabilities(FloatMatrix queries);

    /** Named float tensors (row-major) with their shapes, saved as safetensors. */
    Map<String, Tensor> tensors();

    /** Scalar settings (e.g. temperature), saved in the config. */
    Map<String, Object> settings();

    record Tensor(long[] shape, float[] values) {}
}
