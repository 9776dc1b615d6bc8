package dev.polymath.nn.mtl.weighting;

/**
 * What the trainer hands a weighting method at each step.
 *
 * @param step      global step, from 0
 * @param epoch     epoch, from 0 (epoch-level methods such as DWA keep their own loss averages)
 * @param losses    the T task losses of this step (unweighted, finite)
 * @param gradients T x P per-task gradients (of the shared parameters or the shared representation, as the
 *                  trainer was asked for), or null when the method's mode is {@link GradientMode#LOSSES}
 */
public record WeightingInput(long step, int epoch, double[] losses, float[][] gradients) {
    public int tasks() {
        return losses.length;
    }
}
