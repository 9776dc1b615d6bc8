package dev.polymath.nn.meta.icl;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.polymath.core.metric.MeanCi;
import dev.polymath.core.run.Progress;
import dev.polymath.core.util.Seeds;
import dev.polymath.nn.meta.MetaDivergedException;
import dev.polymath.nn.optim.Adam;
import dev.polymath.nn.tensor.Graph;
import dev.polymath.nn.tensor.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Meta-training of the in-context learner: every step draws {@code batch} sequences, each from a task picked
 * uniformly among the {@code taskCount} training tasks (indices {@code 0..taskCount-1} of the family), and
 * minimizes the cross-entropy of {@code y_t} averaged over all positions. Adam (fused, on the flat parameter
 * vector) with linear warm-up and cosine decay, global gradient-norm clipping at 1.
 */
public final class IclTrainer {
    private IclTrainer() {}

    /**
     * Training settings. {@code singleTaskFraction}: the probability that a sequence comes from training task 0
     * instead of a uniformly drawn one, the data-distribution bias Kirsch et al. propose against the loss plateau
     * (0 = the plain uniform distribution).
     */
    public record Options(int steps, int batch, int length, double lr, int warmup, double clip, long seed, double singleTaskFraction) {
        public Options {
            if (steps <= 0 || batch <= 0 || length < 2) throw new IllegalArgumentException("steps and batch must be > 0 and length >= 2");
            if (!(singleTaskFraction >= 0 && singleTaskFraction < 1)) throw new IllegalArgumentException("singleTaskFraction must be in [0, 1), got " + singleTaskFraction);
        }

        public Options(int steps, int batch, int length, double lr, int warmup, double clip, long seed) {
            this(steps, batch, length, lr, warmup, clip, seed, 0);
        }
    }

    /** What training did: the loss every {@code every} steps (mean over that window) and the time taken. */
    public record Result(double[] steps, double[] loss, double seconds) {}

    /** Trains {@code model} in place on tasks {@code 0..taskCount-1} of {@code tasks}. */
    public static Result train(IclTransformer model, ProjectedTasks tasks, long taskCount, Options o, Progress progress) {
        if (taskCount <= 0) throw new IllegalArgumentException("taskCount must be > 0, got " + taskCount);
        if (tasks.ways() > model.config().labels()) {
            throw new IllegalArgumentException(tasks.ways() + "-way tasks but the model has " + model.config().labels() + " labels");
        }
        Parameters params = model.parameters();
        Adam adam = new Adam(params.size(), o.lr(), 0.9, 0.999, 1e-8, 0);
        float[] grad = new float[params.size()];
        var cache = new IclBatch.Projections(1024);
        int every = Math.max(1, o.steps() / 100);
        var xs = new ArrayList<Double>();
        var ys = new ArrayList<Double>();
        double window = 0, lastFinite = Double.NaN;
        int inWindow = 0;
        long start = System.nanoTime();
        NDManager scope = NDManager.newBaseManager();
        try (scope) {
            for (int step = 0; step < o.steps(); step++) {
                SplittableRandom rng = Seeds.stream(Seeds.mix(o.seed(), step), "gpicl/batch");
                var seqs = new ArrayList<ProjectedTasks.Sequence>(o.batch());
                for (int b = 0; b < o.batch(); b++) {
                    long index = rng.nextLong(taskCount);
                    if (o.singleTaskFraction() > 0 && rng.nextDouble() < o.singleTaskFraction()) index = 0;
                    ProjectedTasks.TaskSpec task = tasks.task(index);
                    seqs.add(tasks.sequence(task, o.length(), rng));
                }
                double loss;
                try (Graph g = Graph.open(scope)) {
                    Graph.gradMode(true);
                    PtNDArray[] p = params.leaves(g);
                    IclBatch batch = IclBatch.of(g, tasks, seqs, model.config().labels(), cache);
                    PtNDArray logits = model.forward(g, p, batch.x(), batch.yPrev());
                    PtNDArray l = g.crossEntropy(g.reshape(logits, -1, model.config().labels()), batch.targets());
                    loss = Graph.item(l);
                    if (!Double.isFinite(loss)) throw new MetaDivergedException(step, loss, lastFinite);
                    g.backward(l, false);
                    params.readGradients(g, p, grad);
                } finally {
                    Graph.gradMode(false);
                }
                clip(grad, o.clip());
                adam.step(params.values(), grad, o.lr() * schedule(step, o.steps(), o.warmup()));
                params.sync();
                lastFinite = loss;
                window += loss;
                inWindow++;
                if (inWindow == every || step == o.steps() - 1) {
                    xs.add((double) step + 1);
                    ys.add(window / inWindow);
                    window = 0;
                    inWindow = 0;
                }
                if (progress != null) progress.step();
            }
        }
        return new Result(xs.stream().mapToDouble(Double::doubleValue).toArray(), ys.stream().mapToDouble(Double::doubleValue).toArray(),
                (System.nanoTime() - start) / 1e9);
    }

