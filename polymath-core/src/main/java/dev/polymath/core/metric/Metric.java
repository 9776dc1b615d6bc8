package dev.polymath.core.metric;

/**
 * A score computed from gold answers and predictions, with the direction in which it improves.
 *
 * <p>Every metric takes one kind of input ({@link Predictions}); {@link #compute(Predictions)} dispatches on it
 * and rejects the wrong kind with a message naming the metric. The sub-interfaces ({@link ClassificationMetric},
 * {@link RegressionMetric}, {@link ScoreMetric}, {@link RankingMetric}, {@link TextMetric}) add typed
 * {@code compute} methods. Bad inputs (different lengths, empty, NaN, out-of-range indices) throw
 * {@link IllegalArgumentException} whose message starts with the metric's name.
 *
 * <p>Values are fractions, not percentages (accuracy 0.815, not 81.5).
 */
public interface Metric {

    /** The registry name, e.g. {@code accuracy}, {@code f1[irony]}, {@code ndcg@10}. */
    String name();

    /** True when a larger value is better (accuracy), false when smaller is better (MSE). */
    boolean higherIsBetter();

    /** Computes the metric from predictions of the kind it takes. */
    double compute(Predictions predictions);
}
