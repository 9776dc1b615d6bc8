package dev.polymath.core.metric;

import java.util.Arrays;
import java.util.List;

/**
 * Normalized discounted cumulative gain at cut-off k, averaged over queries.
 *
 * <p>Per query, with graded relevances r_1, r_2, … of the candidates in the system's ranked order:
 * DCG@k = Σ_{i=1}^{min(k,n)} r_i / log2(i + 1) (linear gain, as scikit-learn's {@code ndcg_score}; not the
 * exponential 2^r − 1 gain), and IDCG@k is DCG@k of the same relevances sorted descending (the ideal ranking
 * of that query's candidates). nDCG@k = DCG@k / IDCG@k. A query with IDCG@k = 0 (no relevant candidate) scores
 * 0 and still counts in the mean (scikit-learn's convention). Relevances must be finite and {@code >= 0}; each
 * query needs at least one candidate.
 *
 * @param k cut-off, {@code >= 1}
 */
public record Ndcg(int k) implements RankingMetric {

    public Ndcg {
        if (k < 1) throw new IllegalArgumentException("ndcg@" + k + ": k must be >= 1");
    }

    public String name() { return "ndcg@" + k; }

    public boolean higherIsBetter() { return true; }

    public double compute(List<double[]> relevancesInRankedOrder) {
        if (relevancesInRankedOrder.isEmpty()) throw Checks.fail(name(), "no queries (empty input)");
        double sum = 0;
        for (int q = 0; q < relevancesInRankedOrder.size(); q++) {
            sum += query(q, relevancesInRankedOrder.get(q));
        }
        return sum / relevancesInRankedOrder.size();
    }

    /** nDCG@k of one query. */
    public double query(double[] relevancesInRankedOrder) {
        return query(0, relevancesInRankedOrder);
    }

    private double query(int q, double[] rel) {
        if (rel == null || rel.length == 0) throw Checks.fail(name(), "query " + q + " has no candidates");
        for (int i = 0; i < rel.length; i++) {
            if (!Double.isFinite(rel[i]) || rel[i] < 0) {
                throw Checks.fail(name(), "query " + q + ": relevance at rank " + (i + 1) + " is " + rel[i]
                        + "; relevances must be finite and >= 0");
            }
        }
        double[] ideal = rel.clone();
        Arrays.sort(ideal);
        for (int i = 0, j = ideal.length - 1; i < j; i++, j--) {
            double t = ideal[i]; ideal[i] = ideal[j]; ideal[j] = t;
        }
        double idcg = dcg(ideal);
        return idcg == 0 ? 0.0 : dcg(rel) / idcg;
    }

    private double dcg(double[] rel) {
        double s = 0;
        int n = Math.min(k, rel.length);
        for (int i = 0; i < n; i++) s += rel[i] / (Math.log(i + 2) / Math.log(2));
        return s;
    }
}
