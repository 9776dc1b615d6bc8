package dev.polymath.nn.meta;

import dev.polymath.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * The per-task loss. Outputs are {@code (T, N, out)}; targets are {@code (T, N, out)} floats for
 * {@link #MSE} and {@code (T, N)} int64 class indices for {@link #CROSS_ENTROPY}. Losses are means over
 * the task's examples, one value per task.
 */
public enum Objective {
    /** Mean squared error over examples and outputs. */
    MSE,
    /** Softmax cross-entropy, mean over examples. */
    CROSS_ENTROPY;

    /** Per-task mean loss, shape {@code (T)}; differentiable with DJL autograd. */
    public NDArray taskLosses(NDArray out, NDArray y) {
        if (this == MSE) {
            long per = out.getShape().get(1) * out.getShape().get(2);
            return out.sub(y).square().sum(new int[] {1, 2}).muli(1f / per);
        }
        int classes = (int) out.getShape().get(2);
        NDArray logp = out.logSoftmax(2);
        return logp.mul(y.oneHot(classes, DataType.FLOAT32)).sum(new int[] {2}).mean(new int[] {1}).neg();
    }

    /**
     * Gradient of {@code scale * sum_t taskLoss_t} with respect to {@code out} (hand-derived, no autograd). No
     * in-place operations, so autograd can differentiate it in turn (second-order MAML).
     */
    public NDArray dOut(NDArray out, NDArray y, float scale) {
        long n = out.getShape().get(1);
        if (this == MSE) {
            long o = out.getShape().get(2);
            return Scalars.mul(out.sub(y), 2f * scale / (n * o));
        }
        int classes = (int) out.getShape().get(2);
        return Scalars.mul(out.softmax(2).sub(y.oneHot(classes, DataType.FLOAT32)), scale / n);
    }

    /** Per-task accuracy {@code (T)} for classification; null for regression. */
    public NDArray taskAccuracy(NDArray out, NDArray y) {
        if (this == MSE) return null;
        return out.argMax(2).eq(y.toType(DataType.INT64, false)).toType(DataType.FLOAT32, false).mean(new int[] {1});
    }
}
