package dev.polymath.merge;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Weighted average of the listed models (model soups): sum w_i x_i, divided by sum w_i when normalize (default true). */
public final class LinearMerge implements MergeMethod {
    public String name() { return "linear"; }

    public String reference() { return "https://arxiv.org/abs/2203.05482"; }

    public boolean requiresBase() { return false; }

    /** Every listed model takes part, the base model included when it is listed (as in mergekit). */
    public boolean baseIsSeparate() { return false; }

    public List<ParamDef> params() {
        return List.of(ParamDef.number("weight", null, true, -1e6, 1e6, "weight of the model (required)"),
                ParamDef.bool("normalize", true, "divide by the sum of weights"));
    }

    public Map<String, String> modes(Map<String, Object> g) {
        var m = new LinkedHashMap<String, String>();
        m.put("aggregation", (Boolean) g.get("normalize") ? "((w_0 x_0 + w_1 x_1) + ...) / sum w" : "(w_0 x_0 + w_1 x_1) + ...");
        m.put("arithmetic", "float32, element-wise");
        return m;
    }

    public TensorJob job(TensorContext ctx) {
        int m = ctx.models;
        float[] w = new float[m];
        float ws = 0f;
        for (int i = 0; i < m; i++) { w[i] = (float) ctx.num(i, "weight"); ws += w[i]; }
        boolean norm = ctx.bool("normalize");
        float wsum = ws;
        if (norm && wsum == 0f) throw new IllegalArgumentException(ctx.name + ": linear merge with normalize needs weights that do not sum to 0");
        return new TensorJob() {
            public Pass<?> nextPass() { return null; }

            public void apply(Chunk c, float[] out, StatsAcc st) {
                float[] d = new float[m];
                st.hasTaskVectors = c.base != null;
                for (int j = 0; j < c.len; j++) {
                    float r = w[0] * c.x[0][j];
                    for (int i = 1; i < m; i++) r += w[i] * c.x[i][j];
                    out[j] = norm ? r / wsum : r;
                    if (c.base != null) {
                        for (int i = 0; i < m; i++) d[i] = c.x[i][j] - c.base[j];
                        st.addDeltas(d);
                    }
                }
                st.count += c.len;
            }
        };
    }
}
