package dev.polymath.merge;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Model Stock (Jang et al. 2024) as mergekit computes it: offsets o_i = w_i - w_0; cos = mean over pairs of
 * clamp(o_i . o_j / max(|o_i| |o_j|, 1e-6), -1, 1); t = N cos / (1 + (N - 1) cos);
 * merged = t * mean(w_i) + (1 - t) * w_0. Per tensor, or per row with {@code filter_wise}. Sums in double
 * (first pass), the final combination in double rounded to float32.
 */
public final class ModelStockMerge implements MergeMethod {
    public String name() { return "model_stock"; }

    public String reference() { return "https://arxiv.org/abs/2403.19522"; }

    public boolean requiresBase() { return true; }

    public int minModels() { return 2; }

    public List<ParamDef> params() {
        return List.of(ParamDef.bool("filter_wise", false, "one interpolation ratio per row (output filter) instead of per tensor"));
    }

    public Map<String, String> modes(Map<String, Object> g) {
        var m = new LinkedHashMap<String, String>();
        m.put("ratio", ((Boolean) g.get("filter_wise") ? "per row" : "per tensor") + ": mean pairwise cosine of offsets, t = N cos / (1 + (N-1) cos)");
        m.put("arithmetic", "dot products in double; merged = t * mean + (1 - t) * base in double, rounded to float32");
        return m;
    }

    public TensorJob job(TensorContext ctx) {
        int n = ctx.models;
        boolean fw = ctx.bool("filter_wise");
        long rows = fw && ctx.shape.length >= 1 && ctx.shape.length >= 2 ? ctx.shape[0] : 1;
        if (rows > Integer.MAX_VALUE / 64) rows = 1;
        long rowLen = rows == 0 ? 1 : Math.max(1, ctx.numel / rows);
        int r = (int) Math.max(rows, 1);
        int stride = n + n * n;    // per row: sq norms, then dots
        return new TensorJob() {
            double[] t;
            boolean done;

            public int maxPasses() { return 1; }

            public Pass<?> nextPass() {
                if (done) return null;
                done = true;
                return new Pass<double[]>("model stock cosines", false) {
                    public double[] newAcc() { return new double[r * stride]; }

                    public void accumulate(Chunk c, double[] a) {
                        double[] o = new double[n];
                        for (int j = 0; j < c.len; j++) {
                            int row = (int) ((c.start + j) / rowLen);
                            int base = row * stride;
                            for (int i = 0; i < n; i++) o[i] = (double) c.x[i][j] - c.base[j];
                            for (int i = 0; i < n; i++) {
                                a[base + i] += o[i] * o[i];
                                for (int k = i + 1; k < n; k++) a[base + n + i * n + k] += o[i] * o[k];
                            }
                        }
                    }

                    public void finish(List<double[]> accs) {
                        double[] s = new double[r * stride];
                        for (double[] a : accs) for (int i = 0; i < s.length; i++) s[i] += a[i];
                        t = new double[r];
                        for (int row = 0; row < r; row++) {
                            int base = row * stride;
                            double cs = 0;
                            int pairs = 0;
                            for (int i = 0; i < n; i++) {
                                for (int k = i + 1; k < n; k++) {
                                    double np = Math.sqrt(s[base + i]) * Math.sqrt(s[base + k]);
                                    double cos = s[base + n + i * n + k] / Math.max(np, 1e-6);
                                    cs += Math.max(-1, Math.min(1, cos));
                                    pairs++;
                                }
                            }
                            double cos = cs / pairs;
                            t[row] = n * cos / (1 + (n - 1) * cos);
                        }
                    }
                };
            }

            public void apply(Chunk c, float[] out, StatsAcc st) {
                float[] d = new float[n];
                st.hasTaskVectors = true;
                for (int j = 0; j < c.len; j++) {
                    double tr = t[(int) ((c.start + j) / rowLen)];
                    double avg = 0;
                    for (int i = 0; i < n; i++) { avg += c.x[i][j]; d[i] = c.x[i][j] - c.base[j]; }
                    avg /= n;
                    out[j] = (float) (tr * avg + (1 - tr) * c.base[j]);
                    st.addDeltas(d);
                }
                st.count += c.len;
            }

            public Map<String, Object> extraStats() {
                var e = new LinkedHashMap<String, Object>();
                if (t.length == 1) e.put("t", t[0]);
                else {
                    double mn = Double.MAX_VALUE, mx = -Double.MAX_VALUE, sum = 0;
                    for (double v : t) { mn = Math.min(mn, v); mx = Math.max(mx, v); sum += v; }
                    e.put("t_rows", t.length);
                    e.put("t_min", mn);
                    e.put("t_mean", sum / t.length);
                    e.put("t_max", mx);
                }
                return e;
            }
        };
    }

}
