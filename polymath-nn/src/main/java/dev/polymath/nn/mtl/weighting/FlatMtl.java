package dev.polymath.nn.mtl.weighting;

import dev.polymath.core.util.Seeds;
import java.util.function.Supplier;

/**
 * F-MTL, sharpness-aware multi-task learning: Phan et al., "Improving Multi-task Learning via Seeking
 * Task-based Flat Regions" (arXiv 2211.13723; ICCV 2025 as "Beyond Losses Reweighting: Empowering Multi-Task
 * Learning via the Generalization Perspective"), following the official code (VietHoang1512/FS-MTL). This is
 * the model-independent part; it wraps any {@link Weighting} (the "aggregator").
 *
 * <h2>Algorithm, one training step</h2>
 * <ol>
 *   <li>Trainer: forward on the batch; for each task {@code t}, the loss {@code L_t}, the gradient
 *       {@code g_t} of the shared parameters {@code theta} and the gradient {@code h_t} of task t's head
 *       {@code phi_t} (one backward per task).</li>
 *   <li>Perturbations, one per task and computed separately for the shared part and for the head
 *       ({@link #perturbation}): {@code eps_t = rho g_t / (||g_t|| + 1e-12)} and
 *       {@code eps_t^head = rho h_t / (||h_t|| + 1e-12)}; adaptive (ASAM) variant
 *       ({@link #adaptivePerturbation}): {@code eps = rho theta^2 g / (|| |theta| g || + 1e-12)}.</li>
 *   <li>Trainer, for each task {@code t}: set {@code theta + eps_t}, {@code phi_t + eps_t^head}, forward
 *       (batch-norm running statistics frozen), back-propagate {@code L_t} only; keep the shared gradient as
 *       the SAM gradient {@code gs_t} and the head gradient as task t's head gradient for the update; restore
 *       {@code theta} and {@code phi_t}.</li>
 *   <li>{@link #combine}: variant {@link Variant#SEPARATE} (F-MTL proper): the "loss" gradients {@code g_t} and
 *       the "flat" gradients {@code f_t = gs_t - g_t} are aggregated separately by two instances of the
 *       aggregator, and the shared gradient is {@code agg(g) + agg(f)}; variant {@link Variant#DIRECT}
 *       (the reference's {@code a-} methods): {@code agg(gs)}.</li>
 *   <li>Trainer: write the shared gradient into {@code theta} (heads keep their SAM gradients), optimizer
 *       step at the unperturbed point.</li>
 * </ol>
 * Losses-only aggregators (EW, UW, ...) are applied as {@code sum_t w_t row_t}. The reference's MGDA variant
 * additionally multiplies the aggregated gradient by T; that factor is not applied here. The returned
 * weights are those of the loss-gradient aggregator (for {@code DIRECT}, of the single aggregator).
 */
public final class FlatMtl {
    public enum Variant { SEPARATE, DIRECT }

    /**
     * @param rho      neighbourhood radius: 0.05 (the reference's default without ASAM; it uses 2.0 with
     *                 {@code adaptive} on NYUv2, Cityscapes and CelebA)
     * @param adaptive whether the trainer should use {@link #adaptivePerturbation} (ASAM) — informational,
     *                 the trainer picks the function
     * @param variant  {@code SEPARATE} (F-MTL)
     */
    public record Params(double rho, boolean adaptive, Variant variant) {
        public static final Params DEFAULTS = new Params(0.05, false, Variant.SEPARATE);

        public Params {
            if (!(rho > 0)) throw new IllegalArgumentException("rho must be > 0");
        }
    }

    private final Params params;
    private final Weighting lossAggregator;
    private final Weighting flatAggregator;

    public FlatMtl(Supplier<? extends Weighting> aggregator) {
        this(aggregator, Params.DEFAULTS);
    }

    public FlatMtl(Supplier<? extends Weighting> aggregator, Params params) {
        this(aggregator.get(), params.variant() == Variant.SEPARATE ? aggregator.get() : null, params);
    }

    /**
     * From two instances of the same aggregator: one for the loss gradients, one for the flat gradients
     * ({@code null} for {@link Variant#DIRECT}); they must not be the same object (each keeps its own state).
     */
    public FlatMtl(Weighting lossAggregator, Weighting flatAggregator, Params params) {
        if ((params.variant() == Variant.SEPARATE) != (flatAggregator != null)) {
            throw new IllegalArgumentException("the " + params.variant() + " variant needs " + (flatAggregator == null ? "a" : "no") + " second aggregator");
        }
        if (lossAggregator == flatAggregator) throw new IllegalArgumentException("the two aggregators must be separate instances");
        if (flatAggregator != null && !flatAggregator.name().equals(lossAggregator.name())) {
            throw new IllegalArgumentException("both aggregators must be the same method, got " + lossAggregator.name() + " and " + flatAggregator.name());
        }
        this.params = params;
        this.lossAggregator = lossAggregator;
        this.flatAggregator = flatAggregator;
    }

