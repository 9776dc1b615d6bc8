package dev.polymath.nn.optim;

import java.util.Arrays;

/**
 * Adam over one flat parameter vector, in plain Java on {@code float[]} (a single fused pass per step instead of
 * a dozen native element-wise kernels per tensor). The update is PyTorch's {@code torch.optim.Adam}
 * (L2 weight decay added to the gradient, not AdamW), in float arithmetic, element by element:
 * <pre>
 *   t  = t + 1
 *   g  = g + weightDecay * p
 *   m  = beta1 * m + (1 - beta1) * g
 *   v  = beta2 * v + (1 - beta2) * g * g
 *   p  = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 */
public final class Adam {
    private final double lr;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final float[] m;
    private final float[] v;
    private long t;

    public Adam(int size, double lr) {
        this(size, lr, 0.9, 0.999, 1e-8, 0);
    }

    public Adam(int size, double lr, double beta1, double beta2, double eps, double weightDecay) {
        if (!(lr > 0)) throw new IllegalArgumentException("learning rate must be > 0, got " + lr);
        this.lr = lr;
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.eps = (float) eps;
        this.weightDecay = (float) weightDecay;
        this.m = new float[size];
        this.v = new float[size];
    }

    /** One update of {@code params} in place from {@code grads} (same length). */
    public void step(float[] params, float[] grads) {
        step(params, grads, lr);
    }

    /** One update with step size {@code lr} instead of the configured one (for learning-rate schedules). */
    public void step(float[] params, float[] grads, double lr) {
        if (params.length != m.length || grads.length != m.length) {
            throw new IllegalArgumentException("expected " + m.length + " parameters and gradients, got "
                    + params.length + " and " + grads.length);
        }
        t++;
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2 = 1 - Math.pow(beta2, t);
        float stepSize = (float) (lr / bc1);
        float sqrtBc2 = (float) Math.sqrt(bc2);
        update(params, grads, 0, params.length, stepSize, sqrtBc2);
    }

    private void update(float[] p, float[] g, int from, int to, float stepSize, float sqrtBc2) {
        final float b1 = beta1, b2 = beta2, c1 = 1 - beta1, c2 = 1 - beta2, e = eps, wd = weightDecay;
        final float[] m = this.m, v = this.v;
        if (wd != 0) {
            for (int i = from; i < to; i++) {
                float gi = g[i] + wd * p[i];
                float mi = b1 * m[i] + c1 * gi;
                float vi = b2 * v[i] + c2 * gi * gi;
                m[i] = mi;
                v[i] = vi;
                p[i] -= stepSize * (mi / ((float) Math.sqrt(vi) / sqrtBc2 + e));
            }
        } else {
            for (int i = from; i < to; i++) {
                float gi = g[i];
                float mi = b1 * m[i] + c1 * gi;
                float vi = b2 * v[i] + c2 * gi * gi;
                m[i] = mi;
                v[i] = vi;
                p[i] -= stepSize * (mi / ((float) Math.sqrt(vi) / sqrtBc2 + e));
            }
        }
    }

    public long steps() {
        return t;
    }

    /** First moments (live; for checkpoints). */
    public float[] firstMoment() {
        return m;
    }

    /** Second moments (live; for checkpoints). */
    public float[] secondMoment() {
        return v;
    }

    /** Restores the state saved from {@link #firstMoment()}, {@link #secondMoment()} and {@link #steps()}. */
    public void restore(float[] m1, float[] m2, long steps) {
        if (m1.length != m.length || m2.length != v.length) throw new IllegalArgumentException("moment size mismatch");
        System.arraycopy(m1, 0, m, 0, m.length);
        System.arraycopy(m2, 0, v, 0, v.length);
        t = steps;
    }

    public void reset() {
        Arrays.fill(m, 0);
        Arrays.fill(v, 0);
        t = 0;
    }

    public double learningRate() {
        return lr;
    }

    @Override
    public String toString() {
        return "Adam(lr=" + lr + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + eps + ", weight_decay=" + weightDecay + ")";
    }
}
