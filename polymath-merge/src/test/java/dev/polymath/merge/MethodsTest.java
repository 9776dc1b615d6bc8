package dev.polymath.merge;

import dev.polymath.core.data.DataFormatException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Each method against a direct (sorting, whole-tensor) reference implementation written in the test. */
class MethodsTest {
    @TempDir Path dir;
    static final int N = 1000;
    float[] base, a, b, c;
    final Map<String, long[]> shapes = Map.of("layers.0.w", new long[] {10, 100});

    @BeforeEach
    void models() {
        SplittableRandom r = new SplittableRandom(3);
        base = new float[N];
        a = new float[N];
        b = new float[N];
        c = new float[N];
        for (int i = 0; i < N; i++) {
            base[i] = (float) r.nextGaussian() * 0.02f;
            // magnitudes from a tiny set so that many entries tie at any threshold
            a[i] = base[i] + (r.nextInt(7) - 3) * 0.001f;
            b[i] = base[i] + (r.nextInt(7) - 3) * 0.001f;
            c[i] = base[i] + (float) r.nextGaussian() * 0.002f;
        }
        TestModels.write(dir.resolve("base.safetensors"), Map.of("layers.0.w", base), shapes);
        TestModels.write(dir.resolve("a.safetensors"), Map.of("layers.0.w", a), shapes);
        TestModels.write(dir.resolve("b.safetensors"), Map.of("layers.0.w", b), shapes);
        TestModels.write(dir.resolve("c.safetensors"), Map.of("layers.0.w", c), shapes);
    }

    float[] run(String yaml, MergeEngine.Options opt) {
        var r = TestModels.mergeYaml(dir, yaml, dir.resolve("out" + System.nanoTime()), opt);
        return TestModels.read(r.out().resolve("model.safetensors")).get("layers.0.w");
    }

    static MergeEngine.Options opts(int threads, int chunk) {
        return MergeEngine.Options.defaults().withThreads(threads).withChunk(chunk);
    }

    static float[] delta(float[] x, float[] base) {
        float[] d = new float[x.length];
        for (int i = 0; i < d.length; i++) d[i] = x[i] - base[i];
        return d;
    }

