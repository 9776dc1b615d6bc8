package dev.polymath.text.fewshot;

import java.util.ArrayList;
import java.util.List;

/**
 * The mean of several classifiers' class probabilities over the same texts (an ensemble, e.g. SetFit fits from different
 * seeds), each member's columns named by its own {@link LabelIndex}, the result's by the first member's; and the
 * labels it predicts (highest mean probability, ties to the lower column).
 */
final class ProbabilityAverage {
    private final LabelIndex labels;
    private double[][] sum;
    private int members;

    ProbabilityAverage(LabelIndex labels) {
        this.labels = labels;
    }

    /** Adds one member's probabilities [texts][its classes], columns in {@code memberLabels}' order. */
    ProbabilityAverage add(double[][] proba, LabelIndex memberLabels) {
        if (memberLabels.size() != labels.size()) {
            throw new IllegalArgumentException("ensemble member has " + memberLabels.size() + " classes, the ensemble " + labels.size());
        }
        int[] col = new int[labels.size()];
        for (int c = 0; c < col.length; c++) {
            col[c] = memberLabels.indexOf(labels.label(c)); // a class the member lacks fails here, naming it
        }
        if (sum == null) sum = new double[proba.length][labels.size()];
        if (proba.length != sum.length) throw new IllegalArgumentException("ensemble member scored " + proba.length + " texts, the ensemble " + sum.length);
        for (int i = 0; i < proba.length; i++) for (int c = 0; c < col.length; c++) sum[i][c] += proba[i][col[c]];
        members++;
        return this;
    }

    int members() {
        return members;
    }

    /** The mean probabilities [texts][classes], columns in the ensemble's label order. */
    double[][] mean() {
        if (members == 0) throw new IllegalStateException("no ensemble member added");
        double[][] m = new double[sum.length][];
        for (int i = 0; i < m.length; i++) {
            m[i] = sum[i].clone();
            for (int c = 0; c < m[i].length; c++) m[i][c] /= members;
        }
        return m;
    }

    /** The label of the highest mean probability of each text. */
    List<String> predict() {
        var out = new ArrayList<String>(sum == null ? 0 : sum.length);
        for (double[] p : mean()) out.add(labels.label(Softmax.argmax(p)));
        return out;
    }
}
