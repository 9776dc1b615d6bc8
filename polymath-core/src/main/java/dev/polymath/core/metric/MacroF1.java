package dev.polymath.core.metric;

/**
 * Macro-F1: unweighted mean of per-class F1 = 2·tp / (2·tp + fp + fn) over the classes that occur in the gold
 * labels <em>or</em> in the predictions (scikit-learn's {@code f1_score(average="macro")} without an explicit
 * label list). A class absent from both is left out of the mean; a class that occurs in only one of them has
 * F1 = 0 and is counted.
 */
public record MacroF1() implements ClassificationMetric {
    public static final String NAME = "macro-f1";

    public String name() { return NAME; }

    public boolean higherIsBetter() { return true; }

    public double compute(int[] gold, int[] predicted, int numClasses) {
        ClassCounts counts = ClassCounts.of(NAME, gold, predicted, numClasses);
        return counts.macroMean(counts::f1);
    }
}
