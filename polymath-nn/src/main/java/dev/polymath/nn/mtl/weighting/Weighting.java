package dev.polymath.nn.mtl.weighting;

/**
 * A multi-task loss-weighting or gradient-manipulation method (EW, UW, DWA, GradNorm, MGDA, PCGrad, CAGrad,
 * Nash-MTL, FAMO, ...). Methods are plain Java over losses and gradient matrices, so they are tested on
 * fixed inputs without a network; the trainer (DJL) computes the inputs and applies the result.
 * A method may keep state (loss history, learned log-variances, EMA targets); {@link #reset} clears it.
 *
 * <h2>What the trainer does with a {@link WeightingResult}</h2>
 * <ul>
 *   <li>{@code sharedGradient == null}: back-propagate {@code sum_t w_t L_t} through the whole model
 *       (shared and task-specific parameters).</li>
 *   <li>{@code sharedGradient != null}: write it as the gradient of the shared parameters (mode
 *       {@link GradientMode#PARAMETERS}) or back-propagate it from the shared representation into the
 *       encoder (mode {@link GradientMode#REPRESENTATION}); task-specific parameters keep the gradient of
 *       their own, unweighted task loss (this is what LibMTL does: it computes the per-task gradients with
 *       one backward pass per task, which also fills each head's gradient, and then overwrites only the
 *       shared gradient).</li>
 *   <li>If {@link #maxSharedGradNorm()} is positive, clip the shared parameters' gradient to that global
 *       L2 norm before the optimizer step (Nash-MTL).</li>
 *   <li>If {@link #wantsLossesAfterUpdate()}, after the optimizer step re-evaluate the task losses on the
 *       same batch without gradients and pass them to {@link #afterUpdate} (FAMO).</li>
 * </ul>
 * For every method in this package the returned weights are the <em>effective</em> coefficients:
 * whenever {@code sharedGradient} is present it equals {@code sum_t w_t g_t} over the input rows (GradVac
 * with several parameter groups is the only exception), so the weights are what is plotted.
 */
public interface Weighting {
    /** Registry name, e.g. {@code pcgrad}. */
    String name();

    /** What the method needs besides the losses (its preferred mode). */
    GradientMode mode();

    /**
     * Whether the method can run on gradients of the given kind. Losses-only methods support every mode
     * (they ignore gradients); gradient methods support {@link GradientMode#PARAMETERS} and, where LibMTL
     * allows {@code rep_grad=True} (GradNorm, MGDA, IMTL, Aligned-MTL), {@link GradientMode#REPRESENTATION}.
     */
    default boolean supports(GradientMode gradientMode) {
        return mode() == GradientMode.LOSSES || gradientMode == mode();
    }

    /** Prepares for a run with {@code tasks} tasks; random choices derive from {@code seed}. Clears all state. */
    void reset(int tasks, long seed);

    /** One training step. */
    WeightingResult step(WeightingInput input);

    /**
     * Global L2 norm to which the trainer clips the shared parameters' gradient after the backward pass;
     * 0 for none (Nash-MTL uses 1.0, as its reference and LibMTL do).
     */
    default double maxSharedGradNorm() {
        return 0;
    }

    /** True if the method wants {@link #afterUpdate} after every optimizer step (FAMO). */
    default boolean wantsLossesAfterUpdate() {
        return false;
    }

    /**
     * Called by the trainer after the optimizer step with the task losses re-evaluated (no gradients) on the
     * same batch with the updated parameters. No-op unless {@link #wantsLossesAfterUpdate()}.
     */
    default void afterUpdate(double[] lossesAfterUpdate) {}

    /**
     * Everything the method has learned or accumulated since {@link #reset} (UW's log-variances, DWA's loss
     * history, FAMO's logits and pending losses, the state of its own optimizer, ...), as named arrays, so a
     * checkpoint can save it and {@link #restoreState} can continue exactly; empty for stateless methods.
     * Random choices are a pure function of (seed, step), so they need no state.
     */
    default java.util.Map<String, double[]> state() {
        return java.util.Map.of();
    }

    /** Restores what {@link #state()} returned, after {@link #reset} with the same task count and seed. */
    default void restoreState(java.util.Map<String, double[]> state) {
        if (!state.isEmpty()) throw new IllegalArgumentException(name() + " keeps no state, got " + state.keySet());
    }
}
