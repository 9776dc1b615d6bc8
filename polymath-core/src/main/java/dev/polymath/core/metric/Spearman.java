package dev.polymath.core.metric;

/**
 * Spearman rank correlation: the Pearson correlation of the ranks of gold and predicted values, ties given
 * the average of the ranks they span (scipy's {@code spearmanr}). Needs at least two pairs; {@link Double#NaN}
 * when either side is constant.
 */
public record Spearman() implements RegressionMetric {
    public static final String NAME = "spearman";

    public String name() { return NAME; }

    public boolean higherIsBetter() { return true; }

    public double compute(double[] gold, double[] predicted) {
        Checks.values(NAME, gold, predicted);
        return Pearson.correlation(NAME, Ranks.average(gold), Ranks.average(predicted));
    }
}
