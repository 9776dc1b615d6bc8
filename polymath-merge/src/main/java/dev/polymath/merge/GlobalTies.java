package dev.polymath.merge;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TIES as FusionBench implements it: one top-k threshold per task vector over the whole model (all tensors
 * flattened), keep {@code |d| >= kthvalue}, elect the sign of the sum (a zero sum takes the sign of the
 * sum of all elected signs), aggregate the agreeing entries (sum by default, or mean, max), then
 * {@code base + lambda * merged}. Defaults follow FusionBench: threshold 20% (density 0.2), scaling 0.3.
 */
public final class GlobalTies implements MergeMethod {
    public String name() { return "ties_global"; }

    public String reference() { return "https://arxiv.org/abs/2306.01708 (FusionBench TiesMergingAlgorithm)"; }

    public boolean requiresBase() { return true; }

    public List<ParamDef> params() {
        return List.of(
                ParamDef.number("weight", 1.0, true, -1e6, 1e6, "scale of the task vector (FusionBench uses 1)"),
                ParamDef.number("density", 0.2, true, 0, 1, "fraction kept (FusionBench threshold / 100)"),
                ParamDef.number("lambda", 0.3, false, -1e6, 1e6, "scaling factor of the merged task vector"),
                ParamDef.choice("merge_func", "sum", List.of("sum", "mean", "max"), "disjoint aggregation"));
    }

    public Map<String, String> modes(Map<String, Object> g) {
        var m = new LinkedHashMap<String, String>();
        m.put("sparsification", "top-k |delta| over the whole model per task vector: keep |d| >= kth smallest at n - floor(n density) (FusionBench), all ties kept");
        m.put("consensus", "sign of the sum; zero resolved to the sign of the sum of all elected signs (FusionBench 'majority')");
        m.put("aggregation", "disjoint " + g.get("merge_func") + " over agreeing entries");
        m.put("arithmetic", "float32, element-wise; merged = base + lambda * aggregate");
        return m;
    }

    public Object prepare(ModelScan scan) {
        var g = GlobalTopK.compute(scan, true);
        g.computeMajoritySign(scan);
        return g;
    }

    public TensorJob job(TensorContext ctx) {
        var agg = switch (ctx.str("merge_func")) {
            case "mean" -> GtaJob.Aggregate.MEAN;
            case "max" -> GtaJob.Aggregate.MAX;
            default -> GtaJob.Aggregate.SUM;
        };
        return new GtaJob(ctx, new GtaJob.Spec(GeneralizedTaskArithmetic.Sparsify.MAGNITUDE, "sum", GtaJob.ZeroSign.MAJORITY, agg,
                false, false, "l1"));
    }
}
