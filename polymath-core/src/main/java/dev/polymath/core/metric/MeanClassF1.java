package dev.polymath.core.metric;

import java.util.List;

/**
 * Mean of the per-class F1 scores (as in {@link ClassF1}) over a chosen subset of classes, each counted
 * whether or not it occurs (e.g. TweetEval stance: mean F1 of "favor" and "against", ignoring "none").
 * Registry name {@code mean-f1[<label>,<label>,...]}.
 *
 * @param labels        the classes' names, in the order given
 * @param classIndices  their indices in the task's label list, same order
 */
public record MeanClassF1(List<String> labels, int[] classIndices) implements ClassificationMetric {

    public MeanClassF1 {
        labels = List.copyOf(labels);
        classIndices = classIndices.clone();
        if (labels.isEmpty()) throw new IllegalArgumentException("mean-f1[]: needs at least one class");
        if (labels.size() != classIndices.length) {
            throw new IllegalArgumentException("mean-f1" + labels + ": " + labels.size() + " labels but "
                    + classIndices.length + " indices");
        }
        for (int i : classIndices) {
            if (i < 0) throw new IllegalArgumentException("mean-f1" + labels + ": class index must be >= 0, got " + i);
        }
    }

    /** A copy of the class indices. */
    @Override
    public int[] classIndices() { return classIndices.clone(); }

    public String name() { return "mean-f1[" + String.join(",", labels) + "]"; }

    public boolean higherIsBetter() { return true; }

    public double compute(int[] gold, int[] predicted, int numClasses) {
        ClassCounts counts = ClassCounts.of(name(), gold, predicted, numClasses);
        double sum = 0;
        for (int c : classIndices) {
            if (c >= numClasses) throw Checks.fail(name(), "class index " + c + " but only " + numClasses + " classes");
            sum += counts.f1(c);
        }
        return sum / classIndices.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MeanClassF1 m && labels.equals(m.labels) && java.util.Arrays.equals(classIndices, m.classIndices);
    }

    @Override
    public int hashCode() {
        return 31 * labels.hashCode() + java.util.Arrays.hashCode(classIndices);
    }

    @Override
    public String toString() {
        return name();
    }
}
