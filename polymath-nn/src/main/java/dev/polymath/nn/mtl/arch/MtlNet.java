package dev.polymath.nn.mtl.arch;

import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.nn.tensor.Graph;
import dev.polymath.nn.tensor.Parameters;

/**
 * A multi-task network split where gradient-manipulation methods need it: a shared part producing a
 * representation, and per-task parts mapping (input, representation) to that task's output.
 * Shared parameters are the prefix {@code [0, parameters().sharedSize())} of the flat parameter vector.
 */
public interface MtlNet extends AutoCloseable {
    /** Architecture name and shape, for records. */
    String describe();

    Parameters parameters();

    int tasks();

    /** The shared representation of a batch (for hard sharing, the trunk's output). */
    PtNDArray represent(Graph g, PtNDArray[] p, PtNDArray x);

    /** Task {@code task}'s output (logits or values) from the batch and its shared representation. */
    PtNDArray taskOutput(Graph g, PtNDArray[] p, int task, PtNDArray x, PtNDArray rep);

    @Override
    default void close() {
        parameters().close();
    }
}
