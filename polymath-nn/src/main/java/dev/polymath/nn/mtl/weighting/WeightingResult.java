package dev.polymath.nn.mtl.weighting;

/**
 * A weighting method's decision for one step.
 *
 * @param weights        per-task loss weights (always present: recorded and plotted as the weight trajectory)
 * @param sharedGradient the combined gradient (length P) to write into the shared parameters or
 *                       representation, or null when the trainer should back-propagate {@code sum_t w_t L_t}
 */
public record WeightingResult(double[] weights, float[] sharedGradient) {
    public static WeightingResult ofWeights(double... weights) {
        return new WeightingResult(weights, null);
    }
}
