package dev.polymath.nn.mtl.weighting;

/**
 * Dynamic Weight Average (DWA): Liu, Johns &amp; Davison, "End-to-End Multi-Task Learning with Attention",
 * CVPR 2019. In epoch {@code e} (from 0) with {@code e > 1}: {@code r_t = Lbar_t(e-1) / Lbar_t(e-2)} from the
 * per-epoch mean training losses and {@code w = T * softmax(r / temperature)}; in epochs 0 and 1 all weights
 * are 1. Exactly LibMTL's {@code DWA}; the epoch means are accumulated from the step losses this method sees.
 */
public final class DynamicWeightAverage extends AbstractWeighting {
    /** @param temperature LibMTL {@code --T}: 2.0 */
    public record Params(double temperature) {
        public static final Params DEFAULTS = new Params(2.0);

        public Params {
            if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be > 0");
        }
    }

    private final Params params;
    private final EpochLossAverages averages = new EpochLossAverages();

    public DynamicWeightAverage() {
        this(Params.DEFAULTS);
    }

    public DynamicWeightAverage(Params params) {
        this.params = params;
    }

    @Override
    public String name() {
        return "dwa";
    }

    @Override
    public GradientMode mode() {
        return GradientMode.LOSSES;
    }

    @Override
    protected void onReset() {
        averages.clear();
    }

    @Override
    public java.util.Map<String, double[]> state() {
        var s = new java.util.LinkedHashMap<String, double[]>();
        averages.saveTo(s, "epoch_loss.");
        return s;
    }

    @Override
    public void restoreState(java.util.Map<String, double[]> state) {
        averages.restoreFrom(name(), state, "epoch_loss.");
    }

    @Override
    protected WeightingResult compute(WeightingInput input) {
        int e = input.epoch();
        double[] w = ones(tasks);
        if (e > 1) {
            double[] last = averages.mean(e - 1);
            double[] before = averages.mean(e - 2);
            if (last != null && before != null) {
                double[] r = new double[tasks];
                for (int t = 0; t < tasks; t++) r[t] = last[t] / before[t] / params.temperature();
                w = scaledSoftmax(r, tasks);
            }
        }
        averages.add(e, input.losses());
        return WeightingResult.ofWeights(w);
    }
}
