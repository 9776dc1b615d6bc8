package dev.polymath.nn.mtl.weighting;

/**
 * Equal Weighting (EW): every task loss has weight 1, i.e. the trainer back-propagates {@code sum_t L_t}.
 * As in LibMTL's {@code EW} (weights are ones, not 1/T, whatever its docstring says).
 */
public final class EqualWeighting extends AbstractWeighting {
    @Override
    public String name() {
        return "ew";
    }

    @Override
    public GradientMode mode() {
        return GradientMode.LOSSES;
    }

    @Override
    protected WeightingResult compute(WeightingInput input) {
        return WeightingResult.ofWeights(ones(tasks));
    }
}
