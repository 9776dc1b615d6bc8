package dev.polymath.text.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.polymath.nn.Scalars;

/**
 * Knowledge distillation's soft-target cross-entropy (Hinton et al. 2015) for a sentence encoder: the student's class
 * distribution is a softmax of {@code scale * cos(text, class vector)} over fixed unit class vectors (a cosine
 * prototype head), and the loss is its cross-entropy against the teacher's distribution, averaged over the batch. It
 * differs from the KL divergence by the teacher's entropy, a constant, so the gradients are the same; one-hot targets
 * make it ordinary cross-entropy.
 */
public final class SoftTargetLoss {
    private SoftTargetLoss() {}

    /** The loss of L2-normalized embeddings [n, d] against targets [n, C] through unit class vectors [C, d]. */
    public static NDArray fromEmbeddings(NDArray emb, NDArray targets, NDArray classVectors, float scale) {
        long n = emb.getShape().get(0);
        NDArray logp = Scalars.mul(emb.matMul(classVectors.transpose()), scale).logSoftmax(1);
        return Scalars.div(logp.mul(targets).sum().neg(), n);
    }

    /** The loss of texts {@code rows} (embedded in one training forward, normalized) with {@code targets[i]} over {@code classVectors}. */
    public static NDArray compute(BertModel.Step step, long[][] rows, float[][] targets, float[][] classVectors, float scale) {
        int n = rows.length;
        if (n == 0 || targets.length != n) throw new IllegalArgumentException(n + " texts but " + targets.length + " target rows");
        int c = classVectors.length, d = classVectors[0].length;
        float[] t = new float[n * c], v = new float[c * d];
        for (int i = 0; i < n; i++) {
            if (targets[i].length != c) throw new IllegalArgumentException("target row " + i + " has " + targets[i].length + " classes, the class vectors " + c);
            System.arraycopy(targets[i], 0, t, i * c, c);
        }
        for (int k = 0; k < c; k++) System.arraycopy(classVectors[k], 0, v, k * d, d);
        NDArray emb = step.model().embed(step, rows, true);
        return fromEmbeddings(emb, step.manager().create(t, new Shape(n, c)), step.manager().create(v, new Shape(c, d)), scale);
    }

    /** One AdamW step; returns the loss before the update. */
    public static float trainStep(BertTrainer trainer, long[][] rows, float[][] targets, float[][] classVectors, float scale) {
        return trainer.step(s -> compute(s, rows, targets, classVectors, scale)).loss();
    }
}
