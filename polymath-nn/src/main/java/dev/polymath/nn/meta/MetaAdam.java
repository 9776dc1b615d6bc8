package dev.polymath.nn.meta;

import ai.djl.ndarray.NDArray;

/**
 * Adam on a flat parameter buffer, with PyTorch's {@code torch.optim.Adam} semantics (no weight decay):
 * {@code m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)}.
 * The moments live in the parameters' manager; each step is a few whole-buffer in-place operations.
 */
public final class MetaAdam {
    private final float lr, beta1, beta2, eps;
    private final NDArray m, v;
    private int t;

    public MetaAdam(MetaParams params, float lr) {
        this(params, lr, 0.9f, 0.999f, 1e-8f);
    }

    public MetaAdam(MetaParams params, float lr, float beta1, float beta2, float eps) {
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        NDArray p = params.flat();
        this.m = p.zerosLike();
        this.v = p.zerosLike();
        this.params = params;
    }

    private final MetaParams params;

    public int steps() {
        return t;
    }

    public NDArray firstMoment() {
        return m;
    }

    public NDArray secondMoment() {
        return v;
    }

    /** One update with a flat gradient (temporary arrays go to {@code grad}'s manager). */
    public void step(NDArray grad) {
        t++;
        double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
        m.muli(beta1).addi(grad.mul(1 - beta1));
        v.muli(beta2).addi(grad.square().muli(1 - beta2));
        NDArray denom = v.sqrt(); // v's manager: closed below
        denom.muli((float) (1 / Math.sqrt(bc2))).addi(eps);
        NDArray update = m.div(denom).muli((float) (lr / bc1));
        params.flat().subi(update);
        denom.close();
        update.close();
    }
}
