package dev.polymath.nn.mtl.weighting;

import dev.polymath.core.util.Seeds;
import java.util.SplittableRandom;

/**
 * Random Loss Weighting (RLW): Lin et al., "Reasonable Effectiveness of Random Weighting: A Litmus Test for
 * Multi-Task Learning", TMLR 2022, in LibMTL's variant: at every step {@code w = softmax(z)} with
 * {@code z ~ N(0, I_T)} (weights sum to 1). The normal draws come from a stream of (seed, step), so resuming needs no random state.
 */
public final class RandomLossWeighting extends AbstractWeighting {

    @Override
    public String name() {
        return "rlw";
    }

    @Override
    public GradientMode mode() {
        return GradientMode.LOSSES;
    }


    @Override
    protected WeightingResult compute(WeightingInput input) {
        SplittableRandom rng = new SplittableRandom(Seeds.mix(Seeds.mix(seed, "rlw"), input.step()));
        double[] z = new double[tasks];
        for (int t = 0; t < tasks; t++) z[t] = rng.nextGaussian();
        return WeightingResult.ofWeights(scaledSoftmax(z, 1.0));
    }
}
