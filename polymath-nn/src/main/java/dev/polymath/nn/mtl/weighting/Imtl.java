package dev.polymath.nn.mtl.weighting;

/**
 * Impartial Multi-Task Learning (IMTL): Liu et al., "Towards Impartial Multi-task Learning", ICLR 2021, the
 * hybrid IMTL (IMTL-L + IMTL-G) as in LibMTL. Each loss is scaled to {@code exp(s_t) L_t - s_t} with learned
 * {@code s} (initialised to 0); with the scaled gradients {@code gs_t = exp(s_t) g_t}, unit vectors
 * {@code u_t = gs_t / ||gs_t||}, {@code D = [gs_1 - gs_t]_{t>1}}, {@code U = [u_1 - u_t]_{t>1}}:
 * <pre>
 *   alpha_{2..T} = gs_1 U^T (D U^T)^{-1},   alpha_1 = 1 - sum_{t>1} alpha_t
 * </pre>
 * and the shared gradient is {@code sum_t alpha_t gs_t}: every task's gradient has the same projection on the
 * result. All of this is computed from the T x T Gram matrix. Effective weights {@code alpha_t exp(s_t)}.
 * IMTL-L: {@code s} receives the gradient of the unweighted scaled losses, {@code exp(s_t) L_t - 1} (as in
 * LibMTL, where each scaled loss is back-propagated once to get the task gradients), and takes one Adam step
 * after the weights were computed (LibMTL's default model optimizer: Adam lr 1e-4, weight decay 1e-5).
 * If {@code D U^T} is singular (e.g. two identical gradients) the step falls back to {@code alpha = 1/T}.
 * Supports parameter and representation gradients.
 */
public final class Imtl extends RepresentationCapableWeighting {
    public record Params(Adam.Config optimizer) {
        public static final Params DEFAULTS = new Params(Adam.Config.libmtlDefault());
    }

    private final Params params;
    private double[] scale;
    private Adam adam;

    public Imtl() {
        this(Params.DEFAULTS);
    }

    public Imtl(Params params) {
        this.params = params;
    }

    @Override
    public String name() {
        return "imtl";
    }

    @Override
    protected void onReset() {
        scale = new double[tasks];
        adam = new Adam(params.optimizer(), tasks);
    }

    @Override
    public java.util.Map<String, double[]> state() {
        var s = new java.util.LinkedHashMap<String, double[]>();
        s.put("scale", scale.clone());
        adam.saveTo(s, "adam.");
        return s;
    }

    @Override
    public void restoreState(java.util.Map<String, double[]> state) {
        scale = WeightingState.get(name(), state, "scale", tasks);
        adam.restoreFrom(name(), state, "adam.");
    }

    /** Current learned loss scales {@code s} (a copy). */
    public double[] scales() {
        return scale.clone();
    }

    @Override
    protected WeightingResult compute(WeightingInput input) {
        double[][] gram = GradMath.gram(weightingRows(input));
        double[] e = new double[tasks];
        for (int t = 0; t < tasks; t++) e[t] = Math.exp(scale[t]);
        double[][] scaled = new double[tasks][tasks];
        for (int i = 0; i < tasks; i++) for (int j = 0; j < tasks; j++) scaled[i][j] = e[i] * e[j] * gram[i][j];
        double[] alpha = alpha(scaled);
        double[] w = new double[tasks];
        for (int t = 0; t < tasks; t++) w[t] = alpha[t] * e[t];
        double[] grad = new double[tasks];
        for (int t = 0; t < tasks; t++) grad[t] = e[t] * input.losses()[t] - 1;
        float[] shared = GradMath.combine(input.gradients(), w);
        adam.step(scale, grad);
        return new WeightingResult(w, shared);
    }

    /** IMTL-G's closed form for the Gram matrix of the (scaled) gradients. */
    static double[] alpha(double[][] gram) {
        int n = gram.length;
        if (n == 1) return new double[] {1.0};
        double[] norm = new double[n];
        for (int t = 0; t < n; t++) norm[t] = Math.sqrt(Math.max(gram[t][t], 0));
        // a . u_b = G_ab / ||g_b||
        int m = n - 1;
        double[][] du = new double[m][m]; // (D U^T)[i][j] = (g_0 - g_{i+1}) . (u_0 - u_{j+1})
        double[] r = new double[m];       // g_0 . (u_0 - u_{j+1})
        for (int j = 0; j < m; j++) {
            int b = j + 1;
            r[j] = gram[0][0] / norm[0] - gram[0][b] / norm[b];
            for (int i = 0; i < m; i++) {
                int a = i + 1;
                du[i][j] = gram[0][0] / norm[0] - gram[0][b] / norm[b] - gram[a][0] / norm[0] + gram[a][b] / norm[b];
            }
        }
        // row vector x = r (D U^T)^{-1}  <=>  (D U^T)^T x^T = r^T
        double[][] duT = new double[m][m];
        for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) duT[i][j] = du[j][i];
        double[] x = SmallLinalg.solve(duT, r);
        double[] alpha = new double[n];
        boolean ok = x != null;
        if (ok) for (double v : x) ok &= Double.isFinite(v);
        if (!ok) {
            java.util.Arrays.fill(alpha, 1.0 / n);
            return alpha;
        }
        double sum = 0;
        for (int j = 0; j < m; j++) {
            alpha[j + 1] = x[j];
            sum += x[j];
        }
        alpha[0] = 1 - sum;
        return alpha;
    }
}
