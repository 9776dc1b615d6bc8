package dev.polymath.core.metric;

/** Accuracy: fraction of examples whose predicted class equals the gold class (abstentions are wrong). */
public record Accuracy() implements ClassificationMetric {
    public static final String NAME = "accuracy";

    public String name() { return NAME; }

    public boolean higherIsBetter() { return true; }

    public double compute(int[] gold, int[] predicted, int numClasses) {
        Checks.classes(NAME, gold, predicted, numClasses);
        long correct = 0;
        for (int i = 0; i < gold.length; i++) if (gold[i] == predicted[i]) correct++;
        return (double) correct / gold.length;
    }
}
