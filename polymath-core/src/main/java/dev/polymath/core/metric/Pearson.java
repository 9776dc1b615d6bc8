package dev.polymath.core.metric;

/**
 * Pearson correlation coefficient r = Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² · Σ(y−ȳ)²) between gold and predicted values.
 * Needs at least two pairs. When either side is constant r is undefined and the result is {@link Double#NaN}
 * (as scipy returns), not an exception, so that a degenerate model does not abort an evaluation run.
 */
public record Pearson() implements RegressionMetric {
    public static final String NAME = "pearson";

    public String name() { return NAME; }

    public boolean higherIsBetter() { return true; }

    public double compute(double[] gold, double[] predicted) {
        Checks.values(NAME, gold, predicted);
        return correlation(NAME, gold, predicted);
    }

    /** r of two validated, equally long arrays; errors name {@code metric}. */
    static double correlation(String metric, double[] x, double[] y) {
        int n = x.length;
        if (n < 2) throw Checks.fail(metric, "needs at least 2 pairs, got " + n);
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx == 0 || syy == 0) return Double.NaN;
        double r = sxy / Math.sqrt(sxx * syy);
        return Math.max(-1.0, Math.min(1.0, r));
    }
}