    /** Passes the re-evaluated losses to both aggregators (FAMO), if they want them. */
    public void afterUpdate(double[] lossesAfterUpdate) {
        if (lossAggregator.wantsLossesAfterUpdate()) lossAggregator.afterUpdate(lossesAfterUpdate);
        if (flatAggregator != null && flatAggregator.wantsLossesAfterUpdate()) flatAggregator.afterUpdate(lossesAfterUpdate);
    }

    /** Both aggregators' state, under {@code loss.} and {@code flat.}. */
    public java.util.Map<String, double[]> state() {
        var s = new java.util.LinkedHashMap<String, double[]>(WeightingState.prefixed("loss.", lossAggregator.state()));
        if (flatAggregator != null) s.putAll(WeightingState.prefixed("flat.", flatAggregator.state()));
        return s;
    }

    public void restoreState(java.util.Map<String, double[]> state) {
        lossAggregator.restoreState(WeightingState.under("loss.", state));
        if (flatAggregator != null) flatAggregator.restoreState(WeightingState.under("flat.", state));
    }

    public Params params() {
        return params;
    }

    public String name() {
        return "fmtl+" + lossAggregator.name();
    }

    /** The aggregator's gradient mode (LOSSES aggregators still need the per-task gradients here). */
    public Weighting aggregator() {
        return lossAggregator;
    }

    public void reset(int tasks, long seed) {
        lossAggregator.reset(tasks, Seeds.mix(seed, "fmtl/loss"));
        if (flatAggregator != null) flatAggregator.reset(tasks, Seeds.mix(seed, "fmtl/flat"));
    }

    /** {@code rho g / (||g|| + 1e-12)}. */
    public static float[] perturbation(float[] gradient, double rho) {
        double scale = rho / (GradMath.norm(gradient) + 1e-12);
        float[] eps = new float[gradient.length];
        for (int i = 0; i < eps.length; i++) eps[i] = (float) (scale * gradient[i]);
        return eps;
    }

    /** ASAM: {@code rho theta^2 g / (|| |theta| g || + 1e-12)}. */
    public static float[] adaptivePerturbation(float[] gradient, float[] parameters, double rho) {
        if (parameters.length != gradient.length) throw new IllegalArgumentException("length mismatch");
        double sq = 0;
        for (int i = 0; i < gradient.length; i++) {
            double v = (double) Math.abs(parameters[i]) * gradient[i];
            sq += v * v;
        }
        double scale = rho / (Math.sqrt(sq) + 1e-12);
        float[] eps = new float[gradient.length];
        for (int i = 0; i < eps.length; i++) eps[i] = (float) (scale * parameters[i] * parameters[i] * gradient[i]);
        return eps;
    }

    /**
     * The shared gradient from the unperturbed task gradients {@code gradients} (T x P) and the SAM gradients
     * {@code samGradients} (T x P, task t's gradient at its own perturbed point).
     */
    public WeightingResult combine(long step, int epoch, double[] losses, float[][] gradients,
                                   float[][] samGradients) {
        int t = gradients.length;
        if (samGradients.length != t) throw new IllegalArgumentException("need " + t + " SAM gradient rows");
        if (params.variant() == Variant.DIRECT) {
            WeightingResult r = lossAggregator.step(new WeightingInput(step, epoch, losses, samGradients));
            return new WeightingResult(r.weights(), sharedOf(r, samGradients));
        }
        int p = gradients[0].length;
        float[][] flat = new float[t][p];
        for (int k = 0; k < t; k++) {
            float[] g = gradients[k], s = samGradients[k], f = flat[k];
            if (s.length != p || g.length != p) throw new IllegalArgumentException("gradient rows must have length " + p);
            for (int i = 0; i < p; i++) f[i] = s[i] - g[i];
        }
        WeightingResult rg = lossAggregator.step(new WeightingInput(step, epoch, losses, gradients));
        WeightingResult rf = flatAggregator.step(new WeightingInput(step, epoch, losses, flat));
        float[] a = sharedOf(rg, gradients);
        float[] b = sharedOf(rf, flat);
        for (int i = 0; i < p; i++) a[i] += b[i];
        return new WeightingResult(rg.weights(), a);
    }

    private static float[] sharedOf(WeightingResult r, float[][] rows) {
        return r.sharedGradient() != null ? r.sharedGradient().clone() : GradMath.combine(rows, r.weights());
    }
}
