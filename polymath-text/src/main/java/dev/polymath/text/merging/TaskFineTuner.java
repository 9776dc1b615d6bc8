package dev.polymath.text.merging;

import dev.polymath.nn.Scalars;
import ai.djl.ndarray.NDArray;
import dev.polymath.core.run.Progress;
import dev.polymath.nn.mtl.weighting.GradientMode;
import dev.polymath.nn.mtl.weighting.Weighting;
import dev.polymath.nn.mtl.weighting.WeightingInput;
import dev.polymath.nn.mtl.weighting.WeightingRegistry;
import dev.polymath.text.FloatMatrix;
import dev.polymath.text.bert.BertModel;
import dev.polymath.text.bert.BertTrainer;
import dev.polymath.text.encoder.Pooling;
import dev.polymath.text.eval.LogisticRegression;

import java.util.Arrays;
import java.util.List;

/**
 * Fine-tuning for merging, the linear-probe-then-fine-tune recipe: a logistic-regression head is fitted on the
 * pretrained encoder's mean-pooled features, then frozen while the whole encoder is fine-tuned (AdamW, dropout
 * on) through it. Frozen heads keep every task's classifier valid over a merged encoder, which is what merging
 * needs (FusionBench keeps CLIP's fixed text heads for the same reason).
 */
public final class TaskFineTuner {
    private TaskFineTuner() {}

    /** @param epochs passes over the training rows; {@code lr} AdamW learning rate (constant) */
    public record Options(int epochs, int batch, double lr, long seed) {}

    /** A logistic-regression head (scikit-learn's defaults, C = 1) on the encoder's mean-pooled, unnormalized features. */
    public static TaskHead fitHead(BertModel model, String task, List<String> labels, TaskData.Split train) {
        FloatMatrix x = features(model, train.rows());
        LogisticRegression lr = LogisticRegression.fit(x, train.labels(), labels.size());
        int h = x.cols(), c = labels.size();
        float[] w = new float[c * h], b = new float[c];
        double[][] coef = lr.coefficients();
        for (int i = 0; i < c; i++) {
            for (int j = 0; j < h; j++) w[i * h + j] = (float) coef[i][j];
            b[i] = (float) lr.intercepts()[i];
        }
        return new TaskHead(task, labels, h, w, b);
    }

    /** Fine-tunes {@code model} on one task, or on several jointly with equal weights (EW); see below. */
    public static long fineTune(BertModel model, List<TaskHead> heads, List<TaskData.Split> train, Options o, String label) {
        return fineTune(model, heads, train, o, WeightingRegistry.create("ew"), label);
    }

    /**
     * Fine-tunes {@code model} on one task, or on several jointly: every step takes one batch from every task
     * ({@link JointBatches}), computes each task's cross-entropy through its own frozen head, and back-propagates
     * {@code sum_t w_t L_t} with the weights of {@code weighting} (the MTL engine's weighting methods; only the
     * losses-only ones fit here, as a gradient method needs per-task gradients that one backward pass over the
     * summed loss does not give). With one task the loss is back-propagated as it is. Returns the number of steps.
     */
    public static long fineTune(BertModel model, List<TaskHead> heads, List<TaskData.Split> train, Options o, Weighting weighting, String label) {
        int T = train.size();
        if (heads.size() != T) throw new IllegalArgumentException(heads.size() + " heads for " + T + " training splits");
        if (weighting.mode() != GradientMode.LOSSES || weighting.wantsLossesAfterUpdate()) {
            throw new IllegalArgumentException("weighting method '" + weighting.name() + "' needs per-task gradients or a second pass after the update; fine-tuning a text encoder jointly supports the losses-only methods (ew, uw, dwa, gls, rlw)");
        }
        weighting.reset(T, o.seed());
        int[] sizes = new int[T];
        for (int t = 0; t < T; t++) sizes[t] = train.get(t).size();
        var batches = new JointBatches(heads.stream().map(TaskHead::task).toList(), sizes, o.batch(), o.seed());
        long steps = (long) o.epochs() * batches.stepsPerEpoch();
        try (BertTrainer tr = new BertTrainer(model, BertTrainer.Options.defaults().withLearningRate(o.lr())).seed((int) o.seed());
             Progress bar = Progress.start(label, steps)) {
            for (long step = 0; step < steps; step++) {
                int[][] idx = batches.next();
                long k = step;
                int epoch = (int) (step / batches.stepsPerEpoch());
                tr.step(st -> {
                    NDArray total = null;
                    NDArray[] losses = new NDArray[T];
                    double[] values = new double[T];
                    for (int t = 0; t < T; t++) {
                        TaskData.Split s = train.get(t);
                        long[][] rows = new long[idx[t].length][];
                        long[] y = new long[idx[t].length];
                        for (int i = 0; i < rows.length; i++) {
                            rows[i] = s.rows()[idx[t][i]];
                            y[i] = s.labels()[idx[t][i]];
                        }
                        NDArray pooled = model.pooled(st, BertModel.ids(st, rows), BertModel.mask(st, rows), Pooling.MEAN, false, true);
                        losses[t] = MergeProblem.crossEntropy(heads.get(t).logits(st.manager(), pooled), st.manager().create(y));
                        values[t] = losses[t].toFloatArray()[0];
                    }
                    if (T == 1) return losses[0];
                    double[] w = weighting.step(WeightingInput.ofLosses(k, epoch, values)).weights();
                    for (int t = 0; t < T; t++) {
                        NDArray term = Scalars.mul(losses[t], (float) w[t]);
                        total = total == null ? term : total.add(term);
                    }
                    return total;
                });
                bar.step();
            }
        }
        return steps;
    }

    /** Mean-pooled, unnormalized features of {@code rows}, batched by length. */
    public static FloatMatrix features(BertModel model, long[][] rows) {
        int n = rows.length, h = model.config().hiddenSize();
        float[] out = new float[n * h];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Integer.compare(rows[b].length, rows[a].length));
        int bs = 64;
        for (int from = 0; from < n; from += bs) {
            int to = Math.min(n, from + bs);
            long[][] batch = new long[to - from][];
            for (int k = from; k < to; k++) batch[k - from] = rows[order[k]];
            float[] v = model.encode(batch, Pooling.MEAN, false);
            for (int k = from; k < to; k++) System.arraycopy(v, (k - from) * h, out, order[k] * h, h);
        }
        return new FloatMatrix(n, h, out);
    }

    /** Predicted class indices of {@code rows} by {@code head} over {@code model}. */
    public static int[] predict(BertModel model, TaskHead head, long[][] rows) {
        FloatMatrix x = features(model, rows);
        int h = head.hidden(), c = head.classes();
        int[] pred = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            int best = 0;
            double bestV = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) {
                double v = head.bias()[k];
                for (int j = 0; j < h; j++) v += (double) head.weight()[k * h + j] * x.data()[i * h + j];
                if (v > bestV) {
                    bestV = v;
                    best = k;
                }
            }
            pred[i] = best;
        }
        return pred;
    }

    public static double accuracy(int[] pred, int[] y) {
        int ok = 0;
        for (int i = 0; i < y.length; i++) if (pred[i] == y[i]) ok++;
        return ok / (double) y.length;
    }
}
