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

    /**
     * The shared representation of a batch that only task {@code task} will read (one batch per task, or a pass
     * for one task): by default {@link #represent}; a sparse mixture of experts routes and computes only what
     * that task's gate sends to each expert.
     */
    default PtNDArray represent(Graph g, PtNDArray[] p, PtNDArray x, int task) {
        return represent(g, p, x);
    }

    /** Task {@code task}'s output (logits or values) from the batch and its shared representation. */
    PtNDArray taskOutput(Graph g, PtNDArray[] p, int task, PtNDArray x, PtNDArray rep);

    /**
     * The architecture's own training loss (a sparse MoE's load balancing, DSelect-k's entropy term), already
     * multiplied by its coefficient: the sum of the terms its forward passes in graph {@code g} produced since
     * the previous call (which it clears), or null when there are none. So a step that runs
     * {@code represent}/{@code taskOutput} once, or once per task with separate inputs, takes it once after the
     * forward pass. {@code MtlStep} back-propagates it and adds its gradient to the update on top of what the
     * weighting method decided: it is a regularizer of the architecture, not a task. Valid while {@code g} is open.
     */
    default PtNDArray auxiliaryLoss(Graph g) {
        return null;
    }

    @Override
    default void close() {
        parameters().close();
    }
}
