package dev.polymath.nn.mtl.arch;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.nn.tensor.Graph;
import dev.polymath.nn.tensor.Parameters;

import java.util.ArrayList;
import java.util.List;

/**
 * Multi-gate Mixture-of-Experts (Ma et al., KDD 2018): {@code experts} copies of the backbone (shared), and per
 * task a softmax gate over the experts computed from the flattened input; task t's head reads
 * {@code sum_e gate_t(x)_e * expert_e(x)}. The shared representation is the stack of expert outputs
 * {@code [E, B, D]} (what representation-gradient methods manipulate). Option {@code experts} (default 4).
 */
public final class Mmoe implements Architecture {
    @Override
    public String name() {
        return "mmoe";
    }

    @Override
    public String description() {
        return "multi-gate mixture of experts: shared experts, a softmax gate and a linear head per task";
    }

    @Override
    public java.util.Set<String> options() {
        return java.util.Set.of("experts");
    }

    @Override
    public MtlNet build(NetSpec spec, NDManager manager) {
        spec.requireKnownOptions(name(), options());
        int experts = spec.intOption("experts", 4);
        if (experts < 1) throw new IllegalArgumentException("experts must be >= 1, got " + experts);
        var b = Parameters.builder(spec.seed());
        List<Backbone.Instance> ex = new ArrayList<>();
        for (int e = 0; e < experts; e++) ex.add(spec.backbone().declare(b, "shared.expert" + e + ".", -1));
        int in = Math.toIntExact(spec.backbone().inputSize());
        int width = spec.backbone().outputWidth();
        List<Parameters.LinearRef> gates = new ArrayList<>();
        List<Parameters.LinearRef> heads = new ArrayList<>();
        for (int t = 0; t < spec.tasks(); t++) {
            gates.add(b.linear("task" + t + ".gate", t, in, experts));
            heads.add(b.linear("task" + t + ".head", t, width, spec.taskOutputs().get(t)));
        }
        Parameters params = b.build(manager);
        String desc = "mmoe(" + experts + " x " + spec.backbone().describe() + ", heads " + spec.taskOutputs() + ")";
        return new Net(desc, params, ex, gates, heads);
    }

    /** An MMoE network; {@link #gateWeights} exposes the gates. */
    public record Net(String describe, Parameters parameters, List<Backbone.Instance> experts, List<Parameters.LinearRef> gates,
                      List<Parameters.LinearRef> heads) implements MtlNet {
        @Override public int tasks() { return heads.size(); }

        @Override
        public PtNDArray represent(Graph g, PtNDArray[] p, PtNDArray x) {
            return Gating.stackExperts(g, p, experts, x);
        }

        /** Task {@code task}'s gate: softmax over experts, {@code [B, E]}. */
        public PtNDArray gateWeights(Graph g, PtNDArray[] p, int task, PtNDArray x) {
            return Gating.softmaxGate(g, p, gates.get(task), x);
        }

        @Override
        public PtNDArray taskOutput(Graph g, PtNDArray[] p, int task, PtNDArray x, PtNDArray rep) {
            return heads.get(task).linear(g, p, Gating.mixStacked(g, gateWeights(g, p, task, x), rep));
        }
    }
}
