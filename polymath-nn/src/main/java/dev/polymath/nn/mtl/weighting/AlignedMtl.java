package dev.polymath.nn.mtl.weighting;

import java.util.Arrays;
import java.util.Locale;

/**
 * Aligned-MTL: Senushkin et al., "Independent Component Alignment for Multi-Task Learning", CVPR 2023, as in
 * the official code (SamsungLabs/MTL, {@code ProcrustesSolver}) and LibMTL. With the Gram matrix
 * {@code M = G G^T = V diag(lambda) V^T}, keep the eigenpairs with {@code lambda > max(lambda) T eps32}
 * (numerical rank {@code r}), sorted descending, and
 * <pre>
 *   B = sigma V_r diag(lambda_r^{-1/2}) V_r^T,   alpha_t = sum_i B_it
 * </pre>
 * with {@code sigma = sqrt(lambda_min)} (scale mode {@code min}, the default and LibMTL's only mode),
 * {@code sqrt(median lambda)} ({@code median}; the lower middle value, like {@code torch.median}) or
 * {@code sqrt(mean lambda)} ({@code rmse}). The shared gradient is {@code sum_t alpha_t g_t} (the aligned
 * gradients {@code G^T B} summed over tasks). Eigen-decomposition by cyclic Jacobi. Supports parameter and
 * representation gradients.
 */
public final class AlignedMtl extends RepresentationCapableWeighting {
    public enum ScaleMode {
        MIN, MEDIAN, RMSE;

        public static ScaleMode parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown Aligned-MTL scale mode '" + s + "'; valid: "
                        + Arrays.toString(values()).toLowerCase(Locale.ROOT));
            }
        }
    }

    /** @param scaleMode official default {@code min} */
    public record Params(ScaleMode scaleMode) {
        public static final Params DEFAULTS = new Params(ScaleMode.MIN);
    }

    /** Machine epsilon of float32, {@code torch.finfo().eps}. */
    static final double EPS32 = Math.ulp(1.0f);

    private final Params params;

    public AlignedMtl() {
        this(Params.DEFAULTS);
    }

    public AlignedMtl(Params params) {
        this.params = params;
    }

    @Override
    public String name() {
        return "aligned_mtl";
    }

    @Override
    protected WeightingResult compute(WeightingInput input) {
        double[] alpha = alpha(GradMath.gram(weightingRows(input)), params.scaleMode());
        return new WeightingResult(alpha, GradMath.combine(input.gradients(), alpha));
    }

    static double[] alpha(double[][] gram, ScaleMode mode) {
        int n = gram.length;
        SmallLinalg.Eigen eig = SmallLinalg.symmetricEigen(gram);
        double[] lambda = eig.values();
        double max = Double.NEGATIVE_INFINITY;
        for (double l : lambda) max = Math.max(max, l);
        double tol = max * n * EPS32;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(lambda[b], lambda[a]));
        int rank = 0;
        for (double l : lambda) if (l > tol) rank++;
        double[] alpha = new double[n];
        if (rank == 0) return alpha;
        double[] kept = new double[rank];
        for (int k = 0; k < rank; k++) kept[k] = lambda[order[k]];
        double sigma = switch (mode) {
            case MIN -> Math.sqrt(kept[rank - 1]);
            case MEDIAN -> Math.sqrt(kept[rank - 1 - (rank - 1) / 2]); // lower middle of the ascending order
            case RMSE -> {
                double s = 0;
                for (double l : kept) s += l;
                yield Math.sqrt(s / rank);
            }
        };
        // alpha_t = sum_i B_it = sigma sum_k V_tk lambda_k^{-1/2} (sum_i V_ik)
        for (int k = 0; k < rank; k++) {
            int col = order[k];
            double colSum = 0;
            for (int i = 0; i < n; i++) colSum += eig.vector(i, col);
            double f = sigma * colSum / Math.sqrt(kept[k]);
            for (int t = 0; t < n; t++) alpha[t] += eig.vector(t, col) * f;
        }
        return alpha;
    }
}
