package dev.polymath.core.metric;

/** A metric over binary gold labels and real-valued scores (see {@link Predictions.Scores}). */
public interface ScoreMetric extends Metric {

    /** @param positive gold, {@code true} for the positive class; @param scores higher = more likely positive */
    double compute(boolean[] positive, double[] scores);

    /** Same with 0/1 gold labels. */
    default double compute(int[] gold01, double[] scores) {
        Predictions.Scores s;
        try {
            s = Predictions.Scores.ofBinary(gold01, scores);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name() + ": " + e.getMessage(), e);
        }
        return compute(s.positive(), s.scores());
    }

    @Override
    default double compute(Predictions predictions) {
        if (predictions instanceof Predictions.Scores s) return compute(s.positive(), s.scores());
        throw Checks.wrongInput(this, "binary gold with scores", predictions);
    }
}
