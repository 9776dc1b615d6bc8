package dev.polymath.core.metric;

import java.util.List;

/** A metric over generated strings and their references (see {@link Predictions.Texts}). */
public interface TextMetric extends Metric {

    /** @param references one or more acceptable references per example */
    double compute(List<List<String>> references, List<String> predicted);

    @Override
    default double compute(Predictions predictions) {
        if (predictions instanceof Predictions.Texts t) return compute(t.references(), t.predicted());
        throw Checks.wrongInput(this, "generated texts with references", predictions);
    }
}
