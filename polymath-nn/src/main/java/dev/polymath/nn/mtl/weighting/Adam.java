package dev.polymath.nn.mtl.weighting;

/**
 * A small Adam for a method's own parameters (UW's log-variances, GradNorm's and FAMO's logits, IMTL's loss
 * scales), with PyTorch's {@code torch.optim.Adam} semantics: L2 weight decay added to the gradient, bias
 * corrections, {@code eps} added to {@code sqrt(v_hat)}.
 */
public final class Adam {
    /** Adam hyper-parameters. */
    public record Config(double lr, double beta1, double beta2, double eps, double weightDecay) {
        public Config {
            if (!(lr >= 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0)
                    || !(weightDecay >= 0)) {
                throw new IllegalArgumentException("bad Adam config " + lr + ", " + beta1 + ", " + beta2 + ", " + eps
                        + ", " + weightDecay);
            }
        }

        /** PyTorch's betas and eps with the given learning rate and weight decay. */
        public static Config of(double lr, double weightDecay) {
            return new Config(lr, 0.9, 0.999, 1e-8, weightDecay);
        }

        /** LibMTL's default model optimizer ({@code --optim adam --lr 1e-4 --weight_decay 1e-5}). */
        public static Config libmtlDefault() {
            return of(1e-4, 1e-5);
        }
    }

    private final Config config;
    private final double[] m;
    private final double[] v;
    private long t;

    public Adam(Config config, int size) {
        this.config = config;
        this.m = new double[size];
        this.v = new double[size];
    }

    /** Moments and step count, for {@link Weighting#state()}. */
    void saveTo(java.util.Map<String, double[]> state, String prefix) {
        state.put(prefix + "m", m.clone());
        state.put(prefix + "v", v.clone());
        state.put(prefix + "t", new double[] {t});
    }

    void restoreFrom(String method, java.util.Map<String, double[]> state, String prefix) {
        System.arraycopy(WeightingState.get(method, state, prefix + "m", m.length), 0, m, 0, m.length);
        System.arraycopy(WeightingState.get(method, state, prefix + "v", v.length), 0, v, 0, v.length);
        t = (long) WeightingState.get(method, state, prefix + "t", 1)[0];
    }

    /** One update of {@code params} in place with gradient {@code grad}. */
    public void step(double[] params, double[] grad) {
        t++;
        double b1 = config.beta1(), b2 = config.beta2();
        double bc1 = 1 - Math.pow(b1, t);
        double bc2 = 1 - Math.pow(b2, t);
        double stepSize = config.lr() / bc1;
        double sqrtBc2 = Math.sqrt(bc2);
        for (int i = 0; i < params.length; i++) {
            double g = grad[i] + config.weightDecay() * params[i];
            m[i] = b1 * m[i] + (1 - b1) * g;
            v[i] = b2 * v[i] + (1 - b2) * g * g;
            double denom = Math.sqrt(v[i]) / sqrtBc2 + config.eps();
            params[i] -= stepSize * m[i] / denom;
        }
    }
}
