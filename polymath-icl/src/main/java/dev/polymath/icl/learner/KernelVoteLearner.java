package dev.polymath.icl.learner;

import dev.polymath.icl.select.Embedder;

/**
 * A soft nearest-neighbour in-context classifier (a Nadaraya–Watson kernel vote over the demonstrations): every
 * demonstration votes for its label with weight {@code exp((cos(query, demo) − 1) / τ)}, and every label also gets
 * one virtual vote from a demonstration orthogonal to the query ({@code exp(−1/τ)}), so a label nobody
 * demonstrated keeps a small probability instead of zero:
 * <pre>  p(c) ∝ exp(−1/τ) + Σ_{d: y_d = c} exp((cos(q, d) − 1) / τ)</pre>
 * It never trains; with one demonstration it can only prefer that demonstration's label, which is why label
 * coverage matters to it as it does to a language model reading labels off its prompt. Order of demonstrations
 * does not matter to it (a language model's answer may depend on it). Vectors are cosine-compared, so they need
 * not be normalized.
 */
public final class KernelVoteLearner implements InContextLearner {
    public static final String NAME = "kernel-vote";
    private final double temperature;

    /** @param temperature τ &gt; 0; smaller makes the vote sharper (nearest neighbour as τ → 0) */
    public KernelVoteLearner(double temperature) {
        if (!(temperature > 0)) throw new IllegalArgumentException("kernel-vote temperature must be > 0, got " + temperature);
        this.temperature = temperature;
    }

    public KernelVoteLearner() {
        this(0.1);
    }

    public double temperature() {
        return temperature;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double[] logProbs(Prompt p, int numLabels) {
        InContextLearner.checkLabels(p, numLabels);
        // log-space: log(exp(-1/τ) + Σ exp((cos-1)/τ)) per label, via a running log-sum-exp
        double[] score = new double[numLabels];
        java.util.Arrays.fill(score, -1.0 / temperature);
        double qn = norm(p.query());
        for (int i = 0; i < p.demos().length; i++) {
            double dn = norm(p.demos()[i]);
            double cos = qn == 0 || dn == 0 ? 0 : Embedder.cosine(p.query(), p.demos()[i]) / (qn * dn);
            int c = p.labels()[i];
            score[c] = logAdd(score[c], (cos - 1) / temperature);
        }
        double z = Double.NEGATIVE_INFINITY;
        for (double s : score) z = logAdd(z, s);
        for (int c = 0; c < numLabels; c++) score[c] -= z;
        return score;
    }

    static double logAdd(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) return b;
        if (b == Double.NEGATIVE_INFINITY) return a;
        double m = Math.max(a, b);
        return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        return Math.sqrt(s);
    }
}
