package dev.polymath.nn.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Each method against an answer derived by hand from its paper's formulas. */
class HandComputedTest {
    static final double TOL = 1e-6;

    static WeightingResult run(Weighting w, double[] losses, float[]... grads) {
        w.reset(losses.length, 1L);
        return w.step(new WeightingInput(0, 0, losses, grads));
    }

    static void assertVec(double[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], tol, "component " + i);
    }

    @Test
    void pcgradProjectsConflictingPair() {
        // g1=(1,0), g2=(-1,1): pc1 = g1 + 1/2 g2 = (.5,.5); pc2 = g2 + g1 = (0,1); sum (.5,1.5) = 2 g1 + 1.5 g2
        WeightingResult r = run(new PcGrad(), new double[] {1, 1}, new float[] {1, 0}, new float[] {-1, 1});
        assertArrayEquals(new double[] {2, 1.5}, r.weights(), TOL);
        assertVec(new double[] {0.5, 1.5}, r.sharedGradient(), TOL);
        // non-conflicting gradients are left alone
        WeightingResult s = run(new PcGrad(), new double[] {1, 1}, new float[] {1, 0}, new float[] {1, 1});
        assertArrayEquals(new double[] {1, 1}, s.weights(), TOL);
    }

    @Test
    void mgdaTwoTaskClosedForm() {
        // alpha = ((g2-g1).g2)/||g1-g2||^2 = ((-1,2).(0,2))/5 = 0.8
        WeightingResult r = run(new Mgda(), new double[] {1, 1}, new float[] {1, 0}, new float[] {0, 2});
        assertArrayEquals(new double[] {0.8, 0.2}, r.weights(), TOL);
        assertVec(new double[] {0.8, 0.4}, r.sharedGradient(), TOL);
        // outside [0,1] the reference clips to 0.999 / 0.001
        WeightingResult c = run(new Mgda(), new double[] {1, 1}, new float[] {1, 0}, new float[] {2, 0});
        assertArrayEquals(new double[] {0.999, 0.001}, c.weights(), TOL);
        // l2 normalisation: alpha on unit vectors (orthogonal: 1/2 each), effective weights alpha / ||g||
        WeightingResult n = run(new Mgda(new Mgda.Params(Mgda.Normalization.L2)), new double[] {1, 1},
                new float[] {1, 0}, new float[] {0, 2});
        assertArrayEquals(new double[] {0.5, 0.25}, n.weights(), TOL);
        assertVec(new double[] {0.5, 0.5}, n.sharedGradient(), TOL);
        // loss normalisation: g/L
        WeightingResult l = run(new Mgda(new Mgda.Params(Mgda.Normalization.LOSS)), new double[] {2, 1},
                new float[] {2, 0}, new float[] {0, 1});
        assertArrayEquals(new double[] {0.25, 0.5}, l.weights(), TOL);
    }

    @Test
    void mgdaRepresentationUsesBatchSums() {
        // two samples, width 2; batch sums: g1=(1,0), g2=(0,2) -> alpha (0.8, 0.2) applied to the raw rows
        float[] r1 = {0.5f, 0, 0.5f, 0};
        float[] r2 = {0, 3, 0, -1};
        Mgda m = new Mgda();
        m.reset(2, 0);
        WeightingResult r = m.step(WeightingInput.ofRepresentation(0, 0, new double[] {1, 1}, new float[][] {r1, r2}, 2));
        assertArrayEquals(new double[] {0.8, 0.2}, r.weights(), TOL);
        assertVec(new double[] {0.4, 0.6, 0.4, -0.2}, r.sharedGradient(), TOL);
    }

    @Test
    void cagradOrthogonalEqualNorms() {
        // G = I: w* = (1/2, 1/2) by symmetry, ||g0|| = sqrt(1/2), c = 0.5 sqrt(1/2), ||g_w|| = sqrt(1/2),
        // lambda = 0.5, coefficients (1/2 + 0.25) / (1 + 0.25) = 0.6
        WeightingResult r = run(new CaGrad(), new double[] {1, 1}, new float[] {1, 0}, new float[] {0, 1});
        assertArrayEquals(new double[] {0.6, 0.6}, r.weights(), 1e-6);
        assertVec(new double[] {0.6, 0.6}, r.sharedGradient(), 1e-6);
        // calpha = 0 is the mean gradient
        WeightingResult m = run(new CaGrad(new CaGrad.Params(0, 1)), new double[] {1, 1},
                new float[] {1, 0}, new float[] {-3, 1});
        assertArrayEquals(new double[] {0.5, 0.5}, m.weights(), 1e-6);
    }

    @Test
    void imtlEqualProjections() {
        // g1=(1,0), g2=(0,2): alpha_2 = g1.(u1-u2) / ((g1-g2).(u1-u2)) = 1/3, alpha_1 = 2/3; d = (2/3, 2/3)
        WeightingResult r = run(new Imtl(), new double[] {1, 1}, new float[] {1, 0}, new float[] {0, 2});
        assertArrayEquals(new double[] {2.0 / 3, 1.0 / 3}, r.weights(), TOL);
        assertVec(new double[] {2.0 / 3, 2.0 / 3}, r.sharedGradient(), TOL);
        // three tasks: d has the same projection on every unit gradient
        float[][] g = {{1, 0.2f, 0}, {0.3f, 2, -1}, {-0.5f, 0.1f, 3}};
        WeightingResult s = run(new Imtl(), new double[] {1, 1, 1}, g);
        double[] proj = new double[3];
        for (int t = 0; t < 3; t++) proj[t] = GradMath.dot(s.sharedGradient(), g[t]) / GradMath.norm(g[t]);
        assertEquals(proj[0], proj[1], 1e-5);
        assertEquals(proj[0], proj[2], 1e-5);
        assertEquals(1.0, s.weights()[0] + s.weights()[1] + s.weights()[2], 1e-9);
    }

    @Test
    void uwWeightsAndUpdate() {
        UncertaintyWeighting uw = new UncertaintyWeighting(
                new UncertaintyWeighting.Params(-0.5, Adam.Config.of(0.1, 0)));
        uw.reset(2, 0);
        WeightingResult r = uw.step(WeightingInput.ofLosses(0, 0, 2.0, 0.3));
        double w0 = Math.exp(0.5) / 2; // 1 / (2 exp(-0.5))
        assertArrayEquals(new double[] {w0, w0}, r.weights(), TOL);
        assertNull(r.sharedGradient());
        // d/ds = -L w + 1/2: negative for L=2 (s rises), positive for L=0.3 (s falls); first Adam step = lr sign(g)
        assertArrayEquals(new double[] {-0.4, -0.6}, uw.logVariances(), 1e-6);
        // at the optimum exp(s) = L the gradient vanishes: the learned weight tends to 1/(2L)
        UncertaintyWeighting fit = new UncertaintyWeighting(new UncertaintyWeighting.Params(-0.5, Adam.Config.of(0.05, 0)));
        fit.reset(1, 0);
        WeightingResult last = null;
        for (int i = 0; i < 3000; i++) last = fit.step(WeightingInput.ofLosses(i, 0, 4.0));
        assertEquals(1.0 / 8, last.weights()[0], 5e-3);
    }

    @Test
    void dwaFromLossHistory() {
        DynamicWeightAverage dwa = new DynamicWeightAverage();
        dwa.reset(2, 0);
        // epoch 0 mean (1, 1), epoch 1 mean (0.5, 1)
        assertArrayEquals(new double[] {1, 1}, dwa.step(WeightingInput.ofLosses(0, 0, 1.2, 0.5)).weights());
        dwa.step(WeightingInput.ofLosses(1, 0, 0.8, 1.5));
        dwa.step(WeightingInput.ofLosses(2, 1, 0.4, 1.0));
        assertArrayEquals(new double[] {1, 1}, dwa.step(WeightingInput.ofLosses(3, 1, 0.6, 1.0)).weights());
        double[] w = dwa.step(WeightingInput.ofLosses(4, 2, 9, 9)).weights();
        // r = (0.5, 1), T * softmax(r / 2)
        double a = Math.exp(0.25), b = Math.exp(0.5);
        assertArrayEquals(new double[] {2 * a / (a + b), 2 * b / (a + b)}, w, TOL);
    }

    @Test
    void gradnormWeightUpdateOnFixedNorms() {
        GradNorm gn = new GradNorm(new GradNorm.Params(1.5, Adam.Config.of(0.1, 0)));
        gn.reset(2, 0);
        float[][] g = {{3, 0}, {0, 1}};
        WeightingResult e0 = gn.step(new WeightingInput(0, 0, new double[] {1, 1}, g));
        assertArrayEquals(new double[] {1, 1}, e0.weights());
        assertNull(e0.sharedGradient());
        // epoch 1: G = (3, 1), Gbar = 2, r = (2/3, 4/3), target = 2 r^1.5 = (1.089, 3.079)
        // u = (+3, -1), dL/ds = (u_k w_k - p_k sum u w) = (3 - 1, -1 - 1) = (2, -2) -> s = (0.9, 1.1)
        WeightingResult e1 = gn.step(new WeightingInput(1, 1, new double[] {0.5, 1}, g));
        assertArrayEquals(new double[] {1, 1}, e1.weights(), TOL);
        assertVec(new double[] {3, 1}, e1.sharedGradient(), TOL);
        assertArrayEquals(new double[] {0.9, 1.1}, gn.logits(), 1e-6);
        WeightingResult e2 = gn.step(new WeightingInput(2, 1, new double[] {0.5, 1}, g));
        double w0 = 2 / (1 + Math.exp(0.2));
        assertArrayEquals(new double[] {w0, 2 - w0}, e2.weights(), 1e-6);
    }

    @Test
    void glsIsGeometricMeanGradient() {
        // d/dL_t (L1 L2)^(1/2): (sqrt(L2)/(2 sqrt(L1)), sqrt(L1)/(2 sqrt(L2))) = (1, 1/4) at (1, 4)
        WeightingResult r = run(new GeometricLossStrategy(), new double[] {1, 4});
        assertArrayEquals(new double[] {1, 0.25}, r.weights(), TOL);
        WeightingResult s = run(new GeometricLossStrategy(), new double[] {2, 4, 8});
        double gm = 4; // (2*4*8)^(1/3)
        assertArrayEquals(new double[] {gm / 6, gm / 12, gm / 24}, s.weights(), 1e-9);
    }

    @Test
    void alignedMtlOnDiagonalGram() {
        // G = diag(1, 4): lambda = (4, 1), V = I, B = sqrt(1) diag(1, 1/2) -> alpha = (1, 1/2); both components 1
        WeightingResult r = run(new AlignedMtl(), new double[] {1, 1}, new float[] {1, 0}, new float[] {0, 2});
        assertArrayEquals(new double[] {1, 0.5}, r.weights(), TOL);
        assertVec(new double[] {1, 1}, r.sharedGradient(), TOL);
        // aligned gradients G^T B have equal norms and are orthogonal for any full-rank input
        float[][] g = {{1, 2, 0, 1}, {0.5f, -1, 2, 0}, {1, 1, 1, -2}};
        double[] alpha = AlignedMtl.alpha(GradMath.gram(g), AlignedMtl.ScaleMode.MIN);
        assertEquals(3, alpha.length);
        // median / rmse scale modes rescale the min-mode result
        double[][] gram = GradMath.gram(g);
        SmallLinalg.Eigen eig = SmallLinalg.symmetricEigen(gram);
        double[] lam = eig.values().clone();
        java.util.Arrays.sort(lam);
        double[] med = AlignedMtl.alpha(gram, AlignedMtl.ScaleMode.MEDIAN);
        for (int t = 0; t < 3; t++) assertEquals(alpha[t] * Math.sqrt(lam[1] / lam[0]), med[t], 1e-9);
    }

    @Test
    void jacobiEigenReconstructs() {
        double[][] a = {{4, 1, -2, 0.5}, {1, 3, 0, 1}, {-2, 0, 5, 2}, {0.5, 1, 2, 1}};
        SmallLinalg.Eigen e = SmallLinalg.symmetricEigen(a);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                double s = 0;
                for (int k = 0; k < 4; k++) s += e.vector(i, k) * e.values()[k] * e.vector(j, k);
                assertEquals(a[i][j], s, 1e-10);
            }
        }
    }

    @Test
    void nashTwoTaskClosedForm() {
        // G alpha = 1/alpha with 2 tasks: a alpha1^2 = c alpha2^2 and alpha1^2 (a + b sqrt(a/c)) = 1, i.e.
        // alpha_t = 1 / (||g_t|| sqrt(1 + cos)) on the Frobenius-normalised Gram matrix
        float[][] g = {{1, 2, -1}, {0.5f, -1, 3}};
        NashMtl nash = new NashMtl();
        nash.reset(2, 0);
        WeightingResult r = nash.step(new WeightingInput(0, 0, new double[] {1, 1}, g));
        double[][] gram = GradMath.gram(g);
        double frob = 0;
        for (double[] row : gram) for (double v : row) frob += v * v;
        frob = Math.sqrt(frob);
        double n1 = Math.sqrt(gram[0][0] / frob), n2 = Math.sqrt(gram[1][1] / frob);
        double cos = gram[0][1] / Math.sqrt(gram[0][0] * gram[1][1]);
        assertArrayEquals(new double[] {1 / (n1 * Math.sqrt(1 + cos)), 1 / (n2 * Math.sqrt(1 + cos))}, r.weights(), 1e-9);
        assertNull(r.sharedGradient());
        assertEquals(1.0, nash.maxSharedGradNorm());
        // exactly opposite gradients have no solution: the previous alpha (ones) is kept
        WeightingResult opposite = run(new NashMtl(), new double[] {1, 1}, new float[] {1, 0}, new float[] {-1, 0});
        assertArrayEquals(new double[] {1, 1}, opposite.weights());
    }

    @Test
    void nashUpdatesOnlyEveryKSteps() {
        NashMtl nash = new NashMtl(new NashMtl.Params(2, 1.0));
        nash.reset(2, 0);
        double[] a = nash.step(new WeightingInput(0, 0, new double[] {1, 1}, new float[][] {{1, 0}, {0, 3}})).weights();
        double[] b = nash.step(new WeightingInput(1, 0, new double[] {1, 1}, new float[][] {{5, 0}, {1, 1}})).weights();
        assertArrayEquals(a, b);
        double[] c = nash.step(new WeightingInput(2, 0, new double[] {1, 1}, new float[][] {{5, 0}, {1, 1}})).weights();
        assertTrue(Math.abs(c[0] - a[0]) > 1e-3);
    }

    @Test
    void famoFirstStepAndUpdate() {
        Famo famo = new Famo();
        famo.reset(2, 0);
        assertTrue(famo.wantsLossesAfterUpdate());
        // logits 0: z = 1/2, w_t = (1/L_t) / sum_s (1/L_s) = (0.8, 0.2) for L = (1, 4)
        WeightingResult r = famo.step(WeightingInput.ofLosses(0, 0, 1, 4));
        assertArrayEquals(new double[] {0.8, 0.2}, r.weights(), 1e-7);
        // task 1 improved less (log-ratio 0.1 vs 0.5): its logit rises (Adam's first step is lr * sign)
        famo.afterUpdate(new double[] {Math.exp(-0.1), 4 * Math.exp(-0.5)});
        double[] xi = famo.logits();
        assertEquals(0.025, xi[0], 1e-6);
        assertEquals(-0.025, xi[1], 1e-6);
    }

    @Test
    void gradvacFirstStepMatchesOrthogonalProjection() {
        // phi starts at 0: rho = -1/sqrt2 < 0 -> pc1 = g1 + ||g1|| (0 - rho)/||g2|| g2 = g1 + 0.5 g2
        GradVac gv = new GradVac();
        WeightingResult r = run(gv, new double[] {1, 1}, new float[] {1, 0}, new float[] {-1, 1});
        assertArrayEquals(new double[] {2, 1.5}, r.weights(), 1e-6);
        assertVec(new double[] {0.5, 1.5}, r.sharedGradient(), 1e-6);
        double rho = -1 / Math.sqrt(2);
        assertEquals(0.5 * rho, gv.targets()[0][1][0], 1e-7);
    }

    @Test
    void gradvacGroupsAreIndependent() {
        // two groups of 2; on group 1 the tasks agree, on group 2 they conflict
        GradVac gv = new GradVac(new GradVac.Params(0.5, new int[] {2, 2}));
        WeightingResult r = run(gv, new double[] {1, 1}, new float[] {1, 0, 1, 0}, new float[] {1, 1, -1, 1});
        assertVec(new double[] {2, 1, 0.5, 1.5}, r.sharedGradient(), 1e-6);
    }

    @Test
    void rlwWeightsAreASoftmax() {
        RandomLossWeighting rlw = new RandomLossWeighting();
        rlw.reset(4, 42);
        double[] w = rlw.step(WeightingInput.ofLosses(0, 0, 1, 1, 1, 1)).weights();
        double s = 0;
        for (double v : w) {
            assertTrue(v > 0 && v < 1);
            s += v;
        }
        assertEquals(1.0, s, 1e-12);
    }

    @Test
    void ewIsOnes() {
        assertArrayEquals(new double[] {1, 1, 1}, run(new EqualWeighting(), new double[] {3, 2, 1}).weights());
    }

    @Test
    void samPerturbationAndFlatCombination() {
        assertVec(new double[] {0.03, 0.04}, FlatMtl.perturbation(new float[] {3, 4}, 0.05), 1e-7);
        // ASAM: rho theta^2 g / || |theta| g ||: theta = (1, 2), g = (3, 4): |theta| g = (3, 8)
        double n = Math.sqrt(9 + 64);
        assertVec(new double[] {0.05 * 3 / n, 0.05 * 16 / n},
                FlatMtl.adaptivePerturbation(new float[] {3, 4}, new float[] {1, 2}, 0.05), 1e-7);
        float[][] g = {{1, 0}, {-1, 1}};
        float[][] sam = {{1.5f, 0.5f}, {-1, 2}};
        // EW: sum of the SAM gradients
        FlatMtl ew = new FlatMtl(EqualWeighting::new);
        ew.reset(2, 0);
        assertVec(new double[] {0.5, 2.5}, ew.combine(0, 0, new double[] {1, 1}, g, sam).sharedGradient(), 1e-6);
        // PCGrad: PCGrad(g) + PCGrad(f) with f = (0.5, 0.5), (0, 1) (no conflict) -> (0.5, 1.5) + (0.5, 1.5)
        FlatMtl pc = new FlatMtl(PcGrad::new);
        pc.reset(2, 0);
        WeightingResult r = pc.combine(0, 0, new double[] {1, 1}, g, sam);
        assertVec(new double[] {1.0, 3.0}, r.sharedGradient(), 1e-6);
        assertArrayEquals(new double[] {2, 1.5}, r.weights(), 1e-6);
        // direct variant: PCGrad of the SAM gradients: (1.5,.5).(-1,2) = -0.5 < 0
        FlatMtl direct = new FlatMtl(PcGrad::new, new FlatMtl.Params(0.05, false, FlatMtl.Variant.DIRECT));
        direct.reset(2, 0);
        float[] d = direct.combine(0, 0, new double[] {1, 1}, g, sam).sharedGradient();
        // pc1 = (1.5,.5) + 0.1 (-1,2) = (1.4, 0.7); pc2 = (-1,2) + 0.2 (1.5,.5) = (-0.7, 2.1)
        assertVec(new double[] {0.7, 2.8}, d, 1e-6);
    }
}
