package dev.polymath.nn.mtl.arch;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.nn.tensor.Graph;
import dev.polymath.nn.tensor.Parameters;

import java.util.ArrayList;
import java.util.List;

/** Hard parameter sharing: one shared backbone, one Linear head per task on its output. */
public final class Hps implements Architecture {
    @Override
    public String name() {
        return "hps";
    }

    @Override
    public String description() {
        return "hard parameter sharing: shared backbone, a linear head per task";
    }

    @Override
    public MtlNet build(NetSpec spec, NDManager manager) {
        spec.requireKnownOptions(name(), java.util.Set.of());
        var b = Parameters.builder(spec.seed());
        Backbone.Instance trunk = spec.backbone().declare(b, "shared.", -1);
        int width = spec.backbone().outputWidth();
        List<Parameters.LinearRef> heads = new ArrayList<>();
        for (int t = 0; t < spec.tasks(); t++) heads.add(b.linear("task" + t + ".head", t, width, spec.taskOutputs().get(t)));
        Parameters params = b.build(manager);
        String desc = "hps(" + spec.backbone().describe() + ", heads " + spec.taskOutputs() + ")";
        return new MtlNet() {
            @Override public String describe() { return desc; }
            @Override public Parameters parameters() { return params; }
            @Override public int tasks() { return heads.size(); }

            @Override
            public PtNDArray represent(Graph g, PtNDArray[] p, PtNDArray x) {
                return trunk.forward(g, p, x);
            }

            @Override
            public PtNDArray taskOutput(Graph g, PtNDArray[] p, int task, PtNDArray x, PtNDArray rep) {
                return heads.get(task).linear(g, p, rep);
            }
        };
    }
}
