package dev.polymath.core.metric;

/**
 * F1 of one class, 2·tp / (2·tp + fp + fn), treating that class as positive and every other class as
 * negative (e.g. TweetEval irony: F1 of class "irony"). 0 when the class is neither gold nor predicted
 * (scikit-learn's default {@code zero_division}). Registry name {@code f1[<label>]}.
 *
 * @param label      the class's name, used in {@link #name()}
 * @param classIndex the class's index in the task's label list
 */
public record ClassF1(String label, int classIndex) implements ClassificationMetric {

    public ClassF1 {
        if (classIndex < 0) throw new IllegalArgumentException("f1[" + label + "]: class index must be >= 0, got " + classIndex);
    }

    public String name() { return "f1[" + label + "]"; }

    public boolean higherIsBetter() { return true; }

    public double compute(int[] gold, int[] predicted, int numClasses) {
        if (classIndex >= numClasses) {
            throw Checks.fail(name(), "class index " + classIndex + " but only " + numClasses + " classes");
        }
        return ClassCounts.of(name(), gold, predicted, numClasses).f1(classIndex);
    }
}
