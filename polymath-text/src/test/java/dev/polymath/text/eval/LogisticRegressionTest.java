package dev.polymath.text.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.polymath.text.FloatMatrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogisticRegressionTest {

    /** Three Gaussian blobs in 5 dimensions. */
    static FloatMatrix blobs(int perClass, int[] y, long seed) {
        var rng = new SplittableRandom(seed);
        int d = 5, n = 3 * perClass;
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            y[i] = c;
            for (int j = 0; j < d; j++) x[i * d + j] = (float) ((j == c ? 2.0 : 0.0) + rng.nextGaussian() * 0.8);
        }
        return new FloatMatrix(n, d, x);
    }

    @Test
    void convergesToTheStationaryPointOfTheDocumentedObjective() {
        int[] y = new int[90];
        FloatMatrix x = blobs(30, y, 1);
        var opts = LogisticRegression.Options.defaults().withTol(1e-8).withMaxIter(1000);
        var m = LogisticRegression.fit(x, y, 3, opts);
        assertTrue(m.converged(), "converged");
        assertTrue(m.gradientMaxAbs() <= 1e-8, "gradient " + m.gradientMaxAbs());
        // Independent check of the optimality conditions: (1/n) Σ (p - onehot) x + W/(C n) = 0, Σ (p - onehot) = 0.
        double[][] p = m.predictProba(x);
        double[][] w = m.coefficients();
        int n = x.rows();
        for (int c = 0; c < 3; c++) {
            double gb = 0;
            for (int i = 0; i < n; i++) gb += p[i][c] - (y[i] == c ? 1 : 0);
            assertEquals(0, gb / n, 1e-7);
            for (int j = 0; j < 5; j++) {
                double g = 0;
                for (int i = 0; i < n; i++) g += (p[i][c] - (y[i] == c ? 1 : 0)) * x.get(i, j);
                assertEquals(0, g / n + w[c][j] / (1.0 * n), 1e-7);
            }
        }
        // the symmetric multinomial: coefficients sum to zero across classes at the optimum
        for (int j = 0; j < 5; j++) assertEquals(0, w[0][j] + w[1][j] + w[2][j], 1e-6);
        int[] yt = new int[300];
        FloatMatrix xt = blobs(100, yt, 2);
        assertTrue(QuickEval.accuracy(m.predict(xt), yt) > 0.85);
    }

    @Test
    void strongerRegularizationShrinksWeights() {
        int[] y = new int[60];
        FloatMatrix x = blobs(20, y, 3);
        double weak = norm(LogisticRegression.fit(x, y, 3, LogisticRegression.Options.defaults().withC(10)).coefficients());
        double strong = norm(LogisticRegression.fit(x, y, 3, LogisticRegression.Options.defaults().withC(0.01)).coefficients());
        assertTrue(strong < weak / 5, strong + " vs " + weak);
    }

    @Test
    void iterationLimitIsReported() {
        int[] y = new int[60];
        FloatMatrix x = blobs(20, y, 4);
        var m = LogisticRegression.fit(x, y, 3, LogisticRegression.Options.defaults().withTol(0).withMaxIter(2));
        assertEquals(2, m.iterations());
        assertTrue(!m.converged());
    }

    private static double norm(double[][] w) {
        double s = 0;
        for (double[] r : w) for (double v : r) s += v * v;
        return Math.sqrt(s);
    }
}
