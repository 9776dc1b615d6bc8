package dev.polymath.core.metric;

import java.util.List;

/** Input validation shared by the metrics; every message starts with the metric's name. */
final class Checks {
    private Checks() {}

    static IllegalArgumentException wrongInput(Metric m, String wanted, Predictions got) {
        return new IllegalArgumentException(m.name() + ": takes " + wanted + ", got " + got.describe());
    }

    static IllegalArgumentException fail(String metric, String problem) {
        return new IllegalArgumentException(metric + ": " + problem);
    }

    static void sameLength(String metric, int gold, int predicted) {
        if (gold != predicted) {
            throw fail(metric, "gold has " + gold + " entries but predictions have " + predicted);
        }
        if (gold == 0) throw fail(metric, "no examples (empty input)");
    }

    static void finite(String metric, String what, double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (Double.isNaN(values[i])) throw fail(metric, what + " at index " + i + " is NaN");
            if (Double.isInfinite(values[i])) throw fail(metric, what + " at index " + i + " is infinite");
        }
    }

    static void classes(String metric, int[] gold, int[] predicted, int numClasses) {
        sameLength(metric, gold.length, predicted.length);
        if (numClasses < 1) throw fail(metric, "number of classes must be >= 1, got " + numClasses);
        for (int i = 0; i < gold.length; i++) {
            if (gold[i] < 0 || gold[i] >= numClasses) {
                throw fail(metric, "gold class at index " + i + " is " + gold[i] + ", outside [0, " + numClasses + ")");
            }
            if (predicted[i] < Predictions.Classes.ABSTAIN || predicted[i] >= numClasses) {
                throw fail(metric, "predicted class at index " + i + " is " + predicted[i] + ", outside [0, "
                        + numClasses + ") (or -1 for no valid class)");
            }
        }
    }

    static void values(String metric, double[] gold, double[] predicted) {
        sameLength(metric, gold.length, predicted.length);
        finite(metric, "gold value", gold);
        finite(metric, "prediction", predicted);
    }

    static void texts(String metric, List<List<String>> references, List<String> predicted) {
        sameLength(metric, references.size(), predicted.size());
        for (int i = 0; i < predicted.size(); i++) {
            if (predicted.get(i) == null) throw fail(metric, "prediction at index " + i + " is null");
            List<String> refs = references.get(i);
            if (refs == null || refs.isEmpty()) throw fail(metric, "example at index " + i + " has no reference");
            for (String r : refs) if (r == null) throw fail(metric, "example at index " + i + " has a null reference");
        }
    }
}
