package dev.polymath.icl.eval;

import java.util.List;

/** Multiple-choice scoring as lm-evaluation-harness does it. */
public final class Scoring {
    private Scoring() {}

    /** Index of the largest value; the first on ties (numpy's argmax). */
    public static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    /**
     * Log-likelihood per character of each choice: {@code ll[i] / len(choices[i])}, the length of the choice text
     * itself (without the target delimiter), as lm-eval's {@code acc_norm} ({@code completion_len}). Lengths count
     * Unicode code points, as Python's {@code len} does.
     */
    public static double[] perChar(double[] ll, List<String> choices) {
        double[] out = new double[ll.length];
        for (int i = 0; i < ll.length; i++) {
            String c = choices.get(i);
            out[i] = ll[i] / c.codePointCount(0, c.length());
        }
        return out;
    }
}
