package dev.polymath.nn.meta;

/**
 * Hyper-parameters shared by the meta-learning algorithms.
 *
 * @param innerLr     inner-loop SGD step size (Meta-SGD: initial per-parameter step size)
 * @param innerSteps  inner SGD steps during meta-training
 * @param evalSteps   inner SGD steps when adapting to validation/test tasks
 * @param outerLr     outer Adam step size
 * @param reptileStep Reptile's interpolation step {@code epsilon} in {@code theta += epsilon (mean phi - theta)}
 * @param seed        seed of the initial parameters
 */
public record MetaConfig(float innerLr, int innerSteps, int evalSteps, float outerLr, float reptileStep, long seed) {
    public MetaConfig {
        if (innerSteps < 0 || evalSteps < 0) throw new IllegalArgumentException("inner steps must be >= 0");
        if (!(outerLr > 0)) throw new IllegalArgumentException("outer learning rate must be > 0, got " + outerLr);
    }

    /** Finn et al. (2017) sine settings: inner lr 0.01, 1 step (eval 1), Adam 0.001. */
    public static MetaConfig sine(long seed) {
        return new MetaConfig(0.01f, 1, 1, 0.001f, 0.1f, seed);
    }

    public MetaConfig withInnerSteps(int train, int eval) {
        return new MetaConfig(innerLr, train, eval, outerLr, reptileStep, seed);
    }

    public MetaConfig withInnerLr(float lr) {
        return new MetaConfig(lr, innerSteps, evalSteps, outerLr, reptileStep, seed);
    }

    public MetaConfig withOuterLr(float lr) {
        return new MetaConfig(innerLr, innerSteps, evalSteps, lr, reptileStep, seed);
    }
}
