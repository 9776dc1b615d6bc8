package dev.polymath.nn.mtl.weighting;

import java.util.Arrays;
import java.util.Locale;

/**
 * Multiple Gradient Descent Algorithm (MGDA): Sener &amp; Koltun, "Multi-Task Learning as Multi-Objective
 * Optimization", NeurIPS 2018, as in LibMTL (modified from the official code). The task gradients are
 * divided by a normaliser {@code n_t} ({@code none}: 1; {@code l2}: {@code ||g_t||}; {@code loss}: {@code L_t};
 * {@code loss+}: {@code L_t ||g_t||}), the min-norm convex combination {@code alpha} of the normalised
 * gradients is found by {@link MinNormSolver}, and:
 * <ul>
 *   <li>parameter gradients: shared gradient {@code sum_t alpha_t g_t / n_t} (LibMTL combines the
 *       <em>normalised</em> gradients), so the effective weights are {@code alpha_t / n_t};</li>
 *   <li>representation gradients (MGDA-UB): {@code alpha} is applied to the raw per-sample representation
 *       gradients (as LibMTL's {@code rep_grad} path and the official code do), weights {@code alpha_t}.</li>
 * </ul>
 * With the default {@code none} both coincide. A zero or non-finite normaliser is replaced by 1 (LibMTL
 * would divide by zero). Two tasks: {@code alpha_1 = clip(((g_2 - g_1) . g_2) / ||g_1 - g_2||^2, 0.001, 0.999)}.
 */
public final class Mgda extends RepresentationCapableWeighting {
    /** Gradient normalisation, LibMTL {@code --mgda_gn}. */
    public enum Normalization {
        NONE("none"), L2("l2"), LOSS("loss"), LOSS_PLUS("loss+");

        private final String id;

        Normalization(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Normalization parse(String s) {
            String k = s.trim().toLowerCase(Locale.ROOT);
            for (Normalization n : values()) if (n.id.equals(k)) return n;
            throw new IllegalArgumentException("unknown MGDA normalization '" + s + "'; valid: "
                    + Arrays.stream(values()).map(Normalization::id).toList());
        }
    }

    /** @param normalization LibMTL default {@code none} */
    public record Params(Normalization normalization) {
        public static final Params DEFAULTS = new Params(Normalization.NONE);
    }

    private final Params params;

    public Mgda() {
        this(Params.DEFAULTS);
    }

    public Mgda(Params params) {
        this.params = params;
    }

    @Override
    public String name() {
        return "mgda";
    }

    public Normalization normalization() {
        return params.normalization();
    }

    @Override
    protected WeightingResult compute(WeightingInput input) {
        double[][] gram = GradMath.gram(weightingRows(input));
        double[] n = new double[tasks];
        for (int t = 0; t < tasks; t++) {
            double l2 = Math.sqrt(Math.max(gram[t][t], 0));
            double v = switch (params.normalization()) {
                case NONE -> 1.0;
                case L2 -> l2;
                case LOSS -> input.losses()[t];
                case LOSS_PLUS -> input.losses()[t] * l2;
            };
            n[t] = (v == 0 || !Double.isFinite(v)) ? 1.0 : v;
        }
        double[][] normalized = new double[tasks][tasks];
        for (int i = 0; i < tasks; i++) {
            for (int j = 0; j < tasks; j++) normalized[i][j] = gram[i][j] / (n[i] * n[j]);
        }
        double[] alpha = MinNormSolver.solve(normalized);
        double[] w = new double[tasks];
        for (int t = 0; t < tasks; t++) w[t] = input.isRepresentation() ? alpha[t] : alpha[t] / n[t];
        return new WeightingResult(w, GradMath.combine(input.gradients(), w));
    }
}
