package dev.polymath.nn.mtl.weighting;

/**
 * Uncertainty Weighting (UW): Kendall, Gal &amp; Cipolla, "Multi-Task Learning Using Uncertainty to Weigh Losses
 * for Scene Geometry and Semantics", CVPR 2018, in LibMTL's variant: learned {@code s_t = log sigma_t^2},
 * initialised to -0.5, objective {@code sum_t L_t / (2 exp(s_t)) + s_t / 2}, so the loss weights are
 * {@code w_t = 1 / (2 exp(s_t))}.
 *
 * <p>Update: LibMTL learns {@code s} with the model's optimizer. Here {@code s} is updated inside
 * {@link #step} by Adam on the analytic gradient {@code d/ds_t = -L_t / (2 exp(s_t)) + 1/2}, after the weights
 * of the step were computed from the current {@code s} (the same order as a backward pass followed by an
 * optimizer step). Default optimizer: LibMTL's default model optimizer, Adam lr 1e-4, weight decay 1e-5.
 */
public final class UncertaintyWeighting extends AbstractWeighting {
    /** @param initialLogVariance LibMTL: -0.5 */
    public record Params(double initialLogVariance, Adam.Config optimizer) {
        public static final Params DEFAULTS = new Params(-0.5, Adam.Config.libmtlDefault());
    }

    private final Params params;
    private double[] logVariance;
    private Adam adam;

    public UncertaintyWeighting() {
        this(Params.DEFAULTS);
    }

    public UncertaintyWeighting(Params params) {
        this.params = params;
    }

    @Override
    public String name() {
        return "uw";
    }

    @Override
    public GradientMode mode() {
        return GradientMode.LOSSES;
    }

    @Override
    protected void onReset() {
        logVariance = GradMath.filled(tasks, params.initialLogVariance());
        adam = new Adam(params.optimizer(), tasks);
    }

    /** Current learned log-variances {@code s_t} (a copy). */
    public double[] logVariances() {
        return logVariance.clone();
    }

    @Override
    public java.util.Map<String, double[]> state() {
        var s = new java.util.LinkedHashMap<String, double[]>();
        s.put("log_variance", logVariance.clone());
        adam.saveTo(s, "adam.");
        return s;
    }

    @Override
    public void restoreState(java.util.Map<String, double[]> state) {
        logVariance = WeightingState.get(name(), state, "log_variance", tasks);
        adam.restoreFrom(name(), state, "adam.");
    }

    @Override
    protected WeightingResult compute(WeightingInput input) {
        double[] w = new double[tasks];
        double[] grad = new double[tasks];
        for (int t = 0; t < tasks; t++) {
            w[t] = 1 / (2 * Math.exp(logVariance[t]));
            grad[t] = -input.losses()[t] * w[t] + 0.5;
        }
        adam.step(logVariance, grad);
        return WeightingResult.ofWeights(w);
    }
}
