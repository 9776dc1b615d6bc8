package dev.polymath.nn.mtl;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.nn.Engines;
import dev.polymath.nn.mtl.arch.MtlNet;
import dev.polymath.nn.mtl.weighting.WeightingRegistry;
import dev.polymath.nn.optim.Adam;
import dev.polymath.nn.tensor.Graph;
import dev.polymath.nn.tensor.Parameters;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The SAM and F-MTL two-pass steps on a network small enough to differentiate by hand: two examples
 * {@code x_1 = (1, 2)}, {@code x_2 = (2, -1)}, a shared weight {@code w} (2), a scalar head {@code a_t} per task,
 * output {@code a_t s_i} with {@code s_i = x_i . w}, mean squared error against {@code y_t}. So
 * {@code L_t = 1/2 sum_i (a_t s_i - y_ti)^2}, {@code dL_t/dw = sum_i (a_t s_i - y_ti) a_t x_i} and
 * {@code dL_t/da_t = sum_i (a_t s_i - y_ti) s_i}.
 * At w = (0.5, -0.5), a = (1, 2), y_1 = (1, 0), y_2 = (-3, 3): s = (-0.5, 1.5), L = (2.25, 2),
 * dL1/dw = (1.5, -4.5), dL2/dw = (4, 8) (conflicting: their dot product is -30), dL1/da1 = 3, dL2/da2 = -1.
 */
class SharpnessStepTest {
    static final double[][] X = {{1, 2}, {2, -1}}, Y = {{1, 0}, {-3, 3}};
    static final double[] W = {0.5, -0.5}, A = {1, 2};
    static final double RHO = 0.1;

    /** The two-task scalar network. */
    static final class Tiny implements MtlNet {
        final Parameters params;
        final Parameters.ParamRef w, a0, a1;

        Tiny(NDManager m) {
            var b = Parameters.builder(0);
            w = b.shared("w", (dst, rng) -> { dst[0] = (float) W[0]; dst[1] = (float) W[1]; }, 2, 1);
            a0 = b.task(0, "a0", (dst, rng) -> dst[0] = (float) A[0], 1, 1);
            a1 = b.task(1, "a1", (dst, rng) -> dst[0] = (float) A[1], 1, 1);
            params = b.build(m);
        }

        @Override public String describe() { return "tiny"; }
        @Override public Parameters parameters() { return params; }
        @Override public int tasks() { return 2; }
        @Override public PtNDArray represent(Graph g, PtNDArray[] p, PtNDArray x) { return g.matmul(x, w.of(p)); }
        @Override public PtNDArray taskOutput(Graph g, PtNDArray[] p, int t, PtNDArray x, PtNDArray rep) {
            return g.mul(rep, (t == 0 ? a0 : a1).of(p));
        }
    }

    static double s(int i, double[] w) { return X[i][0] * w[0] + X[i][1] * w[1]; }

    /** dL_t/dw at (w, a_t). */
    static double[] gw(int t, double[] w, double a) {
        double[] g = new double[2];
        for (int i = 0; i < 2; i++) {
            double r = (a * s(i, w) - Y[t][i]) * a;
            g[0] += r * X[i][0];
            g[1] += r * X[i][1];
        }
        return g;
    }

    /** dL_t/da_t at (w, a_t). */
    static double ga(int t, double[] w, double a) {
        double d = 0;
        for (int i = 0; i < 2; i++) d += (a * s(i, w) - Y[t][i]) * s(i, w);
        return d;
    }

    static double[] plus(double[] v, double[] d, double scale) {
        double[] o = v.clone();
        for (int i = 0; i < o.length; i++) o[i] += scale * d[i];
        return o;
    }

    static double norm(double... v) {
        double q = 0;
        for (double x : v) q += x * x;
        return Math.sqrt(q);
    }

    /** Runs one step and returns the gradient it applied: (dw0, dw1, da0, da1) in parameter order. */
    static float[] step(Sharpness sharpness, String weighting) {
        try (NDManager root = Engines.pytorch(1).newBaseManager(); Tiny net = new Tiny(root)) {
            var step = new MtlStep(net, WeightingRegistry.factory(weighting), sharpness, new Adam(4, 0.01),
                    List.of(TaskLoss.MSE, TaskLoss.MSE), List.of("one", "two"));
            step.reset(0);
            PtNDArray x = (PtNDArray) root.create(new float[] {1, 2, 2, -1}, new Shape(2, 2));
            PtNDArray[] y = {(PtNDArray) root.create(new float[] {1, 0}, new Shape(2, 1)),
                    (PtNDArray) root.create(new float[] {-3, 3}, new Shape(2, 1))};
            MtlStep.Result r = step.run(root, x, y, 0, 0);
            assertArrayEquals(new double[] {2.25, 2.0}, r.losses(), 1e-6, "losses reported at the unperturbed point");
            return step.lastGradient();
        }
    }