    /** Learning-rate factor: linear warm-up over {@code warmup} steps, then cosine decay to 10%. */
    static double schedule(int step, int steps, int warmup) {
        if (step < warmup) return (step + 1.0) / warmup;
        double progress = (step - warmup) / (double) Math.max(1, steps - warmup);
        return 0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress));
    }

    private static void clip(float[] grad, double max) {
        if (!(max > 0)) return;
        double sq = 0;
        for (float v : grad) sq += (double) v * v;
        double norm = Math.sqrt(sq);
        if (norm > max) {
            float f = (float) (max / norm);
            for (int i = 0; i < grad.length; i++) grad[i] *= f;
        }
    }

    /**
     * Accuracy of the model's prediction at each position over {@code sequences} sequences; sequence {@code j}
     * comes from task {@code firstTask + (j mod taskCount)}. Labels are unknown at position 0, so it scores
     * chance there; how far above chance the later positions are is what the model learned in context.
     */
    public record Evaluation(double[] accuracyByPosition, double loss, double[] perSequenceLate, int lateFrom) {
        /** Mean accuracy over positions {@code >= lateFrom}, with a 95% CI over sequences. */
        public MeanCi lateAccuracy() {
            return MeanCi.student(perSequenceLate);
        }
    }

    public static Evaluation evaluate(IclTransformer model, ProjectedTasks tasks, long firstTask, long taskCount, int sequences,
                                      int length, long seed) {
        int L = model.config().labels();
        int lateFrom = length * 3 / 4;
        double[] correct = new double[length];
        double[] late = new double[sequences];
        double lossSum = 0;
        var cache = new IclBatch.Projections(256);
        SplittableRandom rng = Seeds.stream(seed, "gpicl/eval");
        int chunk = 64;
        boolean was = Graph.gradMode();
        Graph.gradMode(false);
        try (NDManager scope = NDManager.newBaseManager()) {
            for (int from = 0; from < sequences; from += chunk) {
                int n = Math.min(chunk, sequences - from);
                List<ProjectedTasks.Sequence> seqs = new ArrayList<>(n);
                for (int j = 0; j < n; j++) seqs.add(tasks.sequence(tasks.task(firstTask + (from + j) % taskCount), length, rng));
                try (Graph g = Graph.open(scope)) {
                    IclBatch batch = IclBatch.of(g, tasks, seqs, L, cache);
                    PtNDArray logits = model.forward(g, model.parameters().views(g), batch.x(), batch.yPrev());
                    lossSum += Graph.item(g.crossEntropy(g.reshape(logits, -1, L), batch.targets())) * n;
                    long[] pred = g.own(JniUtils.argMax(logits, 2, false)).toLongArray();
                    for (int j = 0; j < n; j++) {
                        int lateHits = 0;
                        for (int t = 0; t < length; t++) {
                            boolean hit = pred[j * length + t] == batch.labels()[j][t];
                            if (hit) {
                                correct[t]++;
                                if (t >= lateFrom) lateHits++;
                            }
                        }
                        late[from + j] = lateHits / (double) (length - lateFrom);
                    }
                }
            }
        } finally {
            Graph.gradMode(was);
        }
        for (int t = 0; t < length; t++) correct[t] /= sequences;
        return new Evaluation(correct, lossSum / sequences, late, lateFrom);
    }
}
