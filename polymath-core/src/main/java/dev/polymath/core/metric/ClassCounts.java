package dev.polymath.core.metric;

/**
 * Per-class counts of a single-label classification: true positives, gold occurrences (support) and
 * predicted occurrences. Abstentions ({@link Predictions.Classes#ABSTAIN}) count towards no class's predictions,
 * so they are false negatives of their gold class and false positives of none.
 *
 * <p>Per-class scores follow scikit-learn with its default {@code zero_division}: a ratio whose denominator
 * is zero is 0.
 */
public record ClassCounts(int numClasses, long[] truePositives, long[] gold, long[] predicted, long total) {

    /** Counts after validating the input; errors name {@code metric}. */
    public static ClassCounts of(String metric, int[] goldIdx, int[] predictedIdx, int numClasses) {
        Checks.classes(metric, goldIdx, predictedIdx, numClasses);
        long[] tp = new long[numClasses];
        long[] g = new long[numClasses];
        long[] p = new long[numClasses];
        for (int i = 0; i < goldIdx.length; i++) {
            g[goldIdx[i]]++;
            if (predictedIdx[i] >= 0) {
                p[predictedIdx[i]]++;
                if (predictedIdx[i] == goldIdx[i]) tp[goldIdx[i]]++;
            }
        }
        return new ClassCounts(numClasses, tp, g, p, goldIdx.length);
    }

    /** True when the class occurs in the gold labels or in the predictions. */
    public boolean present(int c) {
        return gold[c] > 0 || predicted[c] > 0;
    }

    /** tp / predicted, 0 when the class is never predicted. */
    public double precision(int c) {
        return predicted[c] == 0 ? 0.0 : (double) truePositives[c] / predicted[c];
    }

    /** tp / gold, 0 when the class never occurs in gold. */
    public double recall(int c) {
        return gold[c] == 0 ? 0.0 : (double) truePositives[c] / gold[c];
    }

    /** 2·tp / (2·tp + fp + fn) = 2·tp / (gold + predicted); 0 when the class is neither in gold nor predicted. */
    public double f1(int c) {
        long denom = gold[c] + predicted[c];
        return denom == 0 ? 0.0 : 2.0 * truePositives[c] / denom;
    }

    public long correct() {
        long s = 0;
        for (long t : truePositives) s += t;
        return s;
    }

    /** Unweighted mean of {@code perClass} over the classes present in gold or predictions (at least one is). */
    double macroMean(java.util.function.IntToDoubleFunction perClass) {
        double sum = 0;
        int n = 0;
        for (int c = 0; c < numClasses; c++) {
            if (!present(c)) continue;
            sum += perClass.applyAsDouble(c);
            n++;
        }
        return sum / n;
    }
}
