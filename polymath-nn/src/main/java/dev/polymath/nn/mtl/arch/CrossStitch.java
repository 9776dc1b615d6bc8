package dev.polymath.nn.mtl.arch;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.nn.tensor.Graph;
import dev.polymath.nn.tensor.Parameters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Cross-stitch networks (Misra et al., CVPR 2016): one column (a copy of the backbone) per task, and between
 * consecutive backbone stages a learned {@code T x T} matrix alpha that mixes the columns: column t's next
 * stage reads {@code sum_u alpha[t][u] * out_u}. Alpha starts near the identity — {@code stitch-self}
 * (default 0.9, the paper's initialization) on the diagonal and the rest of each row spread evenly over the
 * other tasks — so training starts close to independent networks; with {@code stitch-self=1} the net is
 * exactly T independent single-task networks until alpha moves. One scalar per task pair and stage boundary,
 * as in the paper (LibMTL starts all units at one). Columns and alpha reach every task, so they are shared;
 * the shared representation is the columns' final outputs {@code [T, B, D]}; task t's head reads row t.
 * Option: {@code stitch-self}.
 */
public final class CrossStitch implements Architecture {
    @Override
    public String name() {
        return "cross_stitch";
    }

    @Override
    public String description() {
        return "cross-stitch: a backbone column per task, columns mixed by learned units between stages";
    }

    @Override
    public MtlNet build(NetSpec spec, NDManager manager) {
        spec.requireKnownOptions(name(), Set.of("stitch-self"));
        double self = spec.doubleOption("stitch-self", 0.9);
        if (!(self >= 0 && self <= 1)) throw new IllegalArgumentException(name() + ": stitch-self must be in [0, 1], got " + self);
        int T = spec.tasks();
        List<Backbone.Stage> stages = spec.backbone().stages();
        var b = Parameters.builder(spec.seed());
        List<List<Backbone.Instance>> columns = new ArrayList<>(); // [stage][task]
        for (int s = 0; s < stages.size(); s++) {
            List<Backbone.Instance> row = new ArrayList<>();
            for (int t = 0; t < T; t++) row.add(stages.get(s).declare(b, "column" + t + ".", -1));
            columns.add(row);
        }
        float off = T == 1 ? 0f : (float) ((1 - self) / (T - 1));
        List<Parameters.ParamRef> units = new ArrayList<>();
        for (int s = 0; s + 1 < stages.size(); s++) {
            units.add(b.add("stitch" + s, -1, (dst, rng) -> {
                for (int i = 0; i < dst.length; i++) dst[i] = i / T == i % T ? (float) self : off;
            }, T, T));
        }
        int width = spec.backbone().outputWidth();
        List<Parameters.LinearRef> heads = new ArrayList<>();
        for (int t = 0; t < T; t++) heads.add(b.linear("task" + t + ".head", t, width, spec.taskOutputs().get(t)));
        Parameters params = b.build(manager);
        String desc = "cross_stitch(" + T + " columns x " + spec.backbone().describe() + ", " + units.size() + " stitch units, heads "
                + spec.taskOutputs() + ")";
        return new MtlNet() {
            @Override public String describe() { return desc; }
            @Override public Parameters parameters() { return params; }
            @Override public int tasks() { return T; }

            @Override
            public PtNDArray represent(Graph g, PtNDArray[] p, PtNDArray x) {
                PtNDArray[] h = new PtNDArray[T];
                Arrays.fill(h, x);
                for (int s = 0; s < columns.size(); s++) {
                    PtNDArray[] out = new PtNDArray[T];
                    for (int t = 0; t < T; t++) out[t] = columns.get(s).get(t).forward(g, p, h[t]);
                    PtNDArray stacked = g.stack(out, 0); // [T, B, ...]
                    if (s == columns.size() - 1) return stacked;
                    long[] shape = stacked.getShape().getShape();
                    PtNDArray mixed = g.reshape(g.matmul(units.get(s).of(p), g.reshape(stacked, T, -1)), shape);
                    for (int t = 0; t < T; t++) h[t] = g.reshape(g.rows(mixed, t, t + 1), Arrays.copyOfRange(shape, 1, shape.length));
                }
                throw new IllegalStateException("a backbone has at least one stage");
            }

            @Override
            public PtNDArray taskOutput(Graph g, PtNDArray[] p, int task, PtNDArray x, PtNDArray rep) {
                long[] shape = rep.getShape().getShape();
                return heads.get(task).linear(g, p, g.reshape(g.rows(rep, task, task + 1), shape[1], shape[2]));
            }
        };
    }
}
