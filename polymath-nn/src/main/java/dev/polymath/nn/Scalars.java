package dev.polymath.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic of an array with a constant that is safe under autograd. DJL's {@code NDArray.mul(Number)} (and
 * {@code div}, {@code maximum}, {@code minimum}, {@code pow}) wraps the number in a 0-d tensor that aliases a Java
 * direct buffer and closes it at once; PyTorch's autograd keeps that tensor for the backward pass, so a garbage
 * collection between forward and backward frees the buffer and the backward multiplies by whatever the memory then
 * holds: silently wrong gradients, or NaN ({@code ScalarsTest} shows it). Here the constant is made by libtorch
 * ({@code torch::full}), reference-counted, so autograd keeps it alive. ({@code add}/{@code sub} of a number save
 * nothing for backward and stay as DJL has them.)
 */
public final class Scalars {
    private Scalars() {}

    /** {@code x * v}. */
    public static NDArray mul(NDArray x, float v) {
        try (NDArray c = constant(x, v)) {
            return x.mul(c);
        }
    }

    /** {@code x / v}. */
    public static NDArray div(NDArray x, float v) {
        try (NDArray c = constant(x, v)) {
            return x.div(c);
        }
    }

    /** Element-wise {@code max(x, v)}. */
    public static NDArray maximum(NDArray x, float v) {
        try (NDArray c = constant(x, v)) {
            return x.maximum(c);
        }
    }

    /** A 0-d array holding {@code v} in {@code like}'s data type, in memory libtorch owns. */
    static NDArray constant(NDArray like, float v) {
        return like.getManager().full(new Shape(), v, like.getDataType());
    }
}
