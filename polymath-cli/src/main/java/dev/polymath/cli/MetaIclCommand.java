package dev.polymath.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.polymath.core.data.DatasetCatalog;
import dev.polymath.core.data.FashionMnistLoader;
import dev.polymath.core.metric.MeanCi;
import dev.polymath.core.report.LineChart;
import dev.polymath.core.report.Table;
import dev.polymath.core.run.Progress;
import dev.polymath.core.run.Run;
import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.core.util.AtomicFiles;
import dev.polymath.nn.Engines;
import dev.polymath.nn.meta.icl.IclBenchmarks;
import dev.polymath.nn.meta.icl.IclModelConfig;
import dev.polymath.nn.meta.icl.IclTrainer;
import dev.polymath.nn.meta.icl.IclTransformer;
import dev.polymath.nn.meta.icl.InContextClassifier;
import dev.polymath.nn.meta.icl.NearestMeanBaseline;
import dev.polymath.nn.meta.icl.ProjectedTasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code polymath meta icl}: meta-trains the general-purpose in-context learner (Kirsch et al. 2022) on N
 * projected Fashion-MNIST tasks and evaluates it in context on (a) its training tasks, (b) unseen projections,
 * (c) held-out classes, (d) CLINC150 intents (MiniLM embeddings); {@code --sweep} repeats this over task counts
 * for the memorization-to-generalization transition.
 */
@Command(name = "icl", description = "General-purpose in-context learner: a transformer meta-trained on N projected Fashion-MNIST tasks; "
        + "--sweep plots train- vs unseen-task accuracy against N.")
final class MetaIclCommand implements Callable<Integer> {
    @Option(names = "--tasks", paramLabel = "N[,N...]", description = "number of training tasks: 1024 or 2^10; a comma list trains one model each, in that order")
    String tasks;

    @Option(names = "--sweep", paramLabel = "2^A..2^B", description = "train one model per task count 2^A, 2^(A+every), ..., 2^B")
    String sweep;

    @Option(names = "--sweep-every", defaultValue = "2", description = "exponent step of --sweep (default: ${DEFAULT-VALUE})")
    int sweepEvery;

    @Option(names = "--sweep-dir", paramLabel = "DIR", description = "keep each sweep point's model and results here; points already there "
            + "(same settings) are not retrained, so a sweep can be run in several sittings (default: none)")
    Path sweepDir;

    @Option(names = "--max-new-points", description = "train at most this many new sweep points, then report what is there (default: all)")
    Integer maxNewPoints;

    @Option(names = "--steps", defaultValue = "6000", description = "training steps per model (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--batch", defaultValue = "64", description = "sequences per step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--length", defaultValue = "48", description = "examples per sequence (default: ${DEFAULT-VALUE})")
    int length;

    @Option(names = "--input-dim", defaultValue = "32", description = "features after the task's projection (default: ${DEFAULT-VALUE})")
    int inputDim;

    @Option(names = "--ways", defaultValue = "4", description = "classes per task (default: ${DEFAULT-VALUE})")
    int ways;

    @Option(names = "--d-model", defaultValue = "64", description = "transformer width (default: ${DEFAULT-VALUE})")
    int dModel;

    @Option(names = "--layers", defaultValue = "3", description = "transformer blocks (default: ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--heads", defaultValue = "4", description = "attention heads (default: ${DEFAULT-VALUE})")
    int heads;

    @Option(names = "--lr", defaultValue = "0.001", description = "peak Adam learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--warmup", defaultValue = "200", description = "warm-up steps (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--single-task-fraction", defaultValue = "0", description = "probability that a training sequence comes from task 0 "
            + "rather than a uniformly drawn task: the data bias Kirsch et al. propose against the loss plateau (default: ${DEFAULT-VALUE})")
    double singleTaskFraction;

    @Option(names = "--eval-sequences", defaultValue = "256", description = "sequences per evaluation (default: ${DEFAULT-VALUE})")
    int evalSequences;

    @Option(names = "--no-intents", description = "skip the CLINC150 intent evaluation (needs the sentence encoder)")
    boolean noIntents;

