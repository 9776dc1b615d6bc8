package dev.polymath.nn.mtl.weighting;

/**
 * A multi-task loss-weighting or gradient-manipulation method (EW, UW, DWA, GradNorm, MGDA, PCGrad, CAGrad,
 * Nash-MTL, FAMO, ...). Methods are plain Java over losses and gradient matrices, so they are tested on
 * fixed inputs without a network; the trainer (DJL) computes the inputs and applies the result.
 * A method may keep state (loss history, learned log-variances, EMA targets); {@link #reset} clears it.
 */
public interface Weighting {
    /** Registry name, e.g. {@code pcgrad}. */
    String name();

    /** What the method needs besides the losses. */
    GradientMode mode();

    /** Prepares for a run with {@code tasks} tasks; random choices derive from {@code seed}. */
    void reset(int tasks, long seed);

    /** One training step. */
    WeightingResult step(WeightingInput input);
}
