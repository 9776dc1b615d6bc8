package dev.polymath.nn.meta;

import ai.djl.ndarray.NDManager;
import dev.polymath.core.metric.MeanCi;
import dev.polymath.core.run.Progress;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The episodic training loop: meta-batches of tasks, an outer update per iteration, validation on a fixed pool
 * of held-out tasks every {@code validateEvery} iterations, a final test on {@code testTasks} held-out tasks
 * (mean with a Student-t 95% interval), safetensors checkpoints, and a stop with the iteration and the last
 * finite value when the meta-loss diverges. Every iteration's tensors live in a sub-manager closed at its end.
 */
public final class MetaTrainer {

    /**
     * @param checkpoint where to write the final (and every {@code checkpointEvery}) checkpoint; null for none
     */
    public record Options(int iterations, int metaBatch, int validateEvery, int validationTasks, int testTasks, int evalChunk,
                          Path checkpoint, int checkpointEvery) {
        public Options {
            if (iterations < 0 || metaBatch < 1 || validationTasks < 0 || testTasks < 1 || evalChunk < 1) {
                throw new IllegalArgumentException("bad training options " + this);
            }
        }

        public static Options defaults(int iterations, int metaBatch) {
            return new Options(iterations, metaBatch, Math.max(1, iterations / 20), 100, 600, 50, null, 0);
        }

        public Options withCheckpoint(Path file, int every) {
            return new Options(iterations, metaBatch, validateEvery, validationTasks, testTasks, evalChunk, file, every);
        }

        public Options withTest(int validation, int test) {
            return new Options(iterations, metaBatch, validateEvery, validation, test, evalChunk, checkpoint, checkpointEvery);
        }
    }

    /** Held-out figures: loss before and after adaptation, and accuracy after (classification). */
    public record HeldOut(int tasks, MeanCi lossBefore, MeanCi loss, MeanCi accuracy) {}

    public record Result(String algorithm, String tasks, int iterations, double seconds, double itersPerSecond,
                         double[] curveX, double[] curveLoss, double[] validationX, double[] validationLoss,
                         double[] validationAccuracy, HeldOut test, Path checkpoint) {}

    private MetaTrainer() {}

