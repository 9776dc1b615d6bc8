package dev.polymath.nn.mtl.weighting;

/**
 * Conflict-Averse Gradient descent (CAGrad): Liu et al., "Conflict-Averse Gradient Descent for Multi-task
 * Learning", NeurIPS 2021, as in LibMTL (modified from the official code). With {@code G} the Gram matrix,
 * {@code g0 = mean_t g_t}, {@code ||g0|| = sqrt(mean(G) + 1e-8)} and {@code c = calpha ||g0|| + 1e-8}, solve
 * <pre>
 *   w* = argmin_{w in simplex}  w^T G 1/T + c sqrt(w^T G w + 1e-8)
 * </pre>
 * then {@code g_w = sum_t w*_t g_t}, {@code lambda = c / (||g_w|| + 1e-8)} and the update
 * {@code d = (g0 + lambda g_w) / s} with {@code s = 1} (rescale 0), {@code 1 + calpha^2} (rescale 1,
 * default) or {@code 1 + calpha} (rescale 2). The reference solves the dual with scipy's SLSQP; here the same
 * convex problem is solved by accelerated projected gradient (FISTA with backtracking and adaptive restart)
 * to a tighter tolerance. Weights: effective coefficients {@code (1/T + lambda w*_t) / s} (LibMTL reports
 * {@code w*}). Parameter gradients only.
 */
public final class CaGrad extends AbstractWeighting {
    /**
     * @param calpha  LibMTL {@code --calpha}: 0.5
     * @param rescale LibMTL {@code --rescale}: 1 (0, 1 or 2)
     */
    public record Params(double calpha, int rescale) {
        public static final Params DEFAULTS = new Params(0.5, 1);

        public Params {
            if (rescale < 0 || rescale > 2) throw new IllegalArgumentException("CAGrad rescale must be 0, 1 or 2");
            if (!(calpha >= 0)) throw new IllegalArgumentException("calpha must be >= 0");
        }
    }

    private final Params params;

    public CaGrad() {
        this(Params.DEFAULTS);
    }

    public CaGrad(Params params) {
        this.params = params;
    }

    @Override
    public String name() {
        return "cagrad";
    }

    @Override
    public GradientMode mode() {
        return GradientMode.PARAMETERS;
    }

    @Override
    protected WeightingResult compute(WeightingInput input) {
        double[][] gram = GradMath.gram(input.gradients());
        double[] coef = coefficients(gram, params);
        return new WeightingResult(coef, GradMath.combine(input.gradients(), coef));
    }

    /** Effective coefficients of the raw gradients for a Gram matrix. */
    static double[] coefficients(double[][] gram, Params params) {
        int n = gram.length;
        double mean = 0;
        for (double[] row : gram) for (double v : row) mean += v;
        mean /= (double) n * n;
        double g0Norm = Math.sqrt(mean + 1e-8);
        double c = params.calpha() * g0Norm + 1e-8;
        double[] w = solveDual(gram, c);
        double gwNorm = Math.sqrt(Math.max(GradMath.quad(w, gram, w), 0));
        double lambda = c / (gwNorm + 1e-8);
        double s = switch (params.rescale()) {
            case 0 -> 1.0;
            case 1 -> 1 + params.calpha() * params.calpha();
            default -> 1 + params.calpha();
        };
        double[] coef = new double[n];
        for (int t = 0; t < n; t++) coef[t] = (1.0 / n + lambda * w[t]) / s;
        return coef;
    }

    /** argmin over the simplex of {@code w^T G 1/T + c sqrt(w^T G w + 1e-8)}. */
    static double[] solveDual(double[][] gram, double c) {
        int n = gram.length;
        double[] ab = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) s += gram[i][j];
            ab[i] = s / n;
        }
        double[] x = GradMath.filled(n, 1.0 / n);
        if (n == 1) return x;
        double trace = 0;
        for (int i = 0; i < n; i++) trace += Math.abs(gram[i][i]);
        double lip = Math.max(trace * (1 + c / 1e-4), 1e-300) * 1e-6; // optimistic start; backtracking raises it
        double[] y = x.clone();
        double tk = 1;
        double fx = objective(gram, ab, c, x);
        for (int iter = 0; iter < 20000; iter++) {
            double[] gy = gradient(gram, ab, c, y);
            double fy = objective(gram, ab, c, y);
            double[] z;
            double fz;
            while (true) {
                double[] step = new double[n];
                for (int i = 0; i < n; i++) step[i] = y[i] - gy[i] / lip;
                z = SmallLinalg.projectToSimplex(step);
                fz = objective(gram, ab, c, z);
                double lin = 0, sq = 0;
                for (int i = 0; i < n; i++) {
                    double d = z[i] - y[i];
                    lin += gy[i] * d;
                    sq += d * d;
                }
                if (fz <= fy + lin + 0.5 * lip * sq + 1e-15 * Math.abs(fy) || lip > 1e300) break;
                lip *= 2;
            }
            double change = 0;
            for (int i = 0; i < n; i++) change += Math.abs(z[i] - x[i]);
            if (fz > fx) { // adaptive restart: momentum made things worse
                tk = 1;
                y = x.clone();
                lip *= 2;
                if (change < 1e-15) break;
                continue;
            }
            double tNext = (1 + Math.sqrt(1 + 4 * tk * tk)) / 2;
            double[] yNext = new double[n];
            for (int i = 0; i < n; i++) yNext[i] = z[i] + ((tk - 1) / tNext) * (z[i] - x[i]);
            x = z;
            fx = fz;
            y = yNext;
            tk = tNext;
            lip *= 0.9;
            if (change < 1e-14) break;
        }
        return x;
    }

    static double objective(double[][] gram, double[] ab, double c, double[] w) {
        double lin = 0;
        for (int i = 0; i < w.length; i++) lin += w[i] * ab[i];
        return lin + c * Math.sqrt(Math.max(GradMath.quad(w, gram, w), 0) + 1e-8);
    }

    private static double[] gradient(double[][] gram, double[] ab, double c, double[] w) {
        double[] gw = GradMath.mul(gram, w);
        double q = 0;
        for (int i = 0; i < w.length; i++) q += w[i] * gw[i];
        double root = Math.sqrt(Math.max(q, 0) + 1e-8);
        double[] g = new double[w.length];
        for (int i = 0; i < w.length; i++) g[i] = ab[i] + c * gw[i] / root;
        return g;
    }
}
