package dev.polymath.nn.mtl.arch;

import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.nn.tensor.Graph;

/**
 * Collects a net's auxiliary loss terms during forward passes (see {@link MtlNet#auxiliaryLoss}) until they
 * are taken. A term added under another graph than the collected ones starts a new collection, so stale
 * tensors of a closed graph are never returned; nothing is collected without autograd (evaluation).
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

    /** The sum of the terms collected in {@code g} since the last call, or null; starts a new collection. */
    PtNDArray take(Graph g) {
        PtNDArray out = g == graph ? total : null;
        total = null;
        return out;
    }
}
