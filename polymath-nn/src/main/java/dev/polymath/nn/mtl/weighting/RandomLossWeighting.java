package dev.polymath.nn.mtl.weighting;

import dev.polymath.core.util.Seeds;
import java.util.SplittableRandom;

/**
 * Random Loss Weighting (RLW): Lin et al., "Reasonable Effectiveness of Random Weighting: A Litmus Test for
 * Multi-Task Learning", TMLR 2022, in LibMTL's variant: at every step {@code w = softmax(z)} with
 * {@code z ~ N(0, I_T)} (weights sum to 1). The normal draws come from {@code Seeds.stream(seed, "rlw")}.
 */
public final class RandomLossWeighting extends AbstractWeighting {
    private SplittableRandom rng;

    @Override
    public String name() {
        return "rlw";
    }

    @Override
    public GradientMode mode() {
        return GradientMode.LOSSES;
    }

    @Override
    protected void onReset() {
        rng = Seeds.stream(seed, "rlw");
    }

    @Override
    protected WeightingResult compute(WeightingInput input) {
        double[] z = new double[tasks];
        for (int t = 0; t < tasks; t++) z[t] = rng.nextGaussian();
        return WeightingResult.ofWeights(scaledSoftmax(z, 1.0));
    }
}
