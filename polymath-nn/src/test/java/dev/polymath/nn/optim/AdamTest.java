package dev.polymath.nn.optim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AdamTest {
    @Test
    void firstStepMovesEachParameterByLearningRateAgainstTheGradientSign() {
        // t=1: m = 0.1 g, v = 0.001 g^2, m_hat = g, v_hat = g^2 -> p -= lr * g / (|g| + eps)
        float[] p = {1.0f, -2.0f};
        float[] g = {0.5f, -4.0f};
        var adam = new Adam(2, 0.1);
        adam.step(p, g);
        assertEquals(1.0 - 0.1 * 0.5 / (0.5 + 1e-8), p[0], 1e-6);
        assertEquals(-2.0 + 0.1 * 4.0 / (4.0 + 1e-8), p[1], 1e-6);
        assertEquals(1, adam.steps());
    }

    @Test
    void secondStepFollowsTheFormulaWithBiasCorrection() {
        float[] p = {0.3f, 0.7f};
        float[] g1 = {1.0f, -1.0f};
        float[] g2 = {-3.0f, 2.0f};
        double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        var adam = new Adam(2, lr, b1, b2, eps, 0);
        adam.step(p, g1);
        adam.step(p, g2);
        double[] expect = new double[2];
        double[] p0 = {0.3, 0.7};
        for (int i = 0; i < 2; i++) {
            double m = 0, v = 0, x = p0[i];
            double ga = i == 0 ? 1.0 : -1.0, gb = i == 0 ? -3.0 : 2.0;
            for (int t = 1; t <= 2; t++) {
                double gi = t == 1 ? ga : gb;
                m = b1 * m + (1 - b1) * gi;
                v = b2 * v + (1 - b2) * gi * gi;
                double mh = m / (1 - Math.pow(b1, t));
                double denom = Math.sqrt(v) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                x -= lr * mh / denom;
            }
            expect[i] = x;
        }
        assertEquals(expect[0], p[0], 1e-6);
        assertEquals(expect[1], p[1], 1e-6);
        float[] m1 = adam.firstMoment();
        assertEquals(0.9 * 0.1 * 1.0 + 0.1 * -3.0, m1[0], 1e-7);
    }

    @Test
    void weightDecayIsAddedToTheGradient() {
        float[] p = {2.0f};
        var adam = new Adam(1, 0.1, 0.9, 0.999, 1e-8, 0.5);
        adam.step(p, new float[] {0f});   // effective gradient 0.5 * 2 = 1 -> p -= 0.1
        assertEquals(1.9, p[0], 1e-6);
    }

    @Test
    void restoreContinuesExactly() {
        float[] a = {0.1f, 0.2f, 0.3f}, b = a.clone();
        var x = new Adam(3, 0.01);
        var y = new Adam(3, 0.01);
        float[] g = {0.3f, -0.2f, 0.1f};
        x.step(a, g);
        y.restore(x.firstMoment().clone(), x.secondMoment().clone(), x.steps());
        System.arraycopy(a, 0, b, 0, 3);
        x.step(a, g);
        y.step(b, g);
        for (int i = 0; i < 3; i++) assertEquals(a[i], b[i], 0f);
    }

    @Test
    void rejectsMismatchedSizes() {
        assertThrows(IllegalArgumentException.class, () -> new Adam(2, 0.1).step(new float[3], new float[3]));
        assertThrows(IllegalArgumentException.class, () -> new Adam(2, 0));
    }
}
