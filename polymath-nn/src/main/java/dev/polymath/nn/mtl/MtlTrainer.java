package dev.polymath.nn.mtl;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polymath.core.metric.DeltaM;
import dev.polymath.core.metric.DeltaMResult;
import dev.polymath.core.metric.ScoreTable;
import dev.polymath.core.metric.TaskEvaluator;
import dev.polymath.core.task.Target;
import dev.polymath.core.task.Task;
import dev.polymath.core.util.Seeds;
import dev.polymath.nn.mtl.arch.MtlNet;
import dev.polymath.nn.mtl.data.MtlDataset;
import dev.polymath.nn.mtl.data.MtlSplit;
import dev.polymath.nn.mtl.weighting.GradientMode;
import dev.polymath.nn.mtl.weighting.Weighting;
import dev.polymath.nn.optim.Adam;
import dev.polymath.nn.tensor.Graph;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Trains a multi-task network epoch by epoch, one {@link MtlStep} per batch, and evaluates every task with
 * its own metrics ({@link TaskEvaluator}) and its validation loss after every epoch.
 * <p><b>Batches.</b> Shared inputs (one dataset labelled for every task): a fresh permutation per epoch from
 * {@code Seeds.stream(seed, "mtl/epoch/<e>")}. Separate inputs (one dataset per task): every step takes one
 * batch from each task; an epoch has as many steps as the largest task needs for one pass; each task cycles
 * through its own permutations ({@code "mtl/task/<name>/pass/<k>"}), so smaller tasks are revisited within an
 * epoch, and a task sees the same batches, and as many per epoch, whether it is trained alone (a single-task
 * baseline selected from the suite) or with others. Either way the batches
 * of a step depend only on (seed, step).
 * <p><b>Selection and early stopping.</b> With a single-task baseline, on validation Δm% (LibMTL convention,
 * over each task's primary metric); without one, a single task (a single-task baseline itself) on its own
 * primary validation metric, several tasks on the mean validation loss over tasks; never against epoch 0
 * ({@link #selectionCriterion} says which). The best epoch's parameters are restored at the end and evaluated on test.
 * <p><b>Checkpoints.</b> With a checkpoint folder, {@code last.safetensors} is written after every epoch:
 * parameters, Adam state, the weighting method's state (e.g. UW's log-variances, DWA's loss history, FAMO's
 * logits), the per-step weight trajectory, the epoch, the best score and parameters, every epoch's record (so a
 * resumed run's {@link Result} has the whole learning curve) and whether early stopping ended the run; {@code resume}
 * continues from it, and the resumed run reproduces the uninterrupted one exactly (on CPU, bit for bit). With a
 * checkpoint folder a run can also be paused at an epoch boundary ({@link #pauseWhen}) and resumed later.
 */
public final class MtlTrainer {

    /**
     * @param epochs         maximum number of epochs
     * @param batchSize      examples per step (per task with separate inputs)
     * @param learningRate   Adam's learning rate
     * @param weightDecay    Adam's L2 weight decay
     * @param seed           run seed (batches, weighting methods)
     * @param patience       epochs without validation improvement before stopping (0 = never stop early)
     * @param checkpointDir  folder for {@code last.safetensors}, or null
     * @param resume         continue from the checkpoint in {@code checkpointDir}
     * @param sharpness      SAM / F-MTL second pass, or {@link Sharpness#NONE}
     */
    /** @param gradients the gradient mode of gradient methods (parameters or representation), null for the method's own */
    public record Config(int epochs, int batchSize, double learningRate, double weightDecay, long seed, int patience,
                         Path checkpointDir, boolean resume, Sharpness sharpness, GradientMode gradients) {
        public Config {
            if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            if (patience < 0) throw new IllegalArgumentException("patience must be >= 0, got " + patience);
            if (resume && checkpointDir == null) throw new IllegalArgumentException("resume needs a checkpoint folder");
            if (sharpness == null) sharpness = Sharpness.NONE;
        }

        public Config(int epochs, int batchSize, double learningRate, double weightDecay, long seed, int patience,
                      Path checkpointDir, boolean resume, Sharpness sharpness) {
            this(epochs, batchSize, learningRate, weightDecay, seed, patience, checkpointDir, resume, sharpness, null);
        }

        public Config(int epochs, int batchSize, double learningRate, double weightDecay, long seed, int patience,
                      Path checkpointDir, boolean resume) {
            this(epochs, batchSize, learningRate, weightDecay, seed, patience, checkpointDir, resume, Sharpness.NONE);
        }

        public static Config of(int epochs, int batchSize, double learningRate, long seed) {
            return new Config(epochs, batchSize, learningRate, 0, seed, 0, null, false);
        }
    }

    /** One epoch's record; {@code score} is what selection maximises (Δm%, or minus the mean validation loss). */
    public record Epoch(int epoch, long steps, double[] meanLosses, double[] meanWeights, ScoreTable validation,
                        double[] validationLosses, DeltaMResult deltaM, double score, boolean best, double seconds) {}

    /**
     * What training produced.
     *
     * @param stepWeights the weighting method's task weights at every step since the start of the run
     *                    (restored from the checkpoint when resumed), for weight-trajectory plots
     * @param paused      the run stopped at an epoch boundary on {@link #pauseWhen} (no test figures); resume to go on
     */
    public record Result(List<Epoch> epochs, int bestEpoch, ScoreTable test, DeltaMResult testDeltaM, long steps,
                         boolean stoppedEarly, String selection, float[][] stepWeights, boolean paused) {}

    /** Validation or test figures: each task's metrics and mean loss. */
    public record Evaluation(ScoreTable scores, double[] losses) {}

    private final Config config;
    private BooleanSupplier pause = () -> false;

    public MtlTrainer(Config config) {
        this.config = config;
    }

    /**
     * Asked after every epoch that has more to come: true pauses the run there (a {@link Result#paused()} result,
     * no test evaluation). Only with a checkpoint folder, so a pause loses no work; {@code resume} continues.
     */
    public MtlTrainer pauseWhen(BooleanSupplier condition) {
        if (config.checkpointDir == null) throw new IllegalArgumentException("pausing needs a checkpoint folder to resume from");
        this.pause = condition;
        return this;
    }

    /** How the best epoch is chosen and when training stops early, in words, for logs and records. */
    public static String selectionCriterion(ScoreTable baseline, List<Task> tasks) {
        if (baseline != null) return "best epoch and early stopping on validation Δm% against the single-task baseline";
        if (tasks.size() == 1) {
            return "single task, no baseline: best epoch and early stopping on its validation " + tasks.get(0).primaryMetric().name();
        }
        return "no single-task baseline given: best epoch and early stopping on the mean validation loss";
    }

    /** Shared-input data with one weighting instance (no F-MTL: that needs two instances, use the factory form). */
    public Result train(NDManager scope, MtlNet net, Weighting weighting, MtlDataset train, MtlDataset validation,
                        MtlDataset test, ScoreTable baseline, Consumer<Epoch> onEpoch) {
        if (config.sharpness.kind() == Sharpness.Kind.FMTL) {
            throw new IllegalArgumentException("F-MTL needs a factory of the weighting method (two instances)");
        }
        return train(scope, net, () -> weighting, MtlSplit.shared(train), validation == null ? null : MtlSplit.shared(validation),
                test == null ? null : MtlSplit.shared(test), baseline, onEpoch);
    }

    /** As below, with one baseline for validation and test. */
    public Result train(NDManager scope, MtlNet net, Supplier<? extends Weighting> weightings, MtlSplit train,
                        MtlSplit validation, MtlSplit test, ScoreTable baseline, Consumer<Epoch> onEpoch) {
        return train(scope, net, weightings, train, validation, test, baseline, baseline, onEpoch);
    }

    /**
     * @param weightings     makes the weighting method (twice for F-MTL)
     * @param baseline       single-task figures on validation (selection and early stopping on Δm%), or null
     * @param testBaseline   single-task figures on test (the test Δm%), or null
     */
    public Result train(NDManager scope, MtlNet net, Supplier<? extends Weighting> weightings, MtlSplit train,
                        MtlSplit validation, MtlSplit test, ScoreTable baseline, ScoreTable testBaseline, Consumer<Epoch> onEpoch) {
        int T = net.tasks();
        List<String> names = train.taskNames();
        if (names.size() != T) throw new IllegalArgumentException("the net has " + T + " tasks, the data " + names.size());
        MethodCompatibility.check(weightings.get(), config.gradients, config.sharpness, train.sharedInputs(), "the data " + train.name());
        var adam = new Adam(net.parameters().size(), config.learningRate, 0.9, 0.999, 1e-8, config.weightDecay);
        var losses = new ArrayList<TaskLoss>();
        for (int t = 0; t < T; t++) losses.add(TaskLoss.CROSS_ENTROPY);
        var step = new MtlStep(net, weightings, config.gradients, config.sharpness, adam, losses, names);
        step.reset(config.seed);

        var epochs = new ArrayList<Epoch>();
        int startEpoch = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        int bestEpoch = -1;
        float[] bestParams = null;
        var trajectory = new ArrayList<float[]>();
        boolean stopped = false;
        Path ckpt = config.checkpointDir == null ? null : config.checkpointDir.resolve("last.safetensors");
        if (config.resume && ckpt != null && Files.exists(ckpt)) {
            Checkpoint c = Checkpoint.read(ckpt);
            net.parameters().load(c.data("parameters"));
            adam.restore(c.data("optimizer.m"), c.data("optimizer.v"), Long.parseLong(c.meta("optimizer_steps")));
            startEpoch = Integer.parseInt(c.meta("epoch")) + 1;
            bestScore = Double.parseDouble(c.meta("best_score"));
            bestEpoch = Integer.parseInt(c.meta("best_epoch"));
            bestParams = c.tensors().containsKey("best.parameters") ? c.data("best.parameters") : null;
            step.restoreWeightingState(readState(c.meta("weighting_state")));
            if (c.tensors().containsKey("trajectory.weights")) {
                float[] w = c.data("trajectory.weights");
                for (int i = 0; i + T <= w.length; i += T) trajectory.add(Arrays.copyOfRange(w, i, i + T));
            }
            // checkpoints written before the history was kept resume without the earlier epochs' records
            if (c.metadata().containsKey("epochs")) epochs.addAll(readEpochs(c.meta("epochs"), validation, baseline));
            // an early-stopped run stays stopped; one that ran out of epochs goes on if given more
            stopped = Boolean.parseBoolean(c.metadata().getOrDefault("stopped_early", "false"));
        }

        long globalStep = adam.steps();
        boolean paused = false;
        try (NDManager buffers = scope.newSubManager()) {
            StepBatches batches = new StepBatches(buffers, train, config.batchSize, config.seed);
            for (int e = startEpoch; e < config.epochs && !stopped; e++) {
                long t0 = System.nanoTime();
                double[] sumLoss = new double[T], sumW = new double[T];
                int nSteps = batches.stepsPerEpoch();
                for (int i = 0; i < nSteps; i++) {
                    try (Graph g = Graph.open(buffers)) {
                        StepBatches.Batch b = batches.load(g, e, i);
                        MtlStep.Result r = step.run(buffers, b.xs(), b.ys(), globalStep, e);
                        float[] w = new float[T];
                        for (int t = 0; t < T; t++) {
                            sumLoss[t] += r.losses()[t];
                            sumW[t] += r.weights()[t];
                            w[t] = (float) r.weights()[t];
                        }
                        trajectory.add(w);
                    }
                    globalStep++;
                }
                for (int t = 0; t < T; t++) {
                    sumLoss[t] /= nSteps;
                    sumW[t] /= nSteps;
                }
                Evaluation val = validation == null ? null : evaluate(buffers, net, validation);
                DeltaMResult dm = val != null && baseline != null ? DeltaM.compute(primaryMetrics(validation.tasks()), val.scores(), baseline) : null;
                double score = score(dm, val, sumLoss, validation);
                boolean best = score > bestScore;
                if (best) {
                    bestScore = score;
                    bestEpoch = e;
                    bestParams = net.parameters().values().clone();
                }
                var ep = new Epoch(e, globalStep, sumLoss, sumW, val == null ? null : val.scores(), val == null ? null : val.losses(),
                        dm, score, best, (System.nanoTime() - t0) / 1e9);
                epochs.add(ep);
                if (onEpoch != null) onEpoch.accept(ep);
                stopped = config.patience > 0 && e - bestEpoch >= config.patience && e + 1 < config.epochs;
                if (ckpt != null) writeCheckpoint(ckpt, net, adam, step, e, bestScore, bestEpoch, bestParams, trajectory, T, epochs, stopped);
                if (!stopped && e + 1 < config.epochs && ckpt != null && pause.getAsBoolean()) {
                    paused = true;
                    break;
                }
            }
            if (paused) {
                return new Result(epochs, bestEpoch, null, null, globalStep, false, selectionCriterion(baseline, train.tasks()),
                        trajectory.toArray(float[][]::new), true);
            }
            if (bestParams != null) net.parameters().load(bestParams);
            ScoreTable testScores = test == null ? null : evaluate(buffers, net, test).scores();
            DeltaMResult testDm = testScores != null && testBaseline != null ? DeltaM.compute(primaryMetrics(test.tasks()), testScores, testBaseline) : null;
            return new Result(epochs, bestEpoch, testScores, testDm, globalStep, stopped, selectionCriterion(baseline, train.tasks()),
                    trajectory.toArray(float[][]::new), false);
        }
    }

    /** What selection maximises: validation Δm% with a baseline, else one task's primary metric, else minus the mean loss. */
    private static double score(DeltaMResult dm, Evaluation val, double[] trainLoss, MtlSplit validation) {
        if (dm != null) return dm.percent();
        if (val == null) return -mean(trainLoss);
        List<Task> tasks = validation.tasks();
        if (tasks.size() == 1) return val.scores().value(tasks.get(0).name(), tasks.get(0).primaryMetric().name());
        return -mean(val.losses());
    }

    /** Epoch records as JSON for the checkpoint; doubles as text round-trip exactly. */
    private static String writeEpochs(List<Epoch> epochs) throws IOException {
        var list = new ArrayList<Map<String, Object>>();
        for (Epoch e : epochs) {
            var m = new LinkedHashMap<String, Object>();
            m.put("epoch", e.epoch());
            m.put("steps", e.steps());
            m.put("mean_losses", e.meanLosses());
            m.put("mean_weights", e.meanWeights());
            m.put("validation", e.validation() == null ? null : e.validation().values());
            m.put("validation_losses", e.validationLosses());
            m.put("score", e.score());
            m.put("best", e.best());
            m.put("seconds", e.seconds());
            list.add(m);
        }
        return JSON.writeValueAsString(list);
    }

    private static List<Epoch> readEpochs(String json, MtlSplit validation, ScoreTable baseline) {
        var out = new ArrayList<Epoch>();
        try {
            for (var n : JSON.readTree(json)) {
                ScoreTable val = null;
                if (n.hasNonNull("validation")) {
                    var b = ScoreTable.builder(validation == null ? "validation" : validation.name());
                    n.get("validation").fields().forEachRemaining(t -> t.getValue().fields()
                            .forEachRemaining(m -> b.put(t.getKey(), m.getKey(), m.getValue().asDouble())));
                    val = b.build();
                }
                DeltaMResult dm = val != null && baseline != null && validation != null
                        ? DeltaM.compute(primaryMetrics(validation.tasks()), val, baseline) : null;
                out.add(new Epoch(n.get("epoch").asInt(), n.get("steps").asLong(), JSON.treeToValue(n.get("mean_losses"), double[].class),
                        JSON.treeToValue(n.get("mean_weights"), double[].class), val,
                        n.hasNonNull("validation_losses") ? JSON.treeToValue(n.get("validation_losses"), double[].class) : null,
                        dm, n.get("score").asDouble(), n.get("best").asBoolean(), n.get("seconds").asDouble()));
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("checkpoint metadata 'epochs' is not a valid epoch history: " + e.getMessage(), e);
        }
        return out;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, double[]> readState(String json) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, double[]>>() {});
        } catch (IOException e) {
            throw new IllegalArgumentException("checkpoint metadata 'weighting_state' is not valid JSON: " + e.getMessage());
        }
    }

    private static void writeCheckpoint(Path file, MtlNet net, Adam adam, MtlStep step, int epoch, double bestScore,
                                        int bestEpoch, float[] best, List<float[]> trajectory, int T, List<Epoch> epochs,
                                        boolean stopped) {
        var tensors = new LinkedHashMap<String, Checkpoint.Tensor>();
        var p = net.parameters();
        for (var s : p.specs()) {
            tensors.put(s.name(), new Checkpoint.Tensor(s.shape(), Arrays.copyOfRange(p.values(), s.offset(), s.offset() + s.size())));
        }
        tensors.put("parameters", new Checkpoint.Tensor(new long[] {p.size()}, p.values().clone()));
        tensors.put("optimizer.m", new Checkpoint.Tensor(new long[] {p.size()}, adam.firstMoment().clone()));
        tensors.put("optimizer.v", new Checkpoint.Tensor(new long[] {p.size()}, adam.secondMoment().clone()));
        if (best != null) tensors.put("best.parameters", new Checkpoint.Tensor(new long[] {p.size()}, best));
        float[] w = new float[trajectory.size() * T];
        for (int i = 0; i < trajectory.size(); i++) System.arraycopy(trajectory.get(i), 0, w, i * T, T);
        tensors.put("trajectory.weights", new Checkpoint.Tensor(new long[] {trajectory.size(), T}, w));
        var meta = new LinkedHashMap<String, String>();
        meta.put("format", "polymath-mtl-checkpoint/1");
        meta.put("model", net.describe());
        meta.put("epoch", Integer.toString(epoch));
        meta.put("optimizer", adam.toString());
        meta.put("optimizer_steps", Long.toString(adam.steps()));
        meta.put("best_score", Double.toString(bestScore));
        meta.put("best_epoch", Integer.toString(bestEpoch));
        meta.put("weighting", step.weighting().name() + step.sharpness().suffix());
        meta.put("stopped_early", Boolean.toString(stopped));
        try {
            // doubles as JSON text: exact round trip (Double.toString), unlike an F32 tensor
            meta.put("weighting_state", JSON.writeValueAsString(step.weightingState()));
            meta.put("epochs", writeEpochs(epochs));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        new Checkpoint(tensors, meta).write(file);
    }

    /** Per-task metrics of {@code net} on a shared-input dataset (batches of 1024, no gradients). */
    public static ScoreTable evaluate(NDManager scope, MtlNet net, MtlDataset data) {
        return evaluate(scope, net, MtlSplit.shared(data)).scores();
    }

    /** Per-task metrics and mean cross-entropy of {@code net} on a split (batches of 1024, no gradients). */
    public static Evaluation evaluate(NDManager scope, MtlNet net, MtlSplit split) {
        int T = net.tasks();
        List<Task> tasks = split.tasks();
        if (tasks.size() != T) throw new IllegalArgumentException("the net has " + T + " tasks, the split " + tasks.size());
        var eval = new TaskEvaluator();
        var table = ScoreTable.builder(split.name());
        double[] lossSums = new double[T];
        int[] counts = new int[T];
        int bs = 1024;
        int first = 0;
        for (MtlDataset data : split.sources()) {
            int local = data.tasks().size();
            var predicted = new ArrayList<List<Target>>();
            for (int j = 0; j < local; j++) predicted.add(new ArrayList<>(data.size()));
            int[] order = new int[data.size()];
            for (int i = 0; i < order.length; i++) order[i] = i;
            try (NDManager buffers = scope.newSubManager()) {
                Batches batches = new Batches(buffers, data, bs);
                for (int from = 0; from < order.length; from += bs) {
                    int count = Math.min(bs, order.length - from);
                    try (Graph g = Graph.open(buffers)) {
                        Batches.Batch b = batches.load(g, order, from, count);
                        PtNDArray[] out = MtlStep.predict(net, g, b.x());
                        for (int j = 0; j < local; j++) {
                            int t = first + j;
                            boolean was = Graph.gradMode();
                            Graph.gradMode(false);
                            lossSums[t] += Graph.item(g.crossEntropy(out[t], b.y()[j])) * count;
                            Graph.gradMode(was);
                            counts[t] += count;
                            PtNDArray am = g.argMax(out[t], 1);
                            LongBuffer lb = JniUtils.getByteBuffer(am, true).order(ByteOrder.nativeOrder()).asLongBuffer();
                            List<String> labels = data.tasks().get(j).labels();
                            for (int i = 0; i < count; i++) predicted.get(j).add(new Target.Label(labels.get((int) lb.get(i))));
                        }
                    }
                }
            }
            for (int j = 0; j < local; j++) {
                Task task = data.tasks().get(j);
                table.putAll(task.name(), eval.evaluate(task, data.split(), predicted.get(j)));
            }
            first += local;
        }
        double[] meanLoss = new double[T];
        for (int t = 0; t < T; t++) meanLoss[t] = lossSums[t] / Math.max(counts[t], 1);
        return new Evaluation(table.build(), meanLoss);
    }

    /** Each task's primary (official) metric only: Δm% is computed on these. */
    public static Map<String, List<dev.polymath.core.task.MetricSpec>> primaryMetrics(List<Task> tasks) {
        var m = new LinkedHashMap<String, List<dev.polymath.core.task.MetricSpec>>();
        for (Task t : tasks) m.put(t.name(), List.of(t.primaryMetric()));
        return m;
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

    /** The training batches of every step, a pure function of (seed, epoch, step in epoch). */
    static final class StepBatches {
        record Batch(PtNDArray[] xs, PtNDArray[] ys) {}

        private final MtlSplit split;
        private final int batch;
        private final long seed;
        private final Batches[] sources;
        private final int stepsPerEpoch;
        private final String[] names;
        private int permEpoch = -1;
        private int[] epochOrder;
        private final long[] permPass;
        private final int[][] passOrder;

        StepBatches(NDManager manager, MtlSplit split, int batch, long seed) {
            this.split = split;
            this.batch = batch;
            this.seed = seed;
            int S = split.sources().size();
            this.sources = new Batches[S];
            for (int s = 0; s < S; s++) sources[s] = new Batches(manager, split.sources().get(s), batch);
            this.names = split.taskNames().toArray(String[]::new);
            if (split.sharedInputs()) {
                stepsPerEpoch = (split.sources().get(0).size() + batch - 1) / batch;
            } else {
                stepsPerEpoch = (split.epochSize() + batch - 1) / batch;
            }
            permPass = new long[S];
            Arrays.fill(permPass, -1);
            passOrder = new int[S][];
        }

        int stepsPerEpoch() {
            return stepsPerEpoch;
        }

        Batch load(Graph g, int epoch, int i) {
            if (split.sharedInputs()) {
                MtlDataset d = split.sources().get(0);
                if (permEpoch != epoch) {
                    epochOrder = permutation(d.size(), Seeds.stream(seed, "mtl/epoch/" + epoch));
                    permEpoch = epoch;
                }
                int from = i * batch;
                Batches.Batch b = sources[0].load(g, epochOrder, from, Math.min(batch, d.size() - from));
                return new Batch(new PtNDArray[] {b.x()}, b.y());
            }
            int S = sources.length;
            PtNDArray[] xs = new PtNDArray[S], ys = new PtNDArray[S];
            long start = ((long) epoch * stepsPerEpoch + i) * batch;
            int[] idx = new int[batch];
            for (int s = 0; s < S; s++) {
                int n = split.sources().get(s).size();
                for (int j = 0; j < batch; j++) {
                    long k = start + j;
                    long pass = k / n;
                    if (permPass[s] != pass) {
                        passOrder[s] = permutation(n, Seeds.stream(seed, "mtl/task/" + names[s] + "/pass/" + pass));
                        permPass[s] = pass;
                    }
                    idx[j] = passOrder[s][(int) (k % n)];
                }
                Batches.Batch b = sources[s].load(g, idx, 0, batch);
                xs[s] = b.x();
                ys[s] = b.y()[0];
            }
            return new Batch(xs, ys);
        }
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
