package dev.polymath.core.metric;

/**
 * Macro-recall: unweighted mean of per-class recall tp / (tp + fn) over the classes that occur in the gold
 * labels or in the predictions (scikit-learn's {@code recall_score(average="macro")}; a class that is only
 * predicted, never gold, has recall 0 and is counted). This is the SemEval/TweetEval sentiment metric.
 */
public record MacroRecall() implements ClassificationMetric {
    public static final String NAME = "macro-recall";

    public String name() { return NAME; }

    public boolean higherIsBetter() { return true; }

    public double compute(int[] gold, int[] predicted, int numClasses) {
        ClassCounts counts = ClassCounts.of(NAME, gold, predicted, numClasses);
        return counts.macroMean(counts::recall);
    }
}
