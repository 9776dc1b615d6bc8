package dev.polymath.text.merging;

import ai.djl.ndarray.NDArray;
import dev.polymath.core.run.Progress;
import dev.polymath.core.util.Seeds;
import dev.polymath.text.FloatMatrix;
import dev.polymath.text.bert.BertModel;
import dev.polymath.text.bert.BertTrainer;
import dev.polymath.text.encoder.Pooling;
import dev.polymath.text.eval.LogisticRegression;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

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

    /**
     * Fine-tunes {@code model} on one task or several (each batch is drawn from one task, tasks in turn, so a
     * multi-task run sees the same data as the single-task runs together).
     */
    public static void fineTune(BertModel model, List<TaskHead> heads, List<TaskData.Split> train, Options o, String label) {
        int steps = 0;
        int[][] orders = new int[train.size()][];
        for (int t = 0; t < train.size(); t++) steps += o.epochs() * ((train.get(t).size() + o.batch() - 1) / o.batch());
        try (BertTrainer tr = new BertTrainer(model, BertTrainer.Options.defaults().withLearningRate(o.lr())).seed((int) o.seed());
             Progress bar = Progress.start(label, steps)) {
            for (int epoch = 0; epoch < o.epochs(); epoch++) {
                int[] next = new int[train.size()];
                for (int t = 0; t < train.size(); t++) {
                    int n = train.get(t).size();
                    orders[t] = new int[n];
                    for (int i = 0; i < n; i++) orders[t][i] = i;
                    SplittableRandom r = Seeds.stream(o.seed(), "finetune/" + heads.get(t).task() + "/" + epoch);
                    Seeds.shuffle(orders[t], r);
                }
                boolean any = true;
                while (any) {
                    any = false;
                    for (int t = 0; t < train.size(); t++) {
                        TaskData.Split s = train.get(t);
                        if (next[t] >= s.size()) continue;
                        any = true;
                        int from = next[t], to = Math.min(s.size(), from + o.batch());
                        next[t] = to;
                        long[][] rows = new long[to - from][];
                        long[] y = new long[to - from];
                        for (int i = from; i < to; i++) {
                            rows[i - from] = s.rows()[orders[t][i]];
                            y[i - from] = s.labels()[orders[t][i]];
                        }
                        TaskHead head = heads.get(t);
                        tr.step(st -> {
                            NDArray pooled = model.pooled(st, BertModel.ids(st, rows), BertModel.mask(st, rows), Pooling.MEAN, false, true);
                            return MergeProblem.crossEntropy(head.logits(st.manager(), pooled), st.manager().create(y));
                        });
                        bar.step();
                    }
                }
            }
        }
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
