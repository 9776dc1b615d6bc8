package dev.polymath.nn.mtl.weighting;

/**
 * Nash-MTL: Navon et al., "Multi-Task Learning as a Bargaining Game", ICML 2022, as in the official code and
 * LibMTL. Every {@code updateWeightsEvery} steps, with {@code G} the Gram matrix normalised by its Frobenius
 * norm, the weights are the positive solution of the Nash bargaining condition
 * <pre>
 *   (G alpha)_t = 1 / alpha_t   for all t
 * </pre>
 * (between updates the previous {@code alpha} is reused), the trainer back-propagates
 * {@code sum_t alpha_t L_t} and clips the shared gradient to {@link #maxSharedGradNorm()} (default 1.0).
 *
 * <p>Solver (an equivalent reformulation): the condition is exactly the stationarity condition of the
 * strictly convex {@code F(alpha) = 1/2 alpha^T G alpha - sum_t log alpha_t} on {@code alpha > 0}, so it is
 * solved by damped Newton steps on {@code F} (Hessian {@code G + diag(1/alpha^2)}), warm-started from the
 * previous solution, to a residual {@code ||G alpha - 1/alpha|| < 1e-10}. The reference approaches the same
 * point by up to 20 concave-convex iterations of a cvxpy/ECOS program and stops at residual 1e-3; like the
 * reference, when no solution can be found (e.g. a zero gradient or two exactly opposite gradients, where
 * {@code F} is unbounded) the previous {@code alpha} (initially ones) is kept.
 * Two tasks have a closed form: {@code alpha_t = 1 / (||g_t|| sqrt(1 + cos(g_1, g_2)))} on the normalised
 * {@code G}. Parameter gradients only.
 */
public final class NashMtl extends AbstractWeighting {
    /**
     * @param updateWeightsEvery LibMTL {@code --update_weights_every}: 1
     * @param maxNorm            LibMTL {@code --max_norm}: 1.0 (0 disables clipping)
     */
    public record Params(int updateWeightsEvery, double maxNorm) {
        public static final Params DEFAULTS = new Params(1, 1.0);

        public Params {
            if (updateWeightsEvery < 1) throw new IllegalArgumentException("updateWeightsEvery must be >= 1");
            if (!(maxNorm >= 0)) throw new IllegalArgumentException("maxNorm must be >= 0");
        }
    }

    private final Params params;
    private long calls;
    private double[] previous;

    public NashMtl() {
        this(Params.DEFAULTS);
    }

    public NashMtl(Params params) {
        this.params = params;
    }

    @Override
    public String name() {
        return "nash_mtl";
    }

    @Override
    public GradientMode mode() {
        return GradientMode.PARAMETERS;
    }

    @Override
    public double maxSharedGradNorm() {
        return params.maxNorm();
    }

    @Override
    protected void onReset() {
        calls = 0;
        previous = ones(tasks);
    }

    @Override
    public java.util.Map<String, double[]> state() {
        var s = new java.util.LinkedHashMap<String, double[]>();
        s.put("calls", new double[] {calls});
        s.put("alpha", previous.clone());
        return s;
    }

    @Override
    public void restoreState(java.util.Map<String, double[]> state) {
        calls = (long) WeightingState.get(name(), state, "calls", 1)[0];
        previous = WeightingState.get(name(), state, "alpha", tasks);
    }

    @Override
    protected WeightingResult compute(WeightingInput input) {
        if (calls % params.updateWeightsEvery() == 0) {
            double[][] gram = GradMath.gram(input.gradients());
            double frob = 0;
            for (double[] row : gram) for (double v : row) frob += v * v;
            frob = Math.sqrt(frob);
            if (frob > 0 && Double.isFinite(frob)) {
                for (double[] row : gram) for (int j = 0; j < row.length; j++) row[j] /= frob;
                double[] alpha = solve(gram, previous);
                if (alpha != null) previous = alpha;
            }
        }
        calls++;
        return WeightingResult.ofWeights(previous.clone());
    }

    /** The positive solution of {@code G alpha = 1/alpha}, or null if Newton's method does not find one. */
    static double[] solve(double[][] gram, double[] start) {
        int n = gram.length;
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = start[i] > 0 && Double.isFinite(start[i]) ? start[i] : 1.0;
        double f = objective(gram, a);
        for (int iter = 0; iter < 200; iter++) {
            double[] ga = GradMath.mul(gram, a);
            double[] r = new double[n];
            double res = 0;
            for (int i = 0; i < n; i++) {
                r[i] = ga[i] - 1 / a[i];
                res += r[i] * r[i];
            }
            if (Math.sqrt(res) < 1e-10) return a;
            double[][] h = new double[n][n];
            for (int i = 0; i < n; i++) {
                h[i] = gram[i].clone();
                h[i][i] += 1 / (a[i] * a[i]);
            }
            double[] d = SmallLinalg.solve(h, r);
            if (d == null) return null;
            // largest step keeping alpha > 0, then backtracking on F
            double step = 1;
            for (int i = 0; i < n; i++) if (d[i] > 0) step = Math.min(step, 0.99 * a[i] / d[i]);
            double slope = 0;
            for (int i = 0; i < n; i++) slope -= r[i] * d[i];
            double[] next = new double[n];
            double fNext;
            while (true) {
                for (int i = 0; i < n; i++) next[i] = a[i] - step * d[i];
                fNext = objective(gram, next);
                if (fNext <= f + 1e-4 * step * slope || step < 1e-12) break;
                step /= 2;
            }
            if (!(fNext <= f) && step < 1e-12) {
                // no decrease possible: accept only if already (numerically) stationary
                return Math.sqrt(res) < 1e-6 ? a : null;
            }
            a = next.clone();
            f = fNext;
            for (double v : a) if (!Double.isFinite(v) || v > 1e12) return null;
        }
        double[] ga = GradMath.mul(gram, a);
        double res = 0;
        for (int i = 0; i < n; i++) res += (ga[i] - 1 / a[i]) * (ga[i] - 1 / a[i]);
        return Math.sqrt(res) < 1e-6 ? a : null;
    }

    private static double objective(double[][] gram, double[] a) {
        double f = 0.5 * GradMath.quad(a, gram, a);
        for (double v : a) {
            if (!(v > 0)) return Double.POSITIVE_INFINITY;
            f -= Math.log(v);
        }
        return f;
    }
}
