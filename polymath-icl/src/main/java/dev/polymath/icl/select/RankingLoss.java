package dev.polymath.icl.select;

import java.util.Arrays;

/**
 * The training loss of the Unified Demonstration Retriever (Li et al. 2023, "Unified Demonstration Retriever for
 * In-Context Learning"), over a batch of B queries with K candidates each:
 * <ul>
 *   <li><b>list-wise ranking</b> (LambdaRank-style, as UDR's {@code lambda_mrr_loss}): each candidate's relevance is
 *       {@code 1/r}, r its rank by model feedback (1 = helps most; tied feedback shares the better rank). Candidates
 *       are put in the retriever's order (score descending, ties by index), positions p = 1..K; every pair (i, j)
 *       whose relevance is higher for i costs {@code |1/p_i − 1/p_j| · log(1 + exp(−clamp(s_i − s_j, −50, 50)))};
 *       the term is the mean over all such pairs of the batch;</li>
 *   <li><b>in-batch negatives</b>: cross-entropy of each query over all B·K candidates of the batch, the positive
 *       being its own best candidate by feedback;</li>
 * </ul>
 * total = rankFactor · list-wise + in-batch (UDR's {@code rank_loss_factor}, default 1). The weights and the sort
 * are constants for the gradient, as in the reference (gradients flow through the scores only).
 */
public final class RankingLoss {
    private RankingLoss() {}

    /**
     * @param grad d total / d score, same shape as the score matrix
     */
    public record Value(double total, double listwise, double inBatch, double[][] grad) {}

    /** Relevance 1/rank by feedback (descending); tied feedback gets the better (smaller) rank. */
    public static double[] relevance(double[] feedback) {
        int k = feedback.length;
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> {
            int c = Double.compare(feedback[b], feedback[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        double[] rel = new double[k];
        int rank = 1;
        for (int pos = 0; pos < k; pos++) {
            if (pos > 0 && feedback[order[pos]] != feedback[order[pos - 1]]) rank = pos + 1;
            rel[order[pos]] = 1.0 / rank;
        }
        return rel;
    }

    /**
     * @param scores     B × (B·K): query b against every candidate of the batch, candidate j of query c at column c·K + j
     * @param feedback   B × K: how much each of query b's own candidates helps the model (higher is better)
     * @param rankFactor weight of the list-wise term
     */
    public static Value compute(double[][] scores, double[][] feedback, double rankFactor) {
        int b = feedback.length;
        if (b == 0) throw new IllegalArgumentException("empty batch");
        int k = feedback[0].length;
        if (scores.length != b) throw new IllegalArgumentException("scores have " + scores.length + " rows for " + b + " queries");
        for (int q = 0; q < b; q++) {
            if (feedback[q].length != k) throw new IllegalArgumentException("query " + q + " has " + feedback[q].length + " candidates, query 0 has " + k);
            if (scores[q].length != b * k) throw new IllegalArgumentException("score row " + q + " has " + scores[q].length + " columns, expected B·K = " + b * k);
        }
        double[][] grad = new double[b][b * k];

        // list-wise term: mean over valid pairs of the whole batch
        double listSum = 0;
        int pairs = 0;
        double[][] pairGrad = new double[b][k];
        for (int q = 0; q < b; q++) {
            double[] rel = relevance(feedback[q]);
            double[] s = new double[k];
            for (int j = 0; j < k; j++) s[j] = scores[q][q * k + j];
            Integer[] byScore = new Integer[k];
            for (int j = 0; j < k; j++) byScore[j] = j;
            Arrays.sort(byScore, (x, y) -> {
                int c = Double.compare(s[y], s[x]);
                return c != 0 ? c : Integer.compare(x, y);
            });
            for (int pi = 0; pi < k; pi++) {
                for (int pj = 0; pj < k; pj++) {
                    int i = byScore[pi], j = byScore[pj];
                    if (!(rel[i] > rel[j])) continue;
                    double w = Math.abs(1.0 / (pi + 1) - 1.0 / (pj + 1));
                    double raw = s[i] - s[j];
                    double d = Math.max(-50, Math.min(50, raw));
                    listSum += w * softplus(-d);
                    pairs++;
                    if (raw > -50 && raw < 50) { // clamp passes no gradient outside its range
                        double g = -w * sigmoid(-d); // d/ds_i of w·log(1+exp(-(s_i - s_j)))
                        pairGrad[q][i] += g;
                        pairGrad[q][j] -= g;
                    }
                }
            }
        }
        double listwise = pairs == 0 ? 0 : listSum / pairs;
        if (pairs > 0) {
            for (int q = 0; q < b; q++) for (int j = 0; j < k; j++) grad[q][q * k + j] += rankFactor * pairGrad[q][j] / pairs;
        }

        // in-batch negatives: softmax cross-entropy, positive = own best candidate by feedback
        double ce = 0;
        for (int q = 0; q < b; q++) {
            int best = 0;
            for (int j = 1; j < k; j++) if (feedback[q][j] > feedback[q][best]) best = j;
            int target = q * k + best;
            double max = Double.NEGATIVE_INFINITY;
            for (double v : scores[q]) max = Math.max(max, v);
            double z = 0;
            for (double v : scores[q]) z += Math.exp(v - max);
            double logZ = max + Math.log(z);
            ce += logZ - scores[q][target];
            for (int c = 0; c < b * k; c++) {
                double p = Math.exp(scores[q][c] - logZ);
                grad[q][c] += (p - (c == target ? 1 : 0)) / b;
            }
        }
        double inBatch = ce / b;
        return new Value(rankFactor * listwise + inBatch, listwise, inBatch, grad);
    }

    static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }
}
