package dev.polymath.text.bert;

import dev.polymath.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Batch-hard triplet loss (Hermans et al. 2017; sentence-transformers' {@code BatchHardTripletLoss}): for every
 * anchor in a labelled batch, its farthest same-class example and its nearest other-class example,
 * {@code max(0, d(a, hardest positive) - d(a, hardest negative) + margin)}, averaged over anchors. The distance
 * is the cosine distance {@code 1 - cos} of the normalized embeddings (so the margin is on a [0, 2] scale). An
 * anchor with no class-mate or no other class in the batch contributes 0 hardest-positive distance / is skipped
 * for the negative by an infinite distance, as in sentence-transformers.
 */
public final class BatchHardTripletLoss {
    private BatchHardTripletLoss() {}

    public static final float DEFAULT_MARGIN = 0.25f;

    public static NDArray compute(BertModel.Step step, long[][] texts, int[] labels, float margin) {
        if (texts.length != labels.length || texts.length == 0) throw new IllegalArgumentException("need the same, non-zero number of texts and labels");
        return fromEmbeddings(step.model().embed(step, texts, true), labels, margin);
    }

    /** The loss of L2-normalized embeddings [n, d] with class labels. */
    public static NDArray fromEmbeddings(NDArray emb, int[] labels, float margin) {
        int n = labels.length;
        var m = emb.getManager();
        NDArray dist = emb.matMul(emb.transpose()).neg().add(1f);        // cosine distance
        float[] same = new float[n * n], other = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i == j) continue;
                if (labels[i] == labels[j]) same[i * n + j] = 1f;
                else other[i * n + j] = 1f;
            }
        }
        NDArray sameMask = m.create(same, new Shape(n, n)), otherMask = m.create(other, new Shape(n, n));
        NDArray hardestPos = dist.mul(sameMask).max(new int[] {1});
        // non-negatives pushed beyond any distance before the min
        NDArray hardestNeg = dist.add(Scalars.mul(otherMask.neg().add(1f), 4f)).min(new int[] {1});
        NDArray l = Scalars.maximum(hardestPos.sub(hardestNeg).add(margin), 0f);
        // anchors without any negative in the batch would see 4 + ...: drop them
        NDArray hasNeg = otherMask.sum(new int[] {1}).gt(0f).toType(DataType.FLOAT32, false);
        return l.mul(hasNeg).sum().div(Scalars.maximum(hasNeg.sum(), 1f));
    }

    public static float trainStep(BertTrainer trainer, long[][] texts, int[] labels, float margin) {
        return trainer.step(s -> compute(s, texts, labels, margin)).loss();
    }
}
