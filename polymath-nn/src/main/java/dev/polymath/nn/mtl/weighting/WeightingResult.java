package dev.polymath.nn.mtl.weighting;

/**
 * A weighting method's decision for one step.
 *
 * @param weights        per-task loss weights (always present: recorded and plotted as the weight trajectory).
 *                       For the methods of this package these are the effective coefficients of the raw task
 *                       gradients: {@code sharedGradient == sum_t weights[t] * gradients[t]} when present
 * @param sharedGradient the combined gradient (same length as a row of the input gradients) to write into the
 *                       shared parameters or representation, or null when the trainer should back-propagate
 *                       {@code sum_t w_t L_t}. See {@link Weighting} for the exact trainer protocol
 */
public record WeightingResult(double[] weights, float[] sharedGradient) {
    public static WeightingResult ofWeights(double... weights) {
        return new WeightingResult(weights, null);
    }
}
