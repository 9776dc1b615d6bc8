package dev.polymath.nn.mtl;

import dev.polymath.nn.mtl.weighting.GradientMode;
import dev.polymath.nn.mtl.weighting.Weighting;
import dev.polymath.nn.mtl.weighting.WeightingInput;
import dev.polymath.nn.mtl.weighting.WeightingResult;

import java.util.Arrays;

/** Test-only weighting methods: equal weights in each gradient mode, and fixed weights. */
final class TestWeightings {
    private TestWeightings() {}

    /** Weights 1 for every task; in gradient modes the combined gradient is the plain sum (returned explicitly). */
    static Weighting equal(GradientMode mode) {
        return new Weighting() {
            @Override public String name() { return "test-equal-" + mode.name().toLowerCase(); }
            @Override public GradientMode mode() { return mode; }
            @Override public void reset(int tasks, long seed) {}

            @Override
            public WeightingResult step(WeightingInput in) {
                double[] w = new double[in.tasks()];
                Arrays.fill(w, 1.0);
                if (mode == GradientMode.LOSSES) return WeightingResult.ofWeights(w);
                float[] sum = new float[in.gradients()[0].length];
                for (float[] g : in.gradients()) for (int i = 0; i < sum.length; i++) sum[i] += g[i];
                return new WeightingResult(w, sum);
            }
        };
    }

    static Weighting fixed(double... weights) {
        return new Weighting() {
            @Override public String name() { return "test-fixed"; }
            @Override public GradientMode mode() { return GradientMode.LOSSES; }
            @Override public void reset(int tasks, long seed) {}
            @Override public WeightingResult step(WeightingInput in) { return WeightingResult.ofWeights(weights.clone()); }
        };
    }
}
