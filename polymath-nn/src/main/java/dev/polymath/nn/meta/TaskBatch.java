package dev.polymath.nn.meta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * A meta-batch of {@code T} tasks: support {@code xs (T, Ns, ...)}, {@code ys}, query {@code xq (T, Nq, ...)},
 * {@code yq}. Regression targets are {@code (T, N, out)} floats, class targets {@code (T, N)} int64 labels
 * {@code 0..ways-1}.
 */
public record TaskBatch(NDArray xs, NDArray ys, NDArray xq, NDArray yq) {
    public int tasks() {
        return (int) xs.getShape().get(0);
    }

    public NDList asList() {
        return new NDList(xs, ys, xq, yq);
    }
}
