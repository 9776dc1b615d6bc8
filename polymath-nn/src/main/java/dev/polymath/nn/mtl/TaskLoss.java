package dev.polymath.nn.mtl;

import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.nn.tensor.Graph;

/** A task's training loss. */
public enum TaskLoss {
    /** Mean cross-entropy of logits {@code [B, C]} against int64 class indices {@code [B, 1]}. */
    CROSS_ENTROPY,
    /** Mean squared error against float targets of the output's shape. */
    MSE;

    public PtNDArray apply(Graph g, PtNDArray output, PtNDArray target) {
        return switch (this) {
            case CROSS_ENTROPY -> g.crossEntropy(output, target);
            case MSE -> g.mse(output, target);
        };
    }
}
