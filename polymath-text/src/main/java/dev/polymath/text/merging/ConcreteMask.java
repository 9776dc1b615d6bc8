package dev.polymath.text.merging;

import dev.polymath.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;

/**
 * The binary Concrete (Gumbel-sigmoid) relaxation of a Bernoulli mask with logits {@code l}
 * (Maddison et al. 2017; Tang et al. 2023 use temperature 0.5):
 * <pre>
 *   m = sigmoid((l + log u - log(1 - u)) / T),  u ~ U(0, 1)
 * </pre>
 * As T → 0 a sample tends to the hard mask {@code l + noise > 0}; with the noise fixed at 0 (u = 1/2) it is
 * sigmoid(l / T). After learning, the subspace is the deterministic hard mask {@code l >= 0} (keep where the
 * keep-probability sigmoid(l) is at least 1/2).
 */
public final class ConcreteMask {
    private ConcreteMask() {}

    /** Smallest and largest uniform draw, so that the logistic noise stays finite. */
    static final float EPS = 1e-6f;

    /** A relaxed sample with uniform draws {@code u} (same shape as {@code logits}). */
    public static NDArray relaxed(NDArray logits, NDArray u, float temperature) {
        if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        NDArray noise = u.log().sub(u.neg().add(1f).log());
        return Activation.sigmoid(Scalars.div(logits.add(noise), temperature));
    }

    /** A relaxed sample with fresh uniform noise from {@code m} (seeded through the engine's generator). */
    public static NDArray sample(NDManager m, NDArray logits, float temperature) {
        return relaxed(logits, m.randomUniform(EPS, 1 - EPS, logits.getShape()), temperature);
    }

    /** The learned hard mask as floats: 1 where {@code logits[i] >= 0}, else 0. */
    public static float[] hard(float[] logits) {
        float[] m = new float[logits.length];
        for (int i = 0; i < m.length; i++) m[i] = logits[i] >= 0 ? 1f : 0f;
        return m;
    }

    /** {@code m / mean(m)} (FusionBench's rescaling, so the merged task vector keeps its scale); all-zero stays zero. */
    public static NDArray rescale(NDArray m) {
        return m.div(Scalars.maximum(m.mean(), 1e-12f));
    }
}