    /** Top-k by |d| descending, ties to the lower index (a stable sort). */
    static boolean[] topK(float[] d, long k) {
        Integer[] idx = new Integer[d.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        Arrays.sort(idx, Comparator.comparingDouble((Integer i) -> -Math.abs(d[i])));
        boolean[] keep = new boolean[d.length];
        for (int i = 0; i < k && i < d.length; i++) keep[idx[i]] = true;
        return keep;
    }

    static final String THREE = "models:\n  - model: a.safetensors\n  - model: b.safetensors\n  - model: c.safetensors\n";

    @Test
    void tiesWithManyTiesAtTheThresholdMatchesStableSortReference() {
        float[][] xs = {a, b, c};
        double density = 0.37;
        float lam = 0.7f;
        float[][] t = new float[3][];
        for (int m = 0; m < 3; m++) {
            float[] d = delta(xs[m], base);
            boolean[] keep = topK(d, (long) (density * N));
            t[m] = new float[N];
            for (int i = 0; i < N; i++) t[m][i] = keep[i] ? d[i] : 0f;
        }
        float[] expect = new float[N];
        for (int i = 0; i < N; i++) {
            float s = (t[0][i] + t[1][i]) + t[2][i];
            float e = s >= 0 ? 1 : -1;
            float num = 0, cnt = 0;
            for (int m = 0; m < 3; m++) {
                boolean ok = Math.signum(t[m][i]) == e;
                num = m == 0 ? (ok ? t[m][i] : 0f) : num + (ok ? t[m][i] : 0f);
                cnt += ok ? 1f : 0f;
            }
            if (cnt == 0) cnt = 1;
            expect[i] = base[i] + (num / cnt) * lam;
        }
        String yaml = "merge_method: ties\nbase_model: base.safetensors\n" + THREE + "parameters: {weight: 1, density: 0.37, lambda: 0.7}\n";
        for (int[] tc : new int[][] {{1, 1 << 20}, {2, 13}, {2, 100}}) {
            assertArrayEquals(expect, run(yaml, opts(tc[0], tc[1])), "threads " + tc[0] + " chunk " + tc[1]);
        }
    }

    @Test
    void breadcrumbsKeepsTheBandBelowTheOutliers() {
        float[] d = delta(a, base);
        long target = (long) (0.5 * N), top = (long) (0.1 * N);
        boolean[] big = topK(d, top + target), small = topK(d, top);
        float[] dc = delta(c, base);
        boolean[] bigc = topK(dc, top + target), smallc = topK(dc, top);
        float[] expect = new float[N];
        for (int i = 0; i < N; i++) {
            float ta = big[i] && !small[i] ? d[i] : 0f;
            float tc = bigc[i] && !smallc[i] ? dc[i] : 0f;
            expect[i] = base[i] + (ta * 1f + tc * 0.5f);
        }
        String yaml = "merge_method: breadcrumbs\nbase_model: base.safetensors\nmodels:\n  - model: a.safetensors\n    parameters: {weight: 1}\n"
                + "  - model: c.safetensors\n    parameters: {weight: 0.5}\nparameters: {density: 0.5, gamma: 0.1}\n";
        assertArrayEquals(expect, run(yaml, opts(2, 64)));
    }

    @Test
    void dareUsesTheInjectedMaskAndBothRescaleModes() {
        DropMask everyOther = (tensor, model, index, density) -> (index + model) % 2 == 0;
        String yaml = "merge_method: dare_linear\nbase_model: base.safetensors\nmodels:\n  - model: a.safetensors\n  - model: c.safetensors\n"
                + "parameters: {weight: 1, density: 0.5, rescale_mode: inverse_density}\n";
        float[] got = run(yaml, opts(2, 33).withDropMask(everyOther));
        float[] da = delta(a, base), dc = delta(c, base);
        for (int i = 0; i < N; i++) {
            float ta = (i % 2 == 0) ? da[i] / 0.5f : 0f;
            float tc = ((i + 1) % 2 == 0) ? dc[i] / 0.5f : 0f;
            assertEquals(base[i] + (ta + tc), got[i], "element " + i);
        }
        // L1 mode (mergekit's default): each kept task vector keeps its L1 norm
        String l1 = yaml.replace(", rescale_mode: inverse_density", "");
        float[] g2 = run(l1, opts(1, 1 << 20).withDropMask(everyOther));
        double before = 0, after = 0;
        for (int i = 0; i < N; i++) { before += Math.abs(da[i]); if (i % 2 == 0) after += Math.abs(da[i]); }
        float sa = (float) (before / after);
        assertEquals(base[1] + (0f + dc[1] * (float) sumAbs(dc) / (float) sumAbsOdd(dc)), g2[1], 1e-6f);
        assertEquals(base[0] + (da[0] * sa + 0f), g2[0], 1e-9f);
    }

    static double sumAbs(float[] d) { double s = 0; for (float v : d) s += Math.abs(v); return s; }

    static double sumAbsOdd(float[] d) { double s = 0; for (int i = 1; i < d.length; i += 2) s += Math.abs(d[i]); return s; }

    @Test
    void dareMaskIsDeterministicPerSeedAndIndependentOfChunking() {
        String yaml = "merge_method: dare_ties\nbase_model: base.safetensors\n" + THREE + "parameters: {weight: 1, density: 0.3}\n";
        float[] x = run(yaml, opts(1, 1 << 20).withSeed(5));
        float[] y = run(yaml, opts(2, 17).withSeed(5));
        float[] z = run(yaml, opts(2, 17).withSeed(6));
        assertArrayEquals(x, y);
        assertFalse(Arrays.equals(x, z));
        long kept = 0;
        for (int i = 0; i < 100000; i++) if (DropMask.seeded(1).keep("t", 0, i, 0.3)) kept++;
        assertEquals(0.3, kept / 100000.0, 0.01);
    }

    @Test
    void linearSlerpAndModelStock() {
        String lin = "merge_method: linear\nmodels:\n  - model: a.safetensors\n    parameters: {weight: 1}\n  - model: c.safetensors\n    parameters: {weight: 3}\n";
        float[] got = run(lin, opts(2, 50));
        for (int i = 0; i < N; i++) assertEquals((1f * a[i] + 3f * c[i]) / 4f, got[i]);

        String sl = "merge_method: slerp\nbase_model: base.safetensors\nmodels:\n  - model: base.safetensors\n  - model: c.safetensors\nparameters: {t: 0.3}\n";
        float[] s = run(sl, opts(2, 50));
        double n0 = 0, n1 = 0, dot = 0;
        for (int i = 0; i < N; i++) { n0 += base[i] * (double) base[i]; n1 += c[i] * (double) c[i]; dot += base[i] * (double) c[i]; }
        double cos = dot / Math.sqrt(n0) / Math.sqrt(n1);
        assertTrue(Math.abs(cos) < 0.9995);
        double th = Math.acos(cos);
        for (int i = 0; i < N; i++) {
            double e = Math.sin(0.7 * th) / Math.sin(th) * base[i] + Math.sin(0.3 * th) / Math.sin(th) * c[i];
            assertEquals(e, s[i], 1e-6);
        }

        String ms = "merge_method: model_stock\nbase_model: base.safetensors\nmodels:\n  - model: a.safetensors\n  - model: c.safetensors\n";
        float[] g = run(ms, opts(2, 50));
        float[] da = delta(a, base), dc = delta(c, base);
        double d2 = 0, na = 0, nc = 0;
        for (int i = 0; i < N; i++) { d2 += (double) da[i] * dc[i]; na += (double) da[i] * da[i]; nc += (double) dc[i] * dc[i]; }
        double cs = d2 / (Math.sqrt(na) * Math.sqrt(nc));
        double t = 2 * cs / (1 + cs);
        for (int i = 0; i < N; i++) assertEquals(t * ((a[i] + (double) c[i]) / 2) + (1 - t) * base[i], g[i], 1e-7);
    }

    @Test
    void globalTiesMatchesFusionBenchSemantics() {
        // two tensors; one threshold over both
        SplittableRandom r = new SplittableRandom(11);
        float[] b2 = new float[300], x2 = new float[300], y2 = new float[300];
        for (int i = 0; i < 300; i++) { b2[i] = (float) r.nextGaussian(); x2[i] = b2[i] + (float) r.nextGaussian() * 0.01f; y2[i] = b2[i] + (float) r.nextGaussian() * 0.03f; }
        TestModels.write(dir.resolve("gb.safetensors"), Map.of("layers.0.w", base, "z", b2), shapes);
        TestModels.write(dir.resolve("gx.safetensors"), Map.of("layers.0.w", a, "z", x2), shapes);
        TestModels.write(dir.resolve("gy.safetensors"), Map.of("layers.0.w", c, "z", y2), shapes);
        String yaml = "merge_method: ties_global\nbase_model: gb.safetensors\nmodels:\n  - model: gx.safetensors\n  - model: gy.safetensors\n";
        var res = TestModels.mergeYaml(dir, yaml, dir.resolve("g"), opts(2, 128));
        var out = TestModels.read(res.out().resolve("model.safetensors"));
        // reference: flatten in name order, kth value rule, sign of sum, disjoint sum, base + 0.3 * merged
        int n = N + 300;
        float[][] tv = new float[2][n];
        float[][] src = {a, c}, src2 = {x2, y2};
        for (int m = 0; m < 2; m++) {
            for (int i = 0; i < N; i++) tv[m][i] = src[m][i] - base[i];
            for (int i = 0; i < 300; i++) tv[m][N + i] = src2[m][i] - b2[i];
            float[] mags = new float[n];
            for (int i = 0; i < n; i++) mags[i] = Math.abs(tv[m][i]);
            float[] sorted = mags.clone();
            Arrays.sort(sorted);
            int kk = n - (int) (n * 0.2);
            float kth = sorted[kk - 1];
            for (int i = 0; i < n; i++) if (mags[i] < kth) tv[m][i] = 0f;
        }
        float[] merged = new float[n];
        for (int i = 0; i < n; i++) {
            float s = tv[0][i] + tv[1][i];
            float sign = Math.signum(s);
            float acc = 0;
            for (int m = 0; m < 2; m++) if ((sign > 0 && tv[m][i] > 0) || (sign < 0 && tv[m][i] < 0)) acc = m == 0 ? tv[m][i] : acc + tv[m][i];
            merged[i] = acc;
        }
        float[] gotW = out.get("layers.0.w"), gotZ = out.get("z");
        for (int i = 0; i < N; i++) assertEquals(base[i] + 0.3f * merged[i], gotW[i], 1e-9f, "w " + i);
        for (int i = 0; i < 300; i++) assertEquals(b2[i] + 0.3f * merged[N + i], gotZ[i], 1e-7f, "z " + i);
        assertNotNull(res.config().get("model_topk"));
    }

    @Test
    void parameterPrecedenceGradientAndFilters() {
        // two "layers" tensors and a non-layer tensor; weight: model filter > global gradient
        Map<String, long[]> sh = Map.of();
        float[] z = new float[4], o = {1, 1, 1, 1};
        var tensors = new LinkedHashMap<String, float[]>();
        tensors.put("model.layers.0.self_attn.w", z);
        tensors.put("model.layers.1.mlp.w", z);
        tensors.put("model.layers.2.mlp.w", z);
        tensors.put("lm_head.weight", z);
        TestModels.write(dir.resolve("pb.safetensors"), tensors, sh);
        var ones = new LinkedHashMap<String, float[]>();
        tensors.keySet().forEach(k -> ones.put(k, o));
        TestModels.write(dir.resolve("p1.safetensors"), ones, sh);
        String yaml = """
                merge_method: task_arithmetic
                base_model: pb.safetensors
                models:
                  - model: p1.safetensors
                    parameters:
                      weight:
                        - filter: self_attn
                          value: 5
                parameters:
                  weight: [0, 1]
                  lambda:
                    - filter: lm_head
                      value: 2
                    - value: 1
                """;
        var r = TestModels.mergeYaml(dir, yaml, dir.resolve("p"), opts(1, 4));
        var out = TestModels.read(r.out().resolve("model.safetensors"));
        assertEquals(5f, out.get("model.layers.0.self_attn.w")[0]);   // model filter wins
        assertEquals(0.5f, out.get("model.layers.1.mlp.w")[0]);       // gradient at t = 1/2
        assertEquals(1f, out.get("model.layers.2.mlp.w")[0]);         // gradient at t = 1
        assertEquals(0f, out.get("lm_head.weight")[0]);               // t = 0 -> weight 0, lambda 2
        var lm = r.stats().stream().filter(s -> s.get("name").equals("lm_head.weight")).findFirst().orElseThrow();
        assertEquals(2.0, ((Map<?, ?>) lm.get("parameters")).get("lambda"));
    }

    @Test
    void clearErrors() throws Exception {
        var e1 = assertThrows(IllegalArgumentException.class, () -> run("merge_method: ties\nbase_model: base.safetensors\n" + THREE, opts(1, 100)));
        assertTrue(e1.getMessage().contains("missing required parameter 'weight' for model a.safetensors"), e1.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> run("merge_method: nope\n" + THREE, opts(1, 100)));
        assertTrue(e2.getMessage().contains("unknown merge_method 'nope'"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> run("merge_method: ties\nbase_model: base.safetensors\n" + THREE + "parameters: {weight: 1, densty: 0.2}\n", opts(1, 100)));
        assertTrue(e3.getMessage().contains("parameters.densty: not a parameter of ties"), e3.getMessage());
        var e4 = assertThrows(DataFormatException.class, () -> run("merge_method: ties\nbase_model: nowhere/model\n" + THREE, opts(1, 100)));
        assertTrue(e4.getMessage().contains("base_model") && e4.getMessage().contains("Hugging Face"), e4.getMessage());
        var e5 = assertThrows(IllegalArgumentException.class, () -> run("merge_method: ties\nbase_model: base.safetensors\n" + THREE + "parameters: {weight: 1, density: 1.5}\n", opts(1, 100)));
        assertTrue(e5.getMessage().contains("outside [0.0, 1.0]"), e5.getMessage());
    }

    @Test
    void dryRunPlanAndStatistics() throws Exception {
        String yaml = "merge_method: ties\nbase_model: base.safetensors\n" + THREE + "parameters: {weight: 1, density: 0.2}\n";
        Path cfg = dir.resolve("plan.yaml");
        Files.writeString(cfg, yaml);
        try (var e = new MergeEngine(MergeConfig.load(cfg), opts(2, 256))) {
            String plan = e.plan();
            assertTrue(plan.contains("layers.0.w") && plan.contains("predicted peak working memory") && plan.contains("F32->F32"), plan);
            var r = e.run(dir.resolve("st"));
            var s = r.stats().get(0);
            double[] dens = (double[]) s.get("density_achieved");
            assertEquals(0.2, dens[0], 1e-12);
            assertTrue((double) s.get("sign_conflict_rate") >= 0);
            assertEquals(3, ((List<?>) s.get("task_vector_cosines")).size());
            assertTrue(Files.readString(r.out().resolve("merge_stats.json")).contains("task_vector_norms"));
        }
        assertEquals(new ArrayList<>(List.of("linear", "task_arithmetic", "ties", "dare_linear", "dare_ties", "breadcrumbs",
                "breadcrumbs_ties", "model_stock", "slerp", "ties_global", "masked_task_arithmetic")), MethodRegistry.names());
    }
}
