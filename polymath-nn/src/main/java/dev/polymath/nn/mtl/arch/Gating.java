package dev.polymath.nn.mtl.arch;

import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.nn.tensor.Graph;
import dev.polymath.nn.tensor.Parameters;

import java.util.List;

/** Small helpers shared by the gated architectures. */
final class Gating {
    private Gating() {}

    /** Every expert on the whole batch, stacked: {@code [E, B, ...]}. */
    static PtNDArray stackExperts(Graph g, PtNDArray[] p, List<Backbone.Instance> experts, PtNDArray x) {
        PtNDArray[] outs = new PtNDArray[experts.size()];
        for (int e = 0; e < outs.length; e++) outs[e] = experts.get(e).forward(g, p, x);
        return g.stack(outs, 0);
    }

    /** {@code x} as {@code [B, features]} (gates read flattened inputs). */
    static PtNDArray flat(Graph g, PtNDArray x) {
        return x.getShape().dimension() == 2 ? x : g.flatten(x);
    }

    /** {@code sum_i w[:, i] * outs[i]} for gate weights {@code w [B, n]} and {@code n} outputs of equal shape {@code [B, ...]}. */
    static PtNDArray mix(Graph g, PtNDArray w, List<PtNDArray> outs) {
        return mixStacked(g, w, g.stack(outs.toArray(PtNDArray[]::new), 0));
    }

    /** As {@link #mix} with the outputs already stacked as {@code [n, B, ...]}. */
    static PtNDArray mixStacked(Graph g, PtNDArray w, PtNDArray stacked) {
        PtNDArray wt = g.transpose(w, 0, 1); // [n, B]
        for (int d = 2; d < stacked.getShape().dimension(); d++) wt = g.unsqueeze(wt, d);
        return g.sum(g.mul(wt, stacked), 0);
    }

    /** Row-wise softmax of a gate layer over the flattened input. */
    static PtNDArray softmaxGate(Graph g, PtNDArray[] p, Parameters.LinearRef gate, PtNDArray x) {
        return g.softmax(gate.linear(g, p, flat(g, x)), 1);
    }
}