    public static Result train(MetaAlgorithm algo, MetaTasks tasks, Options o, Progress progress) {
        var cx = new ArrayList<Double>();
        var cy = new ArrayList<Double>();
        var vx = new ArrayList<Double>();
        var vl = new ArrayList<Double>();
        var va = new ArrayList<Double>();
        NDManager root = algo.params().flat().getManager();
        double lastFinite = Double.NaN, smoothed = Double.NaN;
        long t0 = System.nanoTime();
        int every = Math.max(1, o.iterations() / 500);
        double window = 0;
        int inWindow = 0;
        for (int it = 0; it < o.iterations(); it++) {
            float loss;
            try (NDManager m = root.newSubManager()) {
                loss = algo.metaStep(tasks.train(m, it, o.metaBatch()));
            }
            if (!Float.isFinite(loss)) throw new MetaDivergedException(it, loss, lastFinite);
            lastFinite = loss;
            window += loss;
            inWindow++;
            if ((it + 1) % every == 0 || it + 1 == o.iterations()) {
                cx.add((double) (it + 1));
                cy.add(window / inWindow);
                window = 0;
                inWindow = 0;
            }
            if (o.validationTasks() > 0 && ((it + 1) % o.validateEvery() == 0 || it + 1 == o.iterations())) {
                HeldOut v = evaluate(algo, tasks, "validation", o.validationTasks(), o.evalChunk(), false);
                vx.add((double) (it + 1));
                vl.add(v.loss().mean());
                va.add(v.accuracy() == null ? Double.NaN : v.accuracy().mean());
            }
            if (o.checkpoint() != null && o.checkpointEvery() > 0 && (it + 1) % o.checkpointEvery() == 0) {
                checkpoint(algo, tasks, o.checkpoint(), it + 1);
            }
            if (progress != null) progress.step();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        HeldOut test = evaluate(algo, tasks, "test", o.testTasks(), o.evalChunk(), true);
        if (o.checkpoint() != null) checkpoint(algo, tasks, o.checkpoint(), o.iterations());
        return new Result(algo.name(), tasks.name(), o.iterations(), seconds, o.iterations() / Math.max(seconds, 1e-9),
                unbox(cx), unbox(cy), unbox(vx), unbox(vl), unbox(va), test, o.checkpoint());
    }

    /** Adapts to {@code count} held-out tasks of a split (in chunks) and summarises per-task losses and accuracies. */
    public static HeldOut evaluate(MetaAlgorithm algo, MetaTasks tasks, String split, int count, int chunk, boolean withBefore) {
        NDManager root = algo.params().flat().getManager();
        double[] loss = new double[count], acc = null, before = withBefore && algo.gradientBased() ? new double[count] : null;
        for (int from = 0; from < count; from += chunk) {
            int n = Math.min(chunk, count - from);
            try (NDManager m = root.newSubManager()) {
                TaskBatch b = tasks.heldOut(m, split, from, n);
                MetaAlgorithm.Evaluation e = algo.evaluate(b);
                for (int i = 0; i < n; i++) {
                    loss[from + i] = e.loss()[i];
                    if (!Double.isFinite(loss[from + i])) {
                        throw new MetaDivergedException(String.format(java.util.Locale.ROOT,
                                "adapting to %s task %d diverged: query loss %s after %d inner steps; use fewer adaptation steps (--eval-steps) or a smaller inner step",
                                split, from + i, Double.toString(loss[from + i]), algo.config().evalSteps()));
                    }
                }
                if (e.accuracy() != null) {
                    if (acc == null) acc = new double[count];
                    for (int i = 0; i < n; i++) acc[from + i] = e.accuracy()[i];
                }
                if (before != null) {
                    MetaAlgorithm.Evaluation e0 = algo.evaluate(b, 0);
                    for (int i = 0; i < n; i++) before[from + i] = e0.loss()[i];
                }
            }
        }
        return new HeldOut(count, before == null ? null : MeanCi.student(before), MeanCi.student(loss), acc == null ? null : MeanCi.student(acc));
    }

    /**
     * Loads a checkpoint written by {@link #checkpoint} into {@code algo}, after checking that it was written by the
     * same algorithm, benchmark and learner (a mismatch names the file, the field, and both values).
     */
    public static void restore(MetaAlgorithm algo, MetaTasks tasks, Path file) {
        Map<String, String> md;
        try (var f = dev.polymath.core.safetensors.SafetensorsFile.open(file)) {
            md = f.metadata();
        }
        if (!"polymath-meta".equals(md.get("format"))) {
            throw new IllegalArgumentException(file + ": not a meta-learning checkpoint (metadata format " + md.get("format") + ", expected polymath-meta)");
        }
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("algorithm", algo.name());
        expected.put("tasks", tasks.name());
        expected.put("learner", algo.learner().describe());
        expected.forEach((k, v) -> {
            if (!v.equals(md.get(k))) {
                throw new IllegalArgumentException(file + ": checkpoint " + k + " is '" + md.get(k) + "', but this evaluation uses '" + v + "'");
            }
        });
        algo.restore(Safetensors.read(file));
    }

    /** Writes the meta-parameters and optimiser state as safetensors. */
    public static void checkpoint(MetaAlgorithm algo, MetaTasks tasks, Path file, int iteration) {
        Map<String, String> md = new LinkedHashMap<>();
        md.put("format", "polymath-meta");
        md.put("algorithm", algo.name());
        md.put("tasks", tasks.name());
        md.put("learner", algo.learner().describe());
        md.put("iteration", Integer.toString(iteration));
        md.put("outer_steps", Integer.toString(algo.outerSteps()));
        md.put("seed", Long.toString(algo.config().seed()));
        Safetensors.write(file, algo.state(), md);
    }

    private static double[] unbox(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
