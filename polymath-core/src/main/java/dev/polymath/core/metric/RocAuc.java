package dev.polymath.core.metric;

/**
 * Area under the ROC curve of a binary problem, from real-valued scores: the probability that a random
 * positive scores higher than a random negative, a tie counting one half (the Mann–Whitney U statistic
 * divided by P·N, computed with average ranks). Equals scikit-learn's {@code roc_auc_score} for binary
 * input. Needs at least one positive and one negative example.
 */
public record RocAuc() implements ScoreMetric {
    public static final String NAME = "auc";

    public String name() { return NAME; }

    public boolean higherIsBetter() { return true; }

    public double compute(boolean[] positive, double[] scores) {
        Checks.sameLength(NAME, positive.length, scores.length);
        Checks.finite(NAME, "score", scores);
        long pos = 0;
        for (boolean p : positive) if (p) pos++;
        long neg = positive.length - pos;
        if (pos == 0 || neg == 0) {
            throw Checks.fail(NAME, "undefined with only one class in gold (" + pos + " positive, " + neg + " negative)");
        }
        double[] ranks = Ranks.average(scores);
        double rankSum = 0;
        for (int i = 0; i < ranks.length; i++) if (positive[i]) rankSum += ranks[i];
        double u = rankSum - pos * (pos + 1) / 2.0;
        return u / ((double) pos * neg);
    }
}
