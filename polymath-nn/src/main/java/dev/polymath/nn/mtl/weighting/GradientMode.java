package dev.polymath.nn.mtl.weighting;

/** What a weighting method needs besides the per-task losses. */
public enum GradientMode {
    /** Losses only: the trainer back-propagates the weighted sum of task losses once. */
    LOSSES,
    /** Per-task gradients of the shared parameters (a T x P matrix). */
    PARAMETERS,
    /** Per-task gradients of the shared representation (a T x (batch * width) matrix). */
    REPRESENTATION
}
