package dev.polymath.nn.mtl.arch;

import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.nn.tensor.Graph;

/**
 * Collects a net's auxiliary loss terms during one forward pass (see {@link MtlNet#auxiliaryLoss}). A term
 * added under another graph than the collected ones starts a new collection, so stale tensors of a closed
 * graph are never returned; nothing is collected without autograd (evaluation).
 */
final class AuxiliaryLoss {
    private Graph graph;
    private PtNDArray total;

    void add(Graph g, PtNDArray term) {
        if (!Graph.gradMode()) return;
        if (g != graph) {
            graph = g;
            total = null;
        }
        total = total == null ? term : g.add(total, term);
    }

    /** Forgets the terms of earlier passes in {@code g} (call at the start of a forward pass). */
    void restart(Graph g) {
        graph = g;
        total = null;
    }

    PtNDArray total(Graph g) {
        return g == graph ? total : null;
    }
}
