package dev.polymath.text.bert;

import dev.polymath.nn.Scalars;
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
        return compute(step, anchors, positives, scale, false);
    }

    /** As {@link #compute(BertModel.Step, long[][], long[][], float)}; {@code symmetric}: {@link #symmetricFromEmbeddings}. */
    public static NDArray compute(BertModel.Step step, long[][] anchors, long[][] positives, float scale, boolean symmetric) {
        int n = anchors.length;
        if (positives.length != n || n == 0) throw new IllegalArgumentException("need the same, non-zero number of anchors and positives");
        long[][] all = new long[2 * n][];
        System.arraycopy(anchors, 0, all, 0, n);
        System.arraycopy(positives, 0, all, n, n);
        NDArray emb = step.model().embed(step, all, true);
        NDArray a = emb.get(new NDIndex("0:" + n)), p = emb.get(new NDIndex(n + ":" + 2 * n));
        return symmetric ? symmetricFromEmbeddings(a, p, scale) : fromEmbeddings(a, p, scale);
    }

    /** The loss of L2-normalized anchor and positive embeddings [n, d]. */
    public static NDArray fromEmbeddings(NDArray a, NDArray p, float scale) {
        long n = a.getShape().get(0);
        NDArray logits = Scalars.mul(a.matMul(p.transpose()), scale);
        NDArray logp = logits.logSoftmax(1);
        NDArray diag = logp.mul(a.getManager().eye((int) n)).sum();
        return Scalars.div(diag.neg(), n);
    }

    /**
     * The symmetric form (sentence-transformers' {@code MultipleNegativesSymmetricRankingLoss}): the mean of the
     * anchor-to-positives loss above and the positive-to-anchors one (each positive must also pick out its own anchor
     * among the batch's anchors), so both sides of a pair get in-batch negatives.
     */
    public static NDArray symmetricFromEmbeddings(NDArray a, NDArray p, float scale) {
        return Scalars.div(fromEmbeddings(a, p, scale).add(fromEmbeddings(p, a, scale)), 2f);
    }

    /** One AdamW step; returns the loss before the update. */
    public static float trainStep(BertTrainer trainer, long[][] anchors, long[][] positives, float scale) {
        return trainStep(trainer, anchors, positives, scale, false);
    }

    /** One AdamW step of the plain or the symmetric loss; returns the loss before the update. */
    public static float trainStep(BertTrainer trainer, long[][] anchors, long[][] positives, float scale, boolean symmetric) {
        return trainer.step(s -> compute(s, anchors, positives, scale, symmetric)).loss();
    }
}
