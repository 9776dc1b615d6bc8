package dev.polymath.core.metric;

/** Mean absolute error: (1/n) Σ |predicted − gold|. Lower is better. */
public record MeanAbsoluteError() implements RegressionMetric {
    public static final String NAME = "mae";

    public String name() { return NAME; }

    public boolean higherIsBetter() { return false; }

    public double compute(double[] gold, double[] predicted) {
        Checks.values(NAME, gold, predicted);
        double s = 0;
        for (int i = 0; i < gold.length; i++) s += Math.abs(predicted[i] - gold[i]);
        return s / gold.length;
    }
}
