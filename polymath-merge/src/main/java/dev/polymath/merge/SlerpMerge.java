package dev.polymath.merge;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Spherical interpolation between the base model (t = 0) and one other model (t = 1), per tensor, as
 * mergekit does: both flattened tensors are normalized (when their norm exceeds 1e-8), the angle comes from
 * their dot product; when |cos| > 0.9995 it falls back to linear interpolation. Norms and the dot product
 * are accumulated in double over chunks (first pass); the weights are applied in double per element.
 */
public final class SlerpMerge implements MergeMethod {
    static final double DOT_THRESHOLD = 0.9995;
    static final double EPS = 1e-8;

    public String name() { return "slerp"; }

    public String reference() { return "https://en.wikipedia.org/wiki/Slerp"; }

    public boolean requiresBase() { return true; }

    public int maxModels() { return 1; }

    public List<ParamDef> params() {
        return List.of(ParamDef.number("t", null, false, -1e6, 1e6, "interpolation factor: 0 = base model, 1 = the other model (required)"));
    }

    public Map<String, String> modes(Map<String, Object> g) {
        var m = new LinkedHashMap<String, String>();
        m.put("interpolation", "per-tensor slerp on the flattened tensors, lerp when |cos| > 0.9995 (mergekit)");
        m.put("arithmetic", "norms and dot product in double over the whole tensor; result rounded to float32");
        return m;
    }

    public TensorJob job(TensorContext ctx) {
        double t = ctx.num("t");
        return new TensorJob() {
            double s0 = Double.NaN, s1, cos;
            boolean lerp;
            boolean done;

            public int maxPasses() { return 1; }

            public Pass<?> nextPass() {
                if (done) return null;
                done = true;
                return new Pass<double[]>("slerp norms", false) {
                    public double[] newAcc() { return new double[3]; }

                    public void accumulate(Chunk c, double[] a) {
                        float[] x = c.x[0];
                        for (int j = 0; j < c.len; j++) {
                            double v0 = c.base[j], v1 = x[j];
                            a[0] += v0 * v0;
                            a[1] += v1 * v1;
                            a[2] += v0 * v1;
                        }
                    }

                    public void finish(List<double[]> accs) {
                        double n0 = 0, n1 = 0, dot = 0;
                        for (double[] a : accs) { n0 += a[0]; n1 += a[1]; dot += a[2]; }
                        n0 = Math.sqrt(n0);
                        n1 = Math.sqrt(n1);
                        cos = dot / ((n0 > EPS ? n0 : 1) * (n1 > EPS ? n1 : 1));
                        if (Math.abs(cos) > DOT_THRESHOLD) {
                            lerp = true;
                            s0 = 1 - t;
                            s1 = t;
                        } else {
                            double theta0 = Math.acos(cos), sin0 = Math.sin(theta0), thetaT = theta0 * t;
                            s0 = Math.sin(theta0 - thetaT) / sin0;
                            s1 = Math.sin(thetaT) / sin0;
                        }
                    }
                };
            }

            public void apply(Chunk c, float[] out, StatsAcc st) {
                float[] d = new float[1];
                st.hasTaskVectors = true;
                for (int j = 0; j < c.len; j++) {
                    out[j] = (float) (s0 * c.base[j] + s1 * c.x[0][j]);
                    d[0] = c.x[0][j] - c.base[j];
                    st.addDeltas(d);
                }
                st.count += c.len;
            }

            public Map<String, Object> extraStats() {
                var e = new LinkedHashMap<String, Object>();
                e.put("t", t);
                e.put("cos", cos);
                e.put("lerp_fallback", lerp);
                e.put("s0", s0);
                e.put("s1", s1);
                return e;
            }
        };
    }
}
