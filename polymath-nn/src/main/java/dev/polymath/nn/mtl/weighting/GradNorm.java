package dev.polymath.nn.mtl.weighting;

/**
 * GradNorm: Chen et al., "GradNorm: Gradient Normalization for Adaptive Loss Balancing in Deep Multitask
 * Networks", ICML 2018, in LibMTL's variant. Weights {@code w = T * softmax(s)} over learned logits {@code s}
 * (initialised to 1, i.e. equal weights). Epoch 0 is plain equal weighting (weights 1, no gradients used,
 * {@code s} unchanged); it also provides the initial losses {@code L_t(0)} as the epoch-0 mean training loss
 * (a run that starts at a later epoch uses its first epoch the same way).
 * From epoch 1 on, with {@code n_t = ||g_t||}:
 * <pre>
 *   G_t = w_t n_t,  Gbar = mean_t G_t,  Ltilde_t = L_t / L_t(0),  r_t = Ltilde_t / mean(Ltilde)
 *   L_grad = sum_t | G_t - Gbar r_t^alpha |      (the target Gbar r_t^alpha is a constant)
 * </pre>
 * the shared gradient is {@code sum_t w_t g_t} with the current weights, and {@code s} then takes one Adam
 * step on {@code dL_grad/ds_k = u_k w_k - p_k sum_t u_t w_t} with {@code u_t = sign(G_t - target_t) n_t},
 * {@code p = softmax(s)} (the analytic gradient of what LibMTL back-propagates). LibMTL learns {@code s} with
 * the model optimizer; the default here is LibMTL's default one (Adam lr 1e-4, weight decay 1e-5).
 * Supports parameter and representation gradients (LibMTL {@code rep_grad}).
 */
public final class GradNorm extends RepresentationCapableWeighting {
    /** @param alpha restoring-force strength, LibMTL {@code --alpha}: 1.5 */
    public record Params(double alpha, Adam.Config optimizer) {
        public static final Params DEFAULTS = new Params(1.5, Adam.Config.libmtlDefault());
    }

    private final Params params;
    private final EpochLossAverages averages = new EpochLossAverages();
    private double[] logits;
    private Adam adam;
    private int firstEpoch = -1;

    public GradNorm() {
        this(Params.DEFAULTS);
    }

    public GradNorm(Params params) {
        this.params = params;
    }

    @Override
    public String name() {
        return "gradnorm";
    }

    @Override
    protected void onReset() {
        averages.clear();
        firstEpoch = -1;
        logits = ones(tasks);
        adam = new Adam(params.optimizer(), tasks);
    }

    /** Current learned logits {@code s} (a copy). */
    public double[] logits() {
        return logits.clone();
    }

    @Override
    public java.util.Map<String, double[]> state() {
        var s = new java.util.LinkedHashMap<String, double[]>();
        averages.saveTo(s, "epoch_loss.");
        s.put("logits", logits.clone());
        s.put("first_epoch", new double[] {firstEpoch});
        adam.saveTo(s, "adam.");
        return s;
    }

    @Override
    public void restoreState(java.util.Map<String, double[]> state) {
        averages.restoreFrom(name(), state, "epoch_loss.");
        logits = WeightingState.get(name(), state, "logits", tasks);
        firstEpoch = (int) WeightingState.get(name(), state, "first_epoch", 1)[0];
        adam.restoreFrom(name(), state, "adam.");
    }

    @Override
    protected WeightingResult compute(WeightingInput input) {
        int e = input.epoch();
        double[] initial = e >= 1 && firstEpoch >= 0 && firstEpoch < e ? firstEpochMean() : null;
        if (firstEpoch < 0) firstEpoch = e;
        averages.add(e, input.losses());
        if (initial == null) return WeightingResult.ofWeights(ones(tasks));

        double[] w = scaledSoftmax(logits, tasks);
        double[][] gram = GradMath.gram(weightingRows(input));
        double[] norms = new double[tasks];
        double[] gt = new double[tasks];
        double gbar = 0;
        for (int t = 0; t < tasks; t++) {
            norms[t] = Math.sqrt(Math.max(gram[t][t], 0));
            gt[t] = w[t] * norms[t];
            gbar += gt[t] / tasks;
        }
        double[] ratio = new double[tasks];
        double meanRatio = 0;
        for (int t = 0; t < tasks; t++) {
            ratio[t] = input.losses()[t] / initial[t];
            meanRatio += ratio[t] / tasks;
        }
        double[] u = new double[tasks];
        double sumUw = 0;
        for (int t = 0; t < tasks; t++) {
            double target = gbar * Math.pow(ratio[t] / meanRatio, params.alpha());
            u[t] = Math.signum(gt[t] - target) * norms[t];
            sumUw += u[t] * w[t];
        }
        double[] grad = new double[tasks];
        for (int k = 0; k < tasks; k++) grad[k] = u[k] * w[k] - (w[k] / tasks) * sumUw;
        float[] shared = GradMath.combine(input.gradients(), w);
        adam.step(logits, grad);
        return new WeightingResult(w, shared);
    }

    /**
     * {@code L_t(0)}: the epoch-0 mean loss (LibMTL's {@code train_loss_buffer[:, 0]}); if the run did not start
     * at epoch 0 (e.g. resumed), the mean of the earliest epoch seen before the current one.
     */
    private double[] firstEpochMean() {
        if (firstEpoch < 0) return null;
        return averages.mean(firstEpoch);
    }
}
