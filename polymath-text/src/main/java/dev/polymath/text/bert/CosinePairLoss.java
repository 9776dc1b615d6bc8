package dev.polymath.text.bert;

import dev.polymath.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * SetFit's contrastive objective (sentence-transformers' {@code CosineSimilarityLoss}): for pairs of texts with a
 * target similarity (1 = same class, 0 = different), the mean squared error between the cosine similarity of
 * their embeddings and the target.
 */
public final class CosinePairLoss {
    private CosinePairLoss() {}

    /**
     * The loss of pairs ({@code first[i]}, {@code second[i]}) with {@code targets[i]}, embedded in one training
     * forward (mean pooling, normalized).
     */
    public static NDArray compute(BertModel.Step step, long[][] first, long[][] second, float[] targets) {
        int n = first.length;
        if (second.length != n || targets.length != n || n == 0) {
            throw new IllegalArgumentException("need the same, non-zero number of first texts, second texts and targets");
        }
        long[][] all = new long[2 * n][];
        System.arraycopy(first, 0, all, 0, n);
        System.arraycopy(second, 0, all, n, n);
        NDArray emb = step.model().embed(step, all, true);
        NDArray u = emb.get(new NDIndex("0:" + n));
        NDArray v = emb.get(new NDIndex(n + ":" + 2 * n));
        NDArray cos = u.mul(v).sum(new int[] {1})
                .div(Scalars.maximum(u.norm(new int[] {1}).mul(v.norm(new int[] {1})), 1e-8f));
        NDArray y = step.manager().create(targets, new Shape(n));
        return cos.sub(y).square().mean();
    }

    /** One AdamW step on a batch of pairs; returns the loss before the update. */
    public static float trainStep(BertTrainer trainer, long[][] first, long[][] second, float[] targets) {
        return trainer.step(s -> compute(s, first, second, targets)).loss();
    }
}