    @Test
    void handComputedGradientsAtTheStartingPoint() {
        assertArrayEquals(new double[] {1.5, -4.5}, gw(0, W, A[0]), 1e-12);
        assertArrayEquals(new double[] {4, 8}, gw(1, W, A[1]), 1e-12);
        assertEquals(3, ga(0, W, A[0]), 1e-12);
        assertEquals(-1, ga(1, W, A[1]), 1e-12);
        assertArrayEquals(new float[] {5.5f, 3.5f, 3f, -1f}, step(Sharpness.NONE, "ew"), 1e-5f);
        // PCGrad on the conflicting pair: g1 - (-30/80) g2 + g2 - (-30/22.5) g1 = (3, -1.5) + (6, 2) = (9, 0.5)
        assertArrayEquals(new double[] {9, 0.5}, pcgradOfTwo(gw(0, W, A[0]), gw(1, W, A[1])), 1e-6);
        float[] pc = step(Sharpness.NONE, "pcgrad");
        assertArrayEquals(new float[] {9f, 0.5f}, new float[] {pc[0], pc[1]}, 1e-4f);
    }

    @Test
    void fmtlWithEqualWeightingSumsEachTasksGradientAtItsOwnPerturbedPoint() {
        double[] expectW = new double[2];
        double[] expectA = new double[2];
        for (int t = 0; t < 2; t++) {
            double[] g = gw(t, W, A[t]);
            double h = ga(t, W, A[t]);
            double[] wt = plus(W, g, RHO / norm(g));
            double at = A[t] + RHO * h / Math.abs(h);
            double[] gs = gw(t, wt, at);
            // F-MTL: EW(g) + EW(gs - g) = sum_t gs_t; each head takes its own gradient at its perturbed point
            expectW[0] += gs[0];
            expectW[1] += gs[1];
            expectA[t] = ga(t, wt, at);
        }
        float[] got = step(Sharpness.fmtl(RHO), "ew");
        assertArrayEquals(new float[] {(float) expectW[0], (float) expectW[1], (float) expectA[0], (float) expectA[1]}, got, 1e-4f);
    }

    @Test
    void fmtlWithPcGradAggregatesLossAndFlatGradientsSeparately() {
        double[][] g = new double[2][], f = new double[2][];
        for (int t = 0; t < 2; t++) {
            g[t] = gw(t, W, A[t]);
            double h = ga(t, W, A[t]);
            double[] gs = gw(t, plus(W, g[t], RHO / norm(g[t])), A[t] + RHO * Math.signum(h));
            f[t] = new double[] {gs[0] - g[t][0], gs[1] - g[t][1]};
        }
        double[] expect = plus(pcgradOfTwo(g[0], g[1]), pcgradOfTwo(f[0], f[1]), 1);
        float[] got = step(Sharpness.fmtl(RHO), "pcgrad");
        assertArrayEquals(new float[] {(float) expect[0], (float) expect[1]}, new float[] {got[0], got[1]}, 1e-4f);
    }

    /** PCGrad of two gradients (order does not matter for two tasks): project each onto the other's normal if they conflict. */
    static double[] pcgradOfTwo(double[] a, double[] b) {
        double ab = a[0] * b[0] + a[1] * b[1];
        double[] pa = a.clone(), pb = b.clone();
        if (ab < 0) {
            pa = plus(a, b, -ab / (b[0] * b[0] + b[1] * b[1] + 1e-8));
            pb = plus(b, a, -ab / (a[0] * a[0] + a[1] * a[1] + 1e-8));
        }
        return plus(pa, pb, 1);
    }

    @Test
    void plainSamTakesTheGradientAtOnePerturbationAlongTheSummedGradient() {
        // d = gradient of L1 + L2 over (w, a0, a1) = (5.5, 3.5, 3, -1)
        double[] d = {5.5, 3.5, 3, -1};
        double scale = RHO / norm(d);
        double[] w = {W[0] + scale * d[0], W[1] + scale * d[1]};
        double a0 = A[0] + scale * d[2], a1 = A[1] + scale * d[3];
        double[] g0 = gw(0, w, a0), g1 = gw(1, w, a1);
        float[] expect = {(float) (g0[0] + g1[0]), (float) (g0[1] + g1[1]), (float) ga(0, w, a0), (float) ga(1, w, a1)};
        assertArrayEquals(expect, step(Sharpness.sam(RHO), "ew"), 1e-4f);
        // with a gradient method the perturbed per-task gradients are combined by it
        float[] pc = step(Sharpness.sam(RHO), "pcgrad");
        double[] expectPc = pcgradOfTwo(g0, g1);
        assertArrayEquals(new float[] {(float) expectPc[0], (float) expectPc[1]}, new float[] {pc[0], pc[1]}, 1e-4f);
    }

    @Test
    void badRadiusAndVariantFailFast() {
        assertThrows(IllegalArgumentException.class, () -> Sharpness.fmtl(0));
        assertThrows(IllegalArgumentException.class, () -> Sharpness.of("asam", 0.05));
        assertEquals(Sharpness.NONE, Sharpness.of("fmtl", null));
    }
}
