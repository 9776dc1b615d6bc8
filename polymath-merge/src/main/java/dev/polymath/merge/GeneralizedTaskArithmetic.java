package dev.polymath.merge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The task-vector family (mergekit's generalized task arithmetic): d_i = model_i - base; optional
 * sparsification of each d_i (top-k magnitude, DARE random drop, breadcrumbs band) with optional rescaling;
 * weighting; optional sign election with disjoint aggregation; normalization; scaling by lambda;
 * merged = base + mixed. All element arithmetic is float32, in this order (bit-identical to the peer for
 * task arithmetic and TIES with weights 1):
 * <pre>
 *   t_i = keep_i ? d_i (x rescale) : 0;  w_i t_i
 *   no consensus: mixed = ((w_0 t_0 + w_1 t_1) + ...)          [normalize: / sum w_i, 1 when |sum| < 1e-8]
 *   consensus:    S = ((w_0 t_0 + w_1 t_1) + ...), elected = S >= 0 ? +1 : -1 (sum; count uses signs)
 *                 m_i = sign(w_i t_i) == elected (zeros never agree)
 *                 num = ((m_0 ? w_0 t_0 : 0) + ...); den = ((m_0 ? w_0 : 0) + ...)
 *                 mixed = normalize ? num / (den == 0 ? 1 : den) : num
 *   mixed = lambda != 1 ? mixed * lambda : mixed;  merged = base + mixed
 * </pre>
 */
public abstract class GeneralizedTaskArithmetic implements MergeMethod {
    public enum Sparsify { NONE, MAGNITUDE, RANDOM, MAGNITUDE_OUTLIERS }

    protected abstract Sparsify sparsify();

    /** Whether sign election is on by default (mergekit's consensus_method: null or sum). */
    protected abstract boolean consensusByDefault();

    protected abstract boolean defaultNormalize();

    protected abstract boolean defaultRescale();

    @Override
    public boolean requiresBase() { return true; }

    @Override
    public List<ParamDef> params() {
        var p = new ArrayList<ParamDef>();
        p.add(ParamDef.number("weight", null, true, -1e6, 1e6, "scale of the model's task vector (required, as in mergekit)"));
        p.add(ParamDef.number("density", 1.0, true, 0, 1, "fraction of task-vector entries kept"));
        if (sparsify() == Sparsify.MAGNITUDE_OUTLIERS) p.add(ParamDef.number("gamma", 0.01, true, 0, 1, "fraction of largest-magnitude entries removed"));
        p.add(ParamDef.bool("normalize", defaultNormalize(), "divide by the sum of (agreeing) weights"));
        p.add(ParamDef.bool("rescale", defaultRescale(), "rescale sparsified task vectors (see rescale_mode)"));
        p.add(ParamDef.choice("rescale_mode", "l1", List.of("l1", "inverse_density"),
                "l1: keep the L1 norm of each task vector (mergekit); inverse_density: multiply kept entries by 1/density (DARE paper, FusionBench)"));
        p.add(ParamDef.number("lambda", 1.0, false, -1e6, 1e6, "scale of the merged task vector"));
        p.add(ParamDef.bool("int8_mask", false, "accepted for mergekit compatibility; masks are never materialized here"));
        p.add(ParamDef.choice("consensus_method", consensusByDefault() ? "sum" : "none", List.of("none", "sum", "count"),
                "sign election: sum of weighted deltas (TIES paper, mergekit), count of signs, or none"));
        if (sparsify() == Sparsify.MAGNITUDE) {
            p.add(ParamDef.choice("topk_scope", "tensor", List.of("tensor", "model"),
                    "tensor: top-k within each tensor (mergekit); model: one threshold over the whole model (TIES paper, FusionBench)"));
        }
        return p;
    }

    @Override
    public Map<String, String> modes(Map<String, Object> g) {
        var m = new LinkedHashMap<String, String>();
        m.put("sparsification", switch (sparsify()) {
            case NONE -> "none";
            case MAGNITUDE -> "model".equals(g.get("topk_scope"))
                    ? "top-k |delta| over the whole model, all ties at the threshold kept"
                    : "top-k |delta| per tensor, k = floor(density * numel), ties to the lower flat index";
            case RANDOM -> "random drop (DARE), keep with probability density, counter-based mask from seed, tensor, model, index";
            case MAGNITUDE_OUTLIERS -> "breadcrumbs: drop the top floor(gamma * numel) then keep the next floor(density * numel) by |delta|, ties to the lower index";
        });
        boolean rescale = sparsify() != Sparsify.NONE && (Boolean) g.get("rescale");
        m.put("rescale", !rescale ? "none" : "l1".equals(g.get("rescale_mode"))
                ? "l1 norm preserved per tensor and model (mergekit)" : "kept entries / density (DARE paper)");
        String c = (String) g.get("consensus_method");
        m.put("consensus", switch (c) {
            case "sum" -> "sign of the sum of weighted deltas, >= 0 is + (mergekit)";
            case "count" -> "sign of the count of positive minus negative deltas, >= 0 is +";
            default -> "none";
        });
        m.put("aggregation", c.equals("none") ? ((Boolean) g.get("normalize") ? "weighted sum / sum of weights" : "weighted sum")
                : ((Boolean) g.get("normalize") ? "disjoint mean: agreeing weighted deltas / sum of agreeing weights" : "disjoint sum of agreeing weighted deltas"));
        m.put("arithmetic", "float32, element-wise, fixed order (see GeneralizedTaskArithmetic)");
        return m;
    }

    @Override
    public Object prepare(ModelScan scan) {
        if (sparsify() != Sparsify.MAGNITUDE || !"model".equals(scan.modelContext().str("topk_scope"))) return null;
        return GlobalTopK.compute(scan, false);
    }

    @Override
    public TensorJob job(TensorContext ctx) {
        var spec = new GtaJob.Spec(sparsify(), ctx.str("consensus_method"), GtaJob.ZeroSign.POSITIVE, GtaJob.Aggregate.MERGEKIT,
                ctx.bool("normalize"), ctx.bool("rescale") && sparsify() != Sparsify.NONE, ctx.str("rescale_mode"));
        return new GtaJob(ctx, spec);
    }

    // ---------------------------------------------------------------------------------------------------

    public static final class TaskArithmetic extends GeneralizedTaskArithmetic {
        public String name() { return "task_arithmetic"; }
        public String reference() { return "https://arxiv.org/abs/2212.04089"; }
        protected Sparsify sparsify() { return Sparsify.NONE; }
        protected boolean consensusByDefault() { return false; }
        protected boolean defaultNormalize() { return false; }
        protected boolean defaultRescale() { return false; }
    }

    public static final class Ties extends GeneralizedTaskArithmetic {
        public String name() { return "ties"; }
        public String reference() { return "https://arxiv.org/abs/2306.01708"; }
        protected Sparsify sparsify() { return Sparsify.MAGNITUDE; }
        protected boolean consensusByDefault() { return true; }
        protected boolean defaultNormalize() { return true; }
        protected boolean defaultRescale() { return false; }
    }

    public static final class DareTies extends GeneralizedTaskArithmetic {
        public String name() { return "dare_ties"; }
        public String reference() { return "https://arxiv.org/abs/2311.03099"; }
        protected Sparsify sparsify() { return Sparsify.RANDOM; }
        protected boolean consensusByDefault() { return true; }
        protected boolean defaultNormalize() { return false; }
        protected boolean defaultRescale() { return true; }
    }

    public static final class DareLinear extends GeneralizedTaskArithmetic {
        public String name() { return "dare_linear"; }
        public String reference() { return "https://arxiv.org/abs/2311.03099"; }
        protected Sparsify sparsify() { return Sparsify.RANDOM; }
        protected boolean consensusByDefault() { return false; }
        protected boolean defaultNormalize() { return false; }
        protected boolean defaultRescale() { return true; }
    }

    public static final class Breadcrumbs extends GeneralizedTaskArithmetic {
        public String name() { return "breadcrumbs"; }
        public String reference() { return "https://arxiv.org/abs/2312.06795"; }
        protected Sparsify sparsify() { return Sparsify.MAGNITUDE_OUTLIERS; }
        protected boolean consensusByDefault() { return false; }
        protected boolean defaultNormalize() { return false; }
        protected boolean defaultRescale() { return false; }
    }

    public static final class BreadcrumbsTies extends GeneralizedTaskArithmetic {
        public String name() { return "breadcrumbs_ties"; }
        public String reference() { return "https://arxiv.org/abs/2312.06795"; }
        protected Sparsify sparsify() { return Sparsify.MAGNITUDE_OUTLIERS; }
        protected boolean consensusByDefault() { return true; }
        protected boolean defaultNormalize() { return false; }
        protected boolean defaultRescale() { return false; }
    }
}
