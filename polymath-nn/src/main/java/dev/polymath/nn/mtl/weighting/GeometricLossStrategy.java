package dev.polymath.nn.mtl.weighting;

/**
 * Geometric Loss Strategy (GLS): Chennupati et al., "MultiNet++: Multi-Stream Feature Aggregation and
 * Geometric Loss Strategy for Multi-Task Learning", CVPR 2019 workshops. The objective is the geometric mean
 * {@code (prod_t L_t)^(1/T)}; its gradient is {@code sum_t w_t grad L_t} with
 * {@code w_t = (prod_s L_s)^(1/T) / (T L_t)}, which are the weights returned (so back-propagating
 * {@code sum_t w_t L_t} gives exactly the GLS gradient). The geometric mean is computed in log space.
 * LibMTL back-propagates the same objective but reports {@code L_t / (T prod_s L_s)} as its weight record;
 * that vector is not the gradient's coefficient and is not reproduced. Losses must be positive (values below
 * 1e-12 are clamped there to keep the logarithm finite).
 */
public final class GeometricLossStrategy extends AbstractWeighting {
    @Override
    public String name() {
        return "gls";
    }

    @Override
    public GradientMode mode() {
        return GradientMode.LOSSES;
    }

    @Override
    protected WeightingResult compute(WeightingInput input) {
        double[] l = input.losses();
        double logMean = 0;
        for (int t = 0; t < tasks; t++) logMean += Math.log(Math.max(l[t], 1e-12));
        logMean /= tasks;
        double[] w = new double[tasks];
        for (int t = 0; t < tasks; t++) w[t] = Math.exp(logMean - Math.log(Math.max(l[t], 1e-12))) / tasks;
        return WeightingResult.ofWeights(w);
    }
}
