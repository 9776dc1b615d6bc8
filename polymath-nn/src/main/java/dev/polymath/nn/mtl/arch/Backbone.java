package dev.polymath.nn.mtl.arch;

import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.nn.tensor.Graph;
import dev.polymath.nn.tensor.Parameters;

import java.util.List;

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

    /**
     * The backbone as a sequence of stages (layers or blocks), for architectures that work between them
     * (cross-stitch mixes columns after each stage, PLE builds its levels from groups of stages). Composing
     * every stage's instance equals {@link #declare}; by default the whole backbone is one stage.
     */
    default List<Stage> stages() {
        Backbone self = this;
        return List.of(new Stage() {
            @Override public long outputSize() { return self.outputWidth(); }
            @Override public Instance declare(Parameters.Builder params, String prefix, int task) { return self.declare(params, prefix, task); }
        });
    }

    /** One stage of a backbone; each declaration is an instance with its own parameters. */
    interface Stage {
        /** Features per example after this stage (all dimensions but the batch). */
        long outputSize();

        Instance declare(Parameters.Builder params, String prefix, int task);
    }

    /** Number of input features per example. */
    default long inputSize() {
        long n = 1;
        for (long d : inputShape()) n *= d;
        return n;
    }
}
