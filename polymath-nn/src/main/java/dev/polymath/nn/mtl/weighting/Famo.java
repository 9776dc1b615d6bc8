package dev.polymath.nn.mtl.weighting;

/**
 * Fast Adaptive Multitask Optimization (FAMO): Liu et al., "FAMO: Fast Adaptive Multitask Optimization",
 * NeurIPS 2023, as in the official code (Cranial-XIX/FAMO) and LibMTL. Learned logits {@code xi} (initially
 * 0), {@code z = softmax(xi)}, {@code D_t = L_t - Lmin_t + 1e-8} with {@code Lmin = 0} (as in LibMTL). The
 * reference back-propagates {@code sum_t z_t log(D_t) / c} with the constant {@code c = sum_t z_t / D_t};
 * its gradient is {@code sum_t w_t grad L_t} with
 * <pre>
 *   w_t = z_t / (c D_t)          (the weights returned; they sum to 1)
 * </pre>
 * so back-propagating {@code sum_t w_t L_t} is the same update. After the optimizer step the trainer
 * re-evaluates the losses on the same batch ({@link #wantsLossesAfterUpdate()}) and {@link #afterUpdate}
 * updates the logits: {@code delta_t = log D_t(before) - log D_t(after)}, gradient
 * {@code J_softmax(xi)^T delta = z * (delta - z . delta)}, one Adam step (lr {@code wLr} = 0.025,
 * L2 weight decay {@code gamma} = 1e-3, LibMTL's defaults; the official code's default gamma is 1e-5 and it
 * also clips the shared gradient norm to 1, which LibMTL does not).
 *
 * <p>Fallback (an approximation, not the reference): if the trainer never calls {@link #afterUpdate}, the
 * next step's losses (on the next batch) stand in for the re-evaluated ones. Losses are clamped so that
 * {@code D_t >= 1e-12}.
 */
public final class Famo extends AbstractWeighting {
    /**
     * @param wLr   LibMTL {@code --FAMO_w_lr}: 0.025
     * @param gamma LibMTL {@code --FAMO_w_gamma}: 1e-3 (Adam weight decay of the logits)
     */
    public record Params(double wLr, double gamma) {
        public static final Params DEFAULTS = new Params(0.025, 1e-3);
    }

    private final Params params;
    private double[] logits;
    private Adam adam;
    private double[] pendingLosses;

    public Famo() {
        this(Params.DEFAULTS);
    }

    public Famo(Params params) {
        this.params = params;
    }

    @Override
    public String name() {
        return "famo";
    }

    @Override
    public GradientMode mode() {
        return GradientMode.LOSSES;
    }

    @Override
    public boolean wantsLossesAfterUpdate() {
        return true;
    }

    @Override
    protected void onReset() {
        logits = new double[tasks];
        adam = new Adam(Adam.Config.of(params.wLr(), params.gamma()), tasks);
        pendingLosses = null;
    }

    /** Current logits {@code xi} (a copy). */
    public double[] logits() {
        return logits.clone();
    }

    @Override
    public java.util.Map<String, double[]> state() {
        var s = new java.util.LinkedHashMap<String, double[]>();
        s.put("logits", logits.clone());
        if (pendingLosses != null) s.put("pending_losses", pendingLosses.clone());
        adam.saveTo(s, "adam.");
        return s;
    }

    @Override
    public void restoreState(java.util.Map<String, double[]> state) {
        logits = WeightingState.get(name(), state, "logits", tasks);
        pendingLosses = state.containsKey("pending_losses") ? WeightingState.get(name(), state, "pending_losses", tasks) : null;
        adam.restoreFrom(name(), state, "adam.");
    }

    @Override
    protected WeightingResult compute(WeightingInput input) {
        if (pendingLosses != null) update(input.losses()); // fallback: no afterUpdate since the last step
        double[] z = scaledSoftmax(logits, 1.0);
        double[] w = new double[tasks];
        double c = 0;
        for (int t = 0; t < tasks; t++) c += z[t] / gap(input.losses()[t]);
        for (int t = 0; t < tasks; t++) w[t] = z[t] / (c * gap(input.losses()[t]));
        pendingLosses = input.losses().clone();
        return WeightingResult.ofWeights(w);
    }

    @Override
    public void afterUpdate(double[] lossesAfterUpdate) {
        if (pendingLosses == null) return;
        if (lossesAfterUpdate.length != tasks) {
            throw new IllegalArgumentException("famo: expected " + tasks + " losses, got " + lossesAfterUpdate.length);
        }
        update(lossesAfterUpdate);
    }

    private void update(double[] after) {
        double[] z = scaledSoftmax(logits, 1.0);
        double[] delta = new double[tasks];
        double zd = 0;
        for (int t = 0; t < tasks; t++) {
            delta[t] = Math.log(gap(pendingLosses[t])) - Math.log(gap(after[t]));
            zd += z[t] * delta[t];
        }
        double[] grad = new double[tasks];
        for (int t = 0; t < tasks; t++) grad[t] = z[t] * (delta[t] - zd);
        adam.step(logits, grad);
        pendingLosses = null;
    }

    private static double gap(double loss) {
        return Math.max(loss + 1e-8, 1e-12);
    }
}
