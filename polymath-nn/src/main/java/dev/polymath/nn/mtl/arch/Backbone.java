package dev.polymath.nn.mtl.arch;

import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.nn.tensor.Graph;
import dev.polymath.nn.tensor.Parameters;

/**
 * A feature extractor: input batch → {@code [B, outputWidth()]}. Architectures instantiate it once (hard
 * sharing) or several times (experts), each instance with its own parameters under a name prefix.
 */
public interface Backbone {
    /** Short description, e.g. {@code mlp(784-256-256)}. */
    String describe();

    /** Per-example input shape, e.g. {@code [784]} or {@code [1, 36, 36]}. */
    long[] inputShape();

    int outputWidth();

    /** Declares one instance's parameters ({@code task} -1 = shared) and returns its forward pass. */
    Instance declare(Parameters.Builder params, String prefix, int task);

    /** One instance of the backbone. */
    interface Instance {
        PtNDArray forward(Graph g, PtNDArray[] p, PtNDArray x);
    }

    /** Number of input features per example. */
    default long inputSize() {
        long n = 1;
        for (long d : inputShape()) n *= d;
        return n;
    }
}
