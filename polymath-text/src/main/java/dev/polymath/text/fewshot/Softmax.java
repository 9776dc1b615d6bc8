package dev.polymath.text.fewshot;

/** Numerically stable softmax over scaled scores. */
final class Softmax {
    private Softmax() {}

    static double[] of(double[] scores, double scale) {
        double max = Double.NEGATIVE_INFINITY;
        for (double s : scores) max = Math.max(max, s * scale);
        double sum = 0;
        double[] p = new double[scores.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(scores[i] * scale - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
