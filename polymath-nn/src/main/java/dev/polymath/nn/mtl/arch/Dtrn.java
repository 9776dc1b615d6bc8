package dev.polymath.nn.mtl.arch;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.nn.tensor.Graph;
import dev.polymath.nn.tensor.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Task-specific bottom representations in the style of DTRN (Liu et al., CIKM 2023): a shared backbone
 * computes the bottom representation h; each task re-weights it with its own squeeze-and-excitation gate
 * (Hu et al., SENet), {@code s_t = sigmoid(W2 relu(W1 h + b1) + b2)} with a bottleneck of
 * {@code width / se-reduction} units, takes {@code h * s_t} as its own bottom representation and runs a
 * task tower (Linear-ReLU, {@code tower} units) and head on it. The representation is already a vector, so
 * the "squeeze" is the identity; the gate is per example and per feature, in (0, 1). DTRN's
 * hypernetwork-based interest module (for behaviour sequences) has no counterpart here. Everything after h
 * belongs to its task; the shared representation is h. Options: {@code se-reduction} (default 4),
 * {@code tower} (default: the backbone's width).
 */
public final class Dtrn implements Architecture {
    @Override
    public String name() {
        return "dtrn";
    }

    @Override
    public String description() {
        return "task-specific bottoms: shared backbone, per-task squeeze-excitation re-weighting, a tower and head per task";
    }

    @Override
    public java.util.Set<String> options() {
        return Set.of("se-reduction", "tower");
    }

    @Override
    public MtlNet build(NetSpec spec, NDManager manager) {
        spec.requireKnownOptions(name(), options());
        int width = spec.backbone().outputWidth();
        int reduction = spec.intOption("se-reduction", 4);
        int tower = spec.intOption("tower", width);
        if (reduction < 1) throw new IllegalArgumentException(name() + ": se-reduction must be >= 1, got " + reduction);
        if (tower < 1) throw new IllegalArgumentException(name() + ": tower must be >= 1, got " + tower);
        int squeeze = Math.max(1, width / reduction);
        var b = Parameters.builder(spec.seed());
        Backbone.Instance trunk = spec.backbone().declare(b, "shared.", -1);
        List<Parameters.LinearRef> se1 = new ArrayList<>(), se2 = new ArrayList<>(), towers = new ArrayList<>(), heads = new ArrayList<>();
        for (int t = 0; t < spec.tasks(); t++) {
            String pre = "task" + t + ".";
            se1.add(b.linear(pre + "se.squeeze", t, width, squeeze));
            se2.add(b.linear(pre + "se.excite", t, squeeze, width));
            towers.add(b.linear(pre + "tower", t, width, tower));
            heads.add(b.linear(pre + "head", t, tower, spec.taskOutputs().get(t)));
        }
        Parameters params = b.build(manager);
        String desc = "dtrn(" + spec.backbone().describe() + ", SE " + width + "-" + squeeze + "-" + width + ", tower " + tower
                + ", heads " + spec.taskOutputs() + ")";
        return new Net(desc, params, trunk, se1, se2, towers, heads);
    }

    /** A DTRN-style network; {@link #excitation} exposes the per-task feature weights. */
    public record Net(String describe, Parameters parameters, Backbone.Instance trunk, List<Parameters.LinearRef> se1,
                      List<Parameters.LinearRef> se2, List<Parameters.LinearRef> towers, List<Parameters.LinearRef> heads)
            implements MtlNet {
        @Override public int tasks() { return heads.size(); }

        @Override
        public PtNDArray represent(Graph g, PtNDArray[] p, PtNDArray x) {
            return trunk.forward(g, p, x);
        }

        /** Task {@code task}'s feature weights for representation {@code rep [B, D]}: {@code [B, D]} in (0, 1). */
        public PtNDArray excitation(Graph g, PtNDArray[] p, int task, PtNDArray rep) {
            return g.sigmoid(se2.get(task).linear(g, p, g.relu(se1.get(task).linear(g, p, rep))));
        }

        @Override
        public PtNDArray taskOutput(Graph g, PtNDArray[] p, int task, PtNDArray x, PtNDArray rep) {
            PtNDArray bottom = g.mul(rep, excitation(g, p, task, rep));
            return heads.get(task).linear(g, p, g.relu(towers.get(task).linear(g, p, bottom)));
        }
    }
}
