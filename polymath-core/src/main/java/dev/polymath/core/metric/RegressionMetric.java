package dev.polymath.core.metric;

/** A metric over real-valued gold values and predictions (see {@link Predictions.Values}). */
public interface RegressionMetric extends Metric {

    double compute(double[] gold, double[] predicted);

    @Override
    default double compute(Predictions predictions) {
        if (predictions instanceof Predictions.Values v) return compute(v.gold(), v.predicted());
        throw Checks.wrongInput(this, "real values", predictions);
    }
}