    @Option(names = "--out", paramLabel = "DIR", description = "also save the trained model (config.json + model.safetensors) here")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "seed of weights, tasks and batches (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--threads", description = "compute threads (default: cores)")
    Integer threads;

    @Mixin
    RunsOption runs = new RunsOption();

    @Mixin
    EncoderOptions encoder = new EncoderOptions();

    /** {@code 1024}, {@code 2^10} or {@code 2**10}. */
    static long parseCount(String s) {
        String t = s.trim();
        try {
            int caret = t.indexOf('^') >= 0 ? t.indexOf('^') : t.indexOf("**");
            long v;
            if (caret >= 0) {
                long base = Long.parseLong(t.substring(0, caret).trim());
                int exp = Integer.parseInt(t.substring(caret + (t.charAt(caret) == '^' ? 1 : 2)).trim());
                if (exp < 0 || exp > 40) throw new IllegalArgumentException("exponent of '" + s + "' must be in 0..40");
                v = 1;
                for (int i = 0; i < exp; i++) v = Math.multiplyExact(v, base);
            } else {
                v = Long.parseLong(t);
            }
            if (v <= 0) throw new IllegalArgumentException("task count '" + s + "' must be > 0");
            return v;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("cannot read task count '" + s + "': expected e.g. 1024 or 2^10");
        }
    }

    /** {@code 2^4..2^16} with exponent step {@code every}: 16, 64, ..., 65536. */
    static List<Long> parseSweep(String s, int every) {
        String[] parts = s.split("\\.\\.");
        if (parts.length != 2) throw new IllegalArgumentException("--sweep '" + s + "': expected FROM..TO, e.g. 2^4..2^16");
        long from = parseCount(parts[0]), to = parseCount(parts[1]);
        if (every <= 0) throw new IllegalArgumentException("--sweep-every must be > 0");
        if (Long.bitCount(from) != 1 || Long.bitCount(to) != 1 || from > to) {
            throw new IllegalArgumentException("--sweep '" + s + "': both ends must be powers of two, FROM <= TO");
        }
        var out = new ArrayList<Long>();
        for (long n = from; n <= to; n <<= every) out.add(n);
        if (out.get(out.size() - 1) != to) out.add(to);
        return out;
    }

    private static final String[] EVALS = {"train tasks", "unseen projections", "held-out classes", "CLINC150 intents"};

    /** One trained model's figures. */
    record Point(long tasks, double seconds, double finalLoss, MeanCi[] late, double[][] byPosition) {}

    @Override
    public Integer call() {
        if ((tasks == null) == (sweep == null)) throw new IllegalArgumentException("give exactly one of --tasks N or --sweep 2^A..2^B");
        List<Long> counts = tasks != null ? java.util.Arrays.stream(tasks.split(",")).map(MetaIclCommand::parseCount).toList() : parseSweep(sweep, sweepEvery);
        IclModelConfig model = new IclModelConfig(inputDim, ways, dModel, layers, heads, 4 * dModel, length);
        var o = new IclTrainer.Options(steps, batch, length, lr, warmup, 1.0, seed, singleTaskFraction);
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("task_counts", counts);
        cfg.put("model", model.describe());
        cfg.put("steps", steps);
        cfg.put("batch", batch);
        cfg.put("length", length);
        cfg.put("lr", lr);
        cfg.put("warmup", warmup);
        cfg.put("schedule", "linear warm-up, cosine decay to 10%, clip 1.0");
        if (singleTaskFraction > 0) cfg.put("single_task_fraction", singleTaskFraction); // absent when 0: older sweep points stay valid
        cfg.put("eval_sequences", evalSequences);
        cfg.put("late_positions", "accuracy averaged over positions " + (length * 3 / 4) + ".." + (length - 1) + " (0-based)");
        cfg.put("seed", seed);
        cfg.put("threads", threads != null ? threads : Engines.defaultThreads());
        Path fashionDir = FashionMnistLoader.locate();
        IclBenchmarks.Fashion fashion = IclBenchmarks.fashion(fashionDir, inputDim, ways, seed);
        cfg.putAll(fashion.describe());
        ProjectedTasks intents = noIntents ? null : intentTasks();
        if (intents != null) cfg.put("intents", "CLINC150 test utterances, all-MiniLM-L6-v2 embeddings, " + ways + " random intents per task");
        String key = settingsKey(cfg);
        Engines.pytorch(threads != null ? threads : Engines.defaultThreads());
        try (Run run = Run.start(runs.dir(), "meta-icl", cfg, seed)) {
            run.dataset(FashionMnistLoader.NAME, fashionDir);
            var points = new ArrayList<Point>();
            int trained = 0;
            for (long n : counts) {
                Path dir = sweepDir != null ? sweepDir.resolve("tasks-" + n) : null;
                Point p = dir != null ? readPoint(dir.resolve("eval.json"), key) : null;
                if (p == null) {
                    if (maxNewPoints != null && trained >= maxNewPoints) continue;
                    if (dir == null) dir = out != null && counts.size() == 1 ? out : run.file("model-tasks-" + n);
                    p = trainPoint(n, model, o, fashion, intents, dir, key);
                    trained++;
                } else {
                    System.out.printf(Locale.ROOT, "tasks %d: reusing %s%n", n, dir);
                }
                points.add(p);
            }
            points.sort(java.util.Comparator.comparingLong(Point::tasks));
            report(run, points, points.size() == 1);
            baselines(run, fashion, intents);
            Path rec = run.commit();
            System.out.println("run record: " + rec);
        }
        return 0;
    }

    private Point trainPoint(long n, IclModelConfig model, IclTrainer.Options o, IclBenchmarks.Fashion fashion, ProjectedTasks intents,
                             Path dir, String key) {
        try (NDManager root = NDManager.newBaseManager(); IclTransformer net = new IclTransformer(model, seed, root)) {
            IclTrainer.Result r;
            try (Progress progress = Progress.builder("meta icl: " + n + " training tasks").total(o.steps()).unit("step").build()) {
                r = IclTrainer.train(net, fashion.train(), n, o, progress);
            }
            var evals = new IclTrainer.Evaluation[EVALS.length];
            evals[0] = IclTrainer.evaluate(net, fashion.testImages(), 0, n, evalSequences, length, seed);
            evals[1] = IclTrainer.evaluate(net, fashion.testImages(), IclBenchmarks.UNSEEN_TASKS_FROM, evalSequences, evalSequences, length, seed);
            evals[2] = IclTrainer.evaluate(net, fashion.heldOutClasses(), IclBenchmarks.UNSEEN_TASKS_FROM, evalSequences, evalSequences, length, seed);
            if (intents != null) evals[3] = IclTrainer.evaluate(net, intents, IclBenchmarks.UNSEEN_TASKS_FROM, evalSequences, evalSequences, length, seed);
            MeanCi[] late = new MeanCi[EVALS.length];
            double[][] pos = new double[EVALS.length][];
            for (int i = 0; i < EVALS.length; i++) {
                if (evals[i] == null) continue;
                late[i] = evals[i].lateAccuracy();
                pos[i] = evals[i].accuracyByPosition();
            }
            Point p = new Point(n, r.seconds(), r.loss()[r.loss().length - 1], late, pos);
            InContextClassifier.save(net, dir, Map.of("format", IclModelConfig.FORMAT, "training_tasks", Long.toString(n),
                    "steps", Integer.toString(o.steps()), "seed", Long.toString(seed)));
            writePoint(dir.resolve("eval.json"), p, key);
            System.out.printf(Locale.ROOT, "tasks %d: %.0f s, final loss %.4f, late accuracy: train tasks %.4f, unseen projections %.4f, "
                    + "held-out classes %.4f%s%n", n, r.seconds(), p.finalLoss(), late[0].mean(), late[1].mean(), late[2].mean(),
                    late[3] != null ? String.format(Locale.ROOT, ", CLINC150 intents %.4f", late[3].mean()) : "");
            return p;
        }
    }

    private void report(Run run, List<Point> points, boolean single) {
        var t = Table.builder("GPICL: in-context accuracy at positions " + (length * 3 / 4) + "-" + (length - 1) + " of " + length
                        + " (" + ways + "-way, chance " + Fmt4.pct(1.0 / ways) + "), mean ± 95% CI over " + evalSequences + " sequences")
                .columns("training tasks", "final train loss", EVALS[0], EVALS[1], EVALS[2], EVALS[3], "train s");
        for (Point p : points) {
            var row = new ArrayList<Object>();
            row.add(Long.toString(p.tasks()));
            row.add(String.format(Locale.ROOT, "%.4f", p.finalLoss()));
            for (int i = 0; i < EVALS.length; i++) {
                row.add(p.late()[i] == null ? "-" : p.late()[i].format(4));
                if (p.late()[i] != null) run.metric("tasks-" + p.tasks() + "/" + EVALS[i], "late_accuracy", p.late()[i].mean(), p.late()[i].halfWidth());
            }
            row.add(String.format(Locale.ROOT, "%.0f", p.seconds()));
            t.row(row.toArray());
        }
        Table table = t.build();
        run.table(table);
        System.out.print(table.toText());
        if (!points.isEmpty() && !single) {
            double[] x = points.stream().mapToDouble(Point::tasks).toArray();
            var chart = LineChart.builder("GPICL: accuracy after " + (length * 3 / 4) + " examples in context vs training tasks")
                    .xLabel("training tasks").yLabel("accuracy").log2X(true).yRange(0, 1);
            for (int i = 0; i < EVALS.length; i++) {
                final int k = i;
                if (points.stream().anyMatch(p -> p.late()[k] == null)) continue;
                chart.series(EVALS[i], x, points.stream().mapToDouble(p -> p.late()[k].mean()).toArray(),
                        points.stream().mapToDouble(p -> p.late()[k].halfWidth()).toArray());
            }
            chart.series("chance", x, points.stream().mapToDouble(p -> 1.0 / ways).toArray());
            run.chart(chart.build());
        }
        for (Point p : points) {
            var chart = LineChart.builder("Accuracy by context position, " + p.tasks() + " training tasks").xLabel("position").yLabel("accuracy").yRange(0, 1);
            double[] pos = new double[length];
            for (int i = 0; i < length; i++) pos[i] = i;
            for (int i = 0; i < EVALS.length; i++) if (p.byPosition()[i] != null) chart.series(EVALS[i], pos, p.byPosition()[i]);
            run.chart(chart.build());
        }
    }

    /** The hand-written nearest-class-mean learner on the same unseen-task evaluation sequences, for reference. */
    private void baselines(Run run, IclBenchmarks.Fashion fashion, ProjectedTasks intents) {
        ProjectedTasks[] families = {fashion.testImages(), fashion.heldOutClasses(), intents};
        var t = Table.builder("Reference: nearest class mean over the same context (no meta-training), positions "
                + (length * 3 / 4) + "-" + (length - 1)).columns("learner", EVALS[1], EVALS[2], EVALS[3]);
        var row = new ArrayList<Object>();
        row.add("nearest class mean");
        for (int i = 0; i < families.length; i++) {
            if (families[i] == null) { row.add("-"); continue; }
            MeanCi c = NearestMeanBaseline.evaluate(families[i], IclBenchmarks.UNSEEN_TASKS_FROM, evalSequences, evalSequences, length, seed).lateAccuracy();
            row.add(c.format(4));
            run.metric("nearest-mean/" + EVALS[i + 1], "late_accuracy", c.mean(), c.halfWidth());
        }
        t.row(row.toArray());
        Table table = t.build();
        run.table(table);
        System.out.print(table.toText());
    }

    /** Formatting helper for the table title. */
    private static final class Fmt4 {
        static String pct(double v) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
    }

    private ProjectedTasks intentTasks() {
        Task task = DatasetCatalog.load("clinc150").task("clinc150/intent");
        var texts = new ArrayList<String>();
        var labels = new ArrayList<String>();
        for (Example e : task.split(Task.TEST)) {
            texts.add(e.text());
            labels.add(e.label());
        }
        float[][] emb;
        try (var enc = encoder.open()) {
            System.err.println("meta icl: embedding " + texts.size() + " CLINC150 test utterances (cached after the first run)");
            emb = enc.encode(texts).toArrays();
        }
        return IclBenchmarks.embeddings("clinc150/test", emb, labels.toArray(String[]::new), inputDim, ways, seed);
    }

    private static String settingsKey(Map<String, Object> cfg) {
        var m = new LinkedHashMap<>(cfg);
        m.remove("task_counts");
        m.remove("threads");
        return m.toString();
    }

    private static void writePoint(Path file, Point p, String key) {
        var mapper = new ObjectMapper();
        ObjectNode n = mapper.createObjectNode();
        n.put("settings", key);
        n.put("tasks", p.tasks());
        n.put("seconds", p.seconds());
        n.put("final_loss", p.finalLoss());
        var evals = n.putObject("evaluations");
        for (int i = 0; i < EVALS.length; i++) {
            if (p.late()[i] == null) continue;
            ObjectNode e = evals.putObject(EVALS[i]);
            MeanCi c = p.late()[i];
            e.put("late_mean", c.mean()).put("late_half_width", c.halfWidth()).put("n", c.n()).put("std", c.std());
            var arr = e.putArray("accuracy_by_position");
            for (double v : p.byPosition()[i]) arr.add(v);
        }
        try {
            byte[] bytes = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
            AtomicFiles.write(file, s -> s.write(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A finished point with the same settings, or null. */
    private static Point readPoint(Path file, String key) {
        if (!Files.isRegularFile(file)) return null;
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!key.equals(n.path("settings").asText())) {
            throw new IllegalArgumentException(file + ": field 'settings' differs from this run's; use another --sweep-dir or delete the folder");
        }
        MeanCi[] late = new MeanCi[EVALS.length];
        double[][] pos = new double[EVALS.length][];
        for (int i = 0; i < EVALS.length; i++) {
            JsonNode e = n.path("evaluations").get(EVALS[i]);
            if (e == null) continue;
            late[i] = new MeanCi(e.path("late_mean").asDouble(), e.path("late_half_width").asDouble(), e.path("n").asInt(), e.path("std").asDouble());
            pos[i] = new double[e.path("accuracy_by_position").size()];
            for (int j = 0; j < pos[i].length; j++) pos[i][j] = e.path("accuracy_by_position").get(j).asDouble();
        }
        return new Point(n.path("tasks").asLong(), n.path("seconds").asDouble(), n.path("final_loss").asDouble(), late, pos);
    }
}
