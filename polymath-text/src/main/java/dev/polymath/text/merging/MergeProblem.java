package dev.polymath.text.merging;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.polymath.text.bert.BertModel;
import dev.polymath.text.encoder.Pooling;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * What a learned merging method sees: the {@link MergeSpace}, one head per task (in the order of the task
 * vectors), each task's unlabelled inputs (token ids; AdaMerging and Concrete use the test inputs without their
 * labels, as the papers do) and, for methods that need them, a small labelled set per task.
 */
public record MergeProblem(MergeSpace space, List<TaskHead> heads, List<long[][]> unlabelled, List<Labelled> labelled, long seed) {

    /** Token ids and class indices of a small labelled set. */
    public record Labelled(long[][] rows, int[] labels) {
        public Labelled {
            if (rows.length != labels.length) throw new IllegalArgumentException(rows.length + " rows but " + labels.length + " labels");
        }
    }

    public MergeProblem {
        int k = space.models();
        if (heads.size() != k || unlabelled.size() != k) {
            throw new IllegalArgumentException(k + " task vectors but " + heads.size() + " heads and " + unlabelled.size() + " unlabelled sets");
        }
        if (labelled != null && !labelled.isEmpty() && labelled.size() != k) throw new IllegalArgumentException(k + " task vectors but " + labelled.size() + " labelled sets");
        for (int i = 0; i < k; i++) if (unlabelled.get(i).length == 0) throw new IllegalArgumentException("task " + heads.get(i).task() + " has no unlabelled inputs");
        heads = List.copyOf(heads);
        unlabelled = List.copyOf(unlabelled);
        labelled = labelled == null ? List.of() : List.copyOf(labelled);
    }

    public int tasks() { return heads.size(); }

    /** Indices of a batch of {@code size} drawn without replacement from {@code n}, a pure function of (seed, purpose, step, task). */
    int[] batch(int n, int size, long purpose, int step, int task) {
        var r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ purpose * 0xBF58476D1CE4E5B9L ^ (long) step * 1_000_003L ^ task);
        int b = Math.min(size, n);
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        for (int i = 0; i < b; i++) {
            int j = i + r.nextInt(n - i);
            int tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
        }
        return java.util.Arrays.copyOf(perm, b);
    }

    long[][] unlabelledBatch(int task, int size, long purpose, int step) {
        long[][] all = unlabelled.get(task);
        int[] idx = batch(all.length, size, purpose, step, task);
        long[][] out = new long[idx.length][];
        for (int i = 0; i < idx.length; i++) out[i] = all[idx[i]];
        return out;
    }

    /** Logits [batch, classes] of task {@code task}'s head over the merged encoder given by {@code weights}. */
    NDArray logits(BertModel.Step s, Function<String, NDArray> weights, int task, long[][] rows) {
        NDArray pooled = space.model().pooled(s, BertModel.ids(s, rows), BertModel.mask(s, rows), Pooling.MEAN, false, false, weights);
        return heads.get(task).logits(s.manager(), pooled);
    }

    /** Mean Shannon entropy (nats) of the softmax of {@code logits} [batch, classes]: AdaMerging's objective. */
    public static NDArray entropy(NDArray logits) {
        NDArray logp = logits.logSoftmax(-1);
        return logp.exp().mul(logp).sum(new int[] {-1}).neg().mean();
    }

    /** Mean cross-entropy of {@code logits} [batch, classes] against class indices {@code labels} (int64 [batch]). */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        NDArray logp = logits.logSoftmax(-1);
        NDArray onehot = labels.oneHot((int) logits.getShape().get(1)).toType(logp.getDataType(), false);
        return logp.mul(onehot).sum(new int[] {-1}).neg().mean();
    }

    static NDArray labels(NDManager m, int[] y) {
        long[] l = new long[y.length];
        for (int i = 0; i < y.length; i++) l[i] = y[i];
        return m.create(l);
    }
}
