package dev.polymath.text.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * Contrastive loss with in-batch negatives (sentence-transformers' {@code MultipleNegativesRankingLoss}; InfoNCE):
 * for anchors a_i and their positives p_i, cross-entropy of {@code scale * cos(a_i, p_j)} over j with the target
 * j = i, so that every other positive in the batch is a negative. With the same texts as anchors and positives,
 * the two dropout masks make the positive (SimCSE's unsupervised objective). The batch must not hold two anchors
 * of one class (their positives would be false negatives); the samplers that feed it see to that.
 */
public final class MultipleNegativesRankingLoss {
    private MultipleNegativesRankingLoss() {}

    /** sentence-transformers' default similarity scale (inverse temperature 0.05, as SimCSE). */
    public static final float DEFAULT_SCALE = 20f;

    /** The mean loss of the batch, anchors and positives embedded in one training forward (normalized). */
    public static NDArray compute(BertModel.Step step, long[][] anchors, long[][] positives, float scale) {
        int n = anchors.length;
        if (positives.length != n || n == 0) throw new IllegalArgumentException("need the same, non-zero number of anchors and positives");
        long[][] all = new long[2 * n][];
        System.arraycopy(anchors, 0, all, 0, n);
        System.arraycopy(positives, 0, all, n, n);
        NDArray emb = step.model().embed(step, all, true);
        return fromEmbeddings(emb.get(new NDIndex("0:" + n)), emb.get(new NDIndex(n + ":" + 2 * n)), scale);
    }

    /** The loss of L2-normalized anchor and positive embeddings [n, d]. */
    public static NDArray fromEmbeddings(NDArray a, NDArray p, float scale) {
        long n = a.getShape().get(0);
        NDArray logits = a.matMul(p.transpose()).mul(scale);
        NDArray logp = logits.logSoftmax(1);
        NDArray diag = logp.mul(a.getManager().eye((int) n)).sum();
        return diag.neg().div(n);
    }

    /** One AdamW step; returns the loss before the update. */
    public static float trainStep(BertTrainer trainer, long[][] anchors, long[][] positives, float scale) {
        return trainer.step(s -> compute(s, anchors, positives, scale)).loss();
    }
}
