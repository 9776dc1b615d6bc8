package dev.polymath.core.metric;

/** Mean squared error: (1/n) Σ (predicted − gold)². Lower is better. */
public record MeanSquaredError() implements RegressionMetric {
    public static final String NAME = "mse";

    public String name() { return NAME; }

    public boolean higherIsBetter() { return false; }

    public double compute(double[] gold, double[] predicted) {
        Checks.values(NAME, gold, predicted);
        double s = 0;
        for (int i = 0; i < gold.length; i++) {
            double d = predicted[i] - gold[i];
            s += d * d;
        }
        return s / gold.length;
    }
}
