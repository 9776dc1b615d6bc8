package dev.polymath.core.metric;

/** A metric over gold and predicted class indices (see {@link Predictions.Classes}). */
public interface ClassificationMetric extends Metric {

    /**
     * @param gold       gold class per example, in {@code [0, numClasses)}
     * @param predicted  predicted class per example, in {@code [0, numClasses)} or {@link Predictions.Classes#ABSTAIN}
     * @param numClasses size of the label set
     */
    double compute(int[] gold, int[] predicted, int numClasses);

    @Override
    default double compute(Predictions predictions) {
        if (predictions instanceof Predictions.Classes c) return compute(c.gold(), c.predicted(), c.numClasses());
        throw Checks.wrongInput(this, "class indices", predictions);
    }
}
