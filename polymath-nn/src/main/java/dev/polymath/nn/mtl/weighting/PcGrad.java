package dev.polymath.nn.mtl.weighting;

import dev.polymath.core.util.Seeds;
import java.util.SplittableRandom;

/**
 * Projecting Conflicting Gradients (PCGrad): Yu et al., "Gradient Surgery for Multi-Task Learning",
 * NeurIPS 2020, as in LibMTL: for each task {@code i}, over all tasks {@code j} in a fresh random order
 * (including {@code i} itself, as the reference does), if {@code pc_i . g_j < 0} then
 * {@code pc_i -= (pc_i . g_j) / (||g_j||^2 + 1e-8) g_j}; the shared gradient is {@code sum_i pc_i}.
 * Computed entirely in the T x T Gram space (each {@code pc_i} is kept as coefficients over the original
 * gradients), then one combination pass; the weights are those coefficients summed over {@code i} (exactly
 * LibMTL's {@code batch_weight}). Orders come from a stream of (seed, step), so resuming needs no random state. Parameter gradients
 * only (LibMTL rejects {@code rep_grad}).
 */
public final class PcGrad extends AbstractWeighting {

    @Override
    public String name() {
        return "pcgrad";
    }

    @Override
    public GradientMode mode() {
        return GradientMode.PARAMETERS;
    }


    @Override
    protected WeightingResult compute(WeightingInput input) {
        SplittableRandom rng = new SplittableRandom(Seeds.mix(Seeds.mix(seed, "pcgrad"), input.step()));
        double[][] gram = GradMath.gram(input.gradients());
        int[][] orders = new int[tasks][];
        for (int i = 0; i < tasks; i++) {
            int[] order = new int[tasks];
            for (int k = 0; k < tasks; k++) order[k] = k;
            Seeds.shuffle(order, rng);
            orders[i] = order;
        }
        double[] w = project(gram, orders);
        return new WeightingResult(w, GradMath.combine(input.gradients(), w));
    }

    /** The PCGrad coefficients for given per-task visiting orders (package-visible for tests). */
    static double[] project(double[][] gram, int[][] orders) {
        int n = gram.length;
        double[] w = new double[n];
        java.util.Arrays.fill(w, 1.0);
        for (int i = 0; i < n; i++) {
            double[] c = new double[n];
            c[i] = 1;
            for (int j : orders[i]) {
                double gij = 0;
                for (int k = 0; k < n; k++) gij += c[k] * gram[k][j];
                if (gij < 0) {
                    double f = gij / (gram[j][j] + 1e-8);
                    c[j] -= f;
                    w[j] -= f;
                }
            }
        }
        return w;
    }
}
