package dev.polymath.core.metric;

import java.util.List;

/** A metric over per-query relevance lists in ranked order (see {@link Predictions.Rankings}). */
public interface RankingMetric extends Metric {

    double compute(List<double[]> relevancesInRankedOrder);

    @Override
    default double compute(Predictions predictions) {
        if (predictions instanceof Predictions.Rankings r) return compute(r.relevancesInRankedOrder());
        throw Checks.wrongInput(this, "per-query relevances in ranked order", predictions);
    }
}
