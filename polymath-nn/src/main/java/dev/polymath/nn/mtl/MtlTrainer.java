package dev.polymath.nn.mtl;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.polymath.core.metric.DeltaM;
import dev.polymath.core.metric.DeltaMResult;
import dev.polymath.core.metric.ScoreTable;
import dev.polymath.core.metric.TaskEvaluator;
import dev.polymath.core.task.Target;
import dev.polymath.core.task.Task;
import dev.polymath.core.util.Seeds;
import dev.polymath.nn.mtl.arch.MtlNet;
import dev.polymath.nn.mtl.data.MtlDataset;
import dev.polymath.nn.mtl.weighting.Weighting;
import dev.polymath.nn.optim.Adam;
import dev.polymath.nn.tensor.Graph;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Trains a multi-task network epoch by epoch: shuffled mini-batches (a fresh permutation per epoch from
 * {@code Seeds.stream(seed, "mtl/epoch/<e>")}), one {@link MtlStep} per batch, per-task evaluation with the
 * tasks' metrics ({@link TaskEvaluator}) on validation after every epoch, Δm% (LibMTL convention) against an
 * explicitly given single-task baseline, early stopping on validation Δm% (or, without a baseline, on the mean
 * of the tasks' primary metrics), the best epoch's parameters restored at the end and evaluated on test.
 * <p>With a checkpoint folder, {@code last.safetensors} is written after every epoch (parameters, Adam state,
 * epoch, best score and parameters) and {@code resume} continues from it; since batches depend only on the
 * seed and the epoch, a resumed run reproduces the uninterrupted one exactly (weighting methods with state of
 * their own, e.g. DWA's loss history, restart it). On CPU a run is reproducible bit for bit from its seed.
 */
public final class MtlTrainer {

    /**
     * @param epochs         maximum number of epochs
     * @param batchSize      examples per step
     * @param learningRate   Adam's learning rate
     * @param weightDecay    Adam's L2 weight decay
     * @param seed           run seed (batches, weighting methods)
     * @param patience       epochs without validation improvement before stopping (0 = never stop early)
     * @param checkpointDir  folder for {@code last.safetensors}, or null
     * @param resume         continue from the checkpoint in {@code checkpointDir}
     */
    public record Config(int epochs, int batchSize, double learningRate, double weightDecay, long seed, int patience,
                         Path checkpointDir, boolean resume) {
        public Config {
            if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            if (patience < 0) throw new IllegalArgumentException("patience must be >= 0, got " + patience);
            if (resume && checkpointDir == null) throw new IllegalArgumentException("resume needs a checkpoint folder");
        }

        public static Config of(int epochs, int batchSize, double learningRate, long seed) {
            return new Config(epochs, batchSize, learningRate, 0, seed, 0, null, false);
        }
    }

    /** One epoch's record. */
    public record Epoch(int epoch, long steps, double[] meanLosses, double[] meanWeights, ScoreTable validation,
                        DeltaMResult deltaM, double score, boolean best, double seconds) {}

    /** What training produced. */
    public record Result(List<Epoch> epochs, int bestEpoch, ScoreTable test, DeltaMResult testDeltaM, long steps,
                         boolean stoppedEarly) {}

    private final Config config;

    public MtlTrainer(Config config) {
        this.config = config;
    }

    public Result train(NDManager scope, MtlNet net, Weighting weighting, MtlDataset train, MtlDataset validation,
                        MtlDataset test, ScoreTable baseline, Consumer<Epoch> onEpoch) {
        int T = net.tasks();
        List<String> names = train.tasks().stream().map(Task::name).toList();
        if (names.size() != T) throw new IllegalArgumentException("the net has " + T + " tasks, the data " + names.size());
        weighting.reset(T, config.seed);
        var adam = new Adam(net.parameters().size(), config.learningRate, 0.9, 0.999, 1e-8, config.weightDecay);
        var losses = new ArrayList<TaskLoss>();
        for (int t = 0; t < T; t++) losses.add(TaskLoss.CROSS_ENTROPY);
        var step = new MtlStep(net, weighting, adam, losses, names);

        var epochs = new ArrayList<Epoch>();
        int startEpoch = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        int bestEpoch = -1;
        float[] bestParams = null;
        Path ckpt = config.checkpointDir == null ? null : config.checkpointDir.resolve("last.safetensors");
        if (config.resume && ckpt != null && Files.exists(ckpt)) {
            Checkpoint c = Checkpoint.read(ckpt);
            net.parameters().load(c.data("parameters"));
            adam.restore(c.data("optimizer.m"), c.data("optimizer.v"), Long.parseLong(c.meta("optimizer_steps")));
            startEpoch = Integer.parseInt(c.meta("epoch")) + 1;
            bestScore = Double.parseDouble(c.meta("best_score"));
            bestEpoch = Integer.parseInt(c.meta("best_epoch"));
            bestParams = c.tensors().containsKey("best.parameters") ? c.data("best.parameters") : null;
        }

        long globalStep = adam.steps();
        boolean stopped = false;
        try (NDManager buffers = scope.newSubManager()) {
            Batches batches = new Batches(buffers, train, config.batchSize);
            for (int e = startEpoch; e < config.epochs; e++) {
                long t0 = System.nanoTime();
                int[] order = permutation(train.size(), Seeds.stream(config.seed, "mtl/epoch/" + e));
                double[] sumLoss = new double[T], sumW = new double[T];
                int nSteps = 0;
                for (int from = 0; from < order.length; from += config.batchSize) {
                    int count = Math.min(config.batchSize, order.length - from);
                    try (Graph g = Graph.open(buffers)) {
                        Batches.Batch b = batches.load(g, order, from, count);
                        MtlStep.Result r = step.run(buffers, b.x(), b.y(), globalStep, e);
                        for (int t = 0; t < T; t++) {
                            sumLoss[t] += r.losses()[t];
                            sumW[t] += r.weights()[t];
                        }
                    }
                    globalStep++;
                    nSteps++;
                }
                for (int t = 0; t < T; t++) {
                    sumLoss[t] /= nSteps;
                    sumW[t] /= nSteps;
                }
                ScoreTable val = validation == null ? null : evaluate(buffers, net, validation);
                DeltaMResult dm = val != null && baseline != null ? DeltaM.compute(validation.tasks(), val, baseline) : null;
                double score = val == null ? -mean(sumLoss) : dm != null ? dm.percent() : meanPrimary(validation.tasks(), val);
                boolean best = score > bestScore;
                if (best) {
                    bestScore = score;
                    bestEpoch = e;
                    bestParams = net.parameters().values().clone();
                }
                var ep = new Epoch(e, globalStep, sumLoss, sumW, val, dm, score, best, (System.nanoTime() - t0) / 1e9);
                epochs.add(ep);
                if (onEpoch != null) onEpoch.accept(ep);
                if (ckpt != null) writeCheckpoint(ckpt, net, adam, e, bestScore, bestEpoch, bestParams);
                if (config.patience > 0 && e - bestEpoch >= config.patience) {
                    stopped = e + 1 < config.epochs;
                    break;
                }
            }
            if (bestParams != null) net.parameters().load(bestParams);
            ScoreTable testScores = test == null ? null : evaluate(buffers, net, test);
            DeltaMResult testDm = testScores != null && baseline != null ? DeltaM.compute(test.tasks(), testScores, baseline) : null;
            return new Result(epochs, bestEpoch, testScores, testDm, globalStep, stopped);
        }
    }

    private static void writeCheckpoint(Path file, MtlNet net, Adam adam, int epoch, double bestScore, int bestEpoch, float[] best) {
        var tensors = new LinkedHashMap<String, Checkpoint.Tensor>();
        var p = net.parameters();
        for (var s : p.specs()) {
            tensors.put(s.name(), new Checkpoint.Tensor(s.shape(), Arrays.copyOfRange(p.values(), s.offset(), s.offset() + s.size())));
        }
        tensors.put("parameters", new Checkpoint.Tensor(new long[] {p.size()}, p.values().clone()));
        tensors.put("optimizer.m", new Checkpoint.Tensor(new long[] {p.size()}, adam.firstMoment().clone()));
        tensors.put("optimizer.v", new Checkpoint.Tensor(new long[] {p.size()}, adam.secondMoment().clone()));
        if (best != null) tensors.put("best.parameters", new Checkpoint.Tensor(new long[] {p.size()}, best));
        var meta = new LinkedHashMap<String, String>();
        meta.put("format", "polymath-mtl-checkpoint/1");
        meta.put("model", net.describe());
        meta.put("epoch", Integer.toString(epoch));
        meta.put("optimizer", adam.toString());
        meta.put("optimizer_steps", Long.toString(adam.steps()));
        meta.put("best_score", Double.toString(bestScore));
        meta.put("best_epoch", Integer.toString(bestEpoch));
        new Checkpoint(tensors, meta).write(file);
    }

    /** Per-task metrics of {@code net} on a dataset (batches of 1024, no gradients). */
    public static ScoreTable evaluate(NDManager scope, MtlNet net, MtlDataset data) {
        int T = net.tasks();
        var predicted = new ArrayList<List<Target>>();
        for (int t = 0; t < T; t++) predicted.add(new ArrayList<>(data.size()));
        int bs = 1024;
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        try (NDManager buffers = scope.newSubManager()) {
            Batches batches = new Batches(buffers, data, bs);
            for (int from = 0; from < order.length; from += bs) {
                int count = Math.min(bs, order.length - from);
                try (Graph g = Graph.open(buffers)) {
                    Batches.Batch b = batches.load(g, order, from, count);
                    PtNDArray[] out = MtlStep.predict(net, g, b.x());
                    for (int t = 0; t < T; t++) {
                        PtNDArray am = g.argMax(out[t], 1);
                        LongBuffer lb = JniUtils.getByteBuffer(am, true).order(ByteOrder.nativeOrder()).asLongBuffer();
                        List<String> labels = data.tasks().get(t).labels();
                        for (int i = 0; i < count; i++) predicted.get(t).add(new Target.Label(labels.get((int) lb.get(i))));
                    }
                }
            }
        }
        var eval = new TaskEvaluator();
        var table = ScoreTable.builder(data.split());
        for (int t = 0; t < T; t++) {
            Task task = data.tasks().get(t);
            table.putAll(task.name(), eval.evaluate(task, data.split(), predicted.get(t)));
        }
        return table.build();
    }

    private static double meanPrimary(List<Task> tasks, ScoreTable s) {
        double sum = 0;
        for (Task t : tasks) {
            double v = s.value(t.name(), t.primaryMetric().name());
            sum += t.primaryMetric().higherIsBetter() ? v : -v;
        }
        return sum / tasks.size();
    }

    private static double mean(double[] a) {
        return Arrays.stream(a).average().orElse(0);
    }

    static int[] permutation(int n, SplittableRandom rng) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        Seeds.shuffle(a, rng);
        return a;
    }

    /** Reusable native input and label buffers of one batch size; a short last batch reads a view of them. */
    static final class Batches {
        record Batch(PtNDArray x, PtNDArray[] y) {}

        private final MtlDataset data;
        private final int capacity;
        private final PtNDArray x;
        private final FloatBuffer xb;
        private final PtNDArray[] y;
        private final LongBuffer[] yb;

        Batches(NDManager manager, MtlDataset data, int capacity) {
            this.data = data;
            this.capacity = capacity;
            long[] shape = new long[data.inputShape().length + 1];
            shape[0] = capacity;
            System.arraycopy(data.inputShape(), 0, shape, 1, data.inputShape().length);
            x = JniUtils.createEmptyNdArray((PtNDManager) manager, new Shape(shape), DataType.FLOAT32, Device.cpu(), SparseFormat.DENSE);
            xb = Graph.floatBuffer(x);
            int T = data.tasks().size();
            y = new PtNDArray[T];
            yb = new LongBuffer[T];
            for (int t = 0; t < T; t++) {
                y[t] = JniUtils.createEmptyNdArray((PtNDManager) manager, new Shape(capacity, 1), DataType.INT64, Device.cpu(), SparseFormat.DENSE);
                yb[t] = JniUtils.getByteBuffer(y[t], true).order(ByteOrder.nativeOrder()).asLongBuffer();
            }
        }

        Batch load(Graph g, int[] order, int from, int count) {
            int[] idx = Arrays.copyOfRange(order, from, from + count);
            xb.clear();
            data.fillInputs(idx, count, xb);
            for (int t = 0; t < y.length; t++) for (int i = 0; i < count; i++) yb[t].put(i, data.label(t, idx[i]));
            if (count == capacity) return new Batch(x, y);
            PtNDArray[] ys = new PtNDArray[y.length];
            for (int t = 0; t < y.length; t++) ys[t] = g.rows(y[t], 0, count);
            return new Batch(g.rows(x, 0, count), ys);
        }
    }

    /** Mean losses per task as a map, for records. */
    public static Map<String, Double> named(List<String> names, double[] values) {
        var m = new LinkedHashMap<String, Double>();
        for (int i = 0; i < names.size(); i++) m.put(names.get(i), values[i]);
        return m;
    }
}
