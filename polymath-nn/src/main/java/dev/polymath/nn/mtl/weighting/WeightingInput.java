package dev.polymath.nn.mtl.weighting;

/**
 * What the trainer hands a weighting method at each step.
 *
 * @param step                global step, from 0
 * @param epoch               epoch, from 0 (epoch-level methods such as DWA and GradNorm keep their own
 *                            per-epoch loss averages from the losses they see)
 * @param losses              the T task losses of this step (unweighted, finite)
 * @param gradients           T x P per-task gradients (of the shared parameters or the shared representation,
 *                            as the trainer was asked for), or null when the method's mode is
 *                            {@link GradientMode#LOSSES}
 * @param representationBatch 0 when {@code gradients} are shared-parameter gradients; otherwise they are
 *                            gradients of the shared representation, each row laid out sample-major as
 *                            {@code batch x width} with {@code batch = representationBatch}. As in LibMTL
 *                            ({@code rep_grad=True}) the weights are then computed on the rows summed over the
 *                            batch (T x width), and the returned shared gradient combines the full rows.
 */
public record WeightingInput(long step, int epoch, double[] losses, float[][] gradients, int representationBatch) {
    public WeightingInput {
        if (losses == null || losses.length == 0) throw new IllegalArgumentException("losses must be non-empty");
        if (representationBatch < 0) throw new IllegalArgumentException("representationBatch < 0");
    }

    /** Parameter gradients (or none). */
    public WeightingInput(long step, int epoch, double[] losses, float[][] gradients) {
        this(step, epoch, losses, gradients, 0);
    }

    /** Losses only. */
    public static WeightingInput ofLosses(long step, int epoch, double... losses) {
        return new WeightingInput(step, epoch, losses, null, 0);
    }

    /** Representation gradients: each row is {@code batch x width}, sample-major. */
    public static WeightingInput ofRepresentation(long step, int epoch, double[] losses, float[][] gradients,
                                                  int batch) {
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1");
        return new WeightingInput(step, epoch, losses, gradients, batch);
    }

    public int tasks() {
        return losses.length;
    }

    public boolean isRepresentation() {
        return representationBatch > 0;
    }
}
