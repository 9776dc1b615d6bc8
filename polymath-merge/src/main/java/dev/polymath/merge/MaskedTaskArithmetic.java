package dev.polymath.merge;

import dev.polymath.core.data.DataFormatException;
import dev.polymath.core.safetensors.SafetensorsCheckpoint;

import java.io.Closeable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The apply step of learned merging (AdaMerging, Concrete subspace masks, backdoor-aware masks, Self
 * Positioning): task arithmetic with per-model coefficients that may differ per tensor (mergekit's filter or
 * gradient forms carry layer-wise coefficients) and an optional shared mask over the task vectors, read from a
 * safetensors file whose tensors have the names (and element counts) of the merged tensors:
 * <pre>
 *   m' = mask_rescale ? m / mean(m) : m            (per tensor, FusionBench's rescaling; m = 1 where absent)
 *   merged = base + lambda * m' * ((w_0 d_0 + w_1 d_1) + ...),   d_i = model_i - base
 * </pre>
 * All arithmetic is float32 in this order; the mean is accumulated in double. A tensor whose mask is all zero
 * keeps the base values.
 */
public final class MaskedTaskArithmetic implements MergeMethod {
    public String name() { return "masked_task_arithmetic"; }

    public String reference() { return "https://arxiv.org/abs/2310.02575 (AdaMerging), https://arxiv.org/abs/2312.06173 (Concrete subspace)"; }

    public boolean requiresBase() { return true; }

    public List<ParamDef> params() {
        return List.of(ParamDef.number("weight", null, true, -1e6, 1e6, "coefficient of the model's task vector (filter lists give per-tensor coefficients)"),
                ParamDef.number("lambda", 1.0, false, -1e6, 1e6, "scale of the merged task vector"),
                ParamDef.text("mask", "", "safetensors file of mask tensors named as the merged tensors, relative to the config (empty: no mask)"),
                ParamDef.bool("mask_rescale", true, "divide each tensor's mask by its mean (FusionBench's Concrete merging)"));
    }

    public Map<String, String> modes(Map<String, Object> g) {
        var m = new LinkedHashMap<String, String>();
        m.put("aggregation", "base + lambda * mask * ((w_0 d_0 + w_1 d_1) + ...)");
        m.put("mask", ((String) g.get("mask")).isEmpty() ? "none" : (Boolean) g.get("mask_rescale") ? "shared, divided by its per-tensor mean" : "shared, as stored");
        m.put("arithmetic", "float32, element-wise, fixed order (see MaskedTaskArithmetic)");
        return m;
    }

    /** The opened mask file, handed to every tensor job and closed by the engine. */
    record Masks(SafetensorsCheckpoint file) implements Closeable {
        public void close() { if (file != null) file.close(); }
    }

    public Object prepare(ModelScan scan) {
        String mask = scan.modelContext().str("mask");
        if (mask.isEmpty()) return new Masks(null);
        Path p = scan.configDir().resolve(mask).normalize();
        if (!Files.exists(p)) throw new DataFormatException(p, 0, "parameters.mask", "no mask file at " + p);
        return new Masks(SafetensorsCheckpoint.open(p));
    }

    public TensorJob job(TensorContext ctx) {
        int m = ctx.models;
        float[] w = new float[m];
        for (int i = 0; i < m; i++) w[i] = (float) ctx.num(i, "weight");
        float lambda = (float) ctx.num("lambda");
        SafetensorsCheckpoint file = ctx.modelLevel instanceof Masks k ? k.file() : null;
        boolean masked = file != null && file.contains(ctx.name);
        float scale = 1f;
        if (masked) {
            long n = file.info(ctx.name).numel();
            if (n != ctx.numel) {
                throw new IllegalArgumentException(file.source() + ": mask tensor '" + ctx.name + "' has " + n + " elements, the merged tensor " + ctx.numel);
            }
            if (ctx.bool("mask_rescale")) {
                double sum = 0;
                float[] buf = new float[(int) Math.min(n, 1 << 20)];
                for (long off = 0; off < n; off += buf.length) {
                    int len = (int) Math.min(buf.length, n - off);
                    file.readFloats(ctx.name, off, buf, 0, len);
                    for (int j = 0; j < len; j++) sum += buf[j];
                }
                double mean = sum / n;
                scale = mean == 0 ? 0f : (float) (1.0 / mean);
            }
        }
        final float maskScale = scale;
        return new TensorJob() {
            public Pass<?> nextPass() { return null; }

            public void apply(Chunk c, float[] out, StatsAcc st) {
                float[] mask = null;
                if (masked) {
                    mask = c.tmp(0);
                    file.readFloats(ctx.name, c.start, mask, 0, c.len);
                }
                float[] d = new float[m];
                st.hasTaskVectors = true;
                for (int j = 0; j < c.len; j++) {
                    float b = c.base[j];
                    for (int i = 0; i < m; i++) d[i] = c.x[i][j] - b;
                    float r = w[0] * d[0];
                    for (int i = 1; i < m; i++) r += w[i] * d[i];
                    if (mask != null) r *= mask[j] * maskScale;
                    out[j] = b + lambda * r;
                    st.addDeltas(d);
                }
                st.count += c.len;
            }

            public Map<String, Object> extraStats() {
                return masked ? Map.of("mask_scale", (double) maskScale) : Map.of("mask_scale", "no mask");
            }
        };
    }
}
