package dev.polymath.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.polymath.core.metric.DeltaM;
import dev.polymath.core.metric.MeanCi;
import dev.polymath.core.metric.ScoreTable;
import dev.polymath.core.report.BarChart;
import dev.polymath.core.report.Table;
import dev.polymath.core.run.Run;
import dev.polymath.core.task.Task;
import dev.polymath.nn.Engines;
import dev.polymath.nn.mtl.MethodCompatibility;
import dev.polymath.nn.mtl.MtlTrainer;
import dev.polymath.nn.mtl.Sharpness;
import dev.polymath.nn.mtl.arch.Architectures;
import dev.polymath.nn.mtl.suite.LoadedSuite;
import dev.polymath.nn.mtl.suite.MethodSpec;
import dev.polymath.nn.mtl.suite.MtlExperiment;
import dev.polymath.nn.mtl.suite.ResultStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code polymath mtl compare}: single-task baselines, then every (architecture, method, seed) of the grid;
 * per-task test metrics and Δm% as mean ± 95% CI over seeds; a run record with an HTML report. Every finished
 * run is stored (see {@link ResultStore}), so baselines are reused and a grid can be run in sittings
 * ({@code --time-budget}): the table and report are written once every run of the grid is there.
 */
@Command(name = "compare", description = "Train single-task baselines (stored and reused) and a grid of architectures x methods x seeds; "
        + "print per-task test metrics and Δm%% (mean ± 95%% CI over seeds) and write a run record with an HTML report.")
final class MtlCompareCommand implements Callable<Integer> {
    @Mixin
    MtlSuiteOptions suite = new MtlSuiteOptions();

    @Option(names = "--archs", split = ",", defaultValue = "hps", description = "architectures (default ${DEFAULT-VALUE})")
    List<String> archs;

    @Option(names = "--weightings", split = ",", defaultValue = "ew", description = "methods; append +fmtl (F-MTL) or +sam (plain SAM) "
            + "to wrap one in a sharpness-aware step of radius --sam-rho, e.g. ew,uw,pcgrad,pcgrad+fmtl (default ${DEFAULT-VALUE})")
    List<String> weightings;

    @Option(names = "--seeds", defaultValue = "3", description = "seeds per configuration: first-seed .. first-seed+N-1 (default ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--first-seed", defaultValue = "0")
    long firstSeed;

    @Option(names = "--baseline-seeds", description = "single-task baselines of seeds first-seed .. first-seed+N-1, whose mean is the Δm% "
            + "reference for selection and the table (default: --seeds), e.g. a one-seed grid against three baseline seeds; as before, "
            + "stored grid runs are keyed by the settings, not by the baseline they were selected against")
    Integer baselineSeeds;

    @Option(names = "--store", paramLabel = "DIR", description = "stored baselines and grid runs (default: <runs>/mtl-store)")
    Path store;

    @Option(names = "--time-budget", paramLabel = "MINUTES", defaultValue = "0", description = "start no new training run after this many minutes "
            + "(0 = no limit); rerun the same command to continue, stored runs are reused")
    double timeBudget;

    @Option(names = "--checkpoints", description = "checkpoint every run in progress after each epoch (in the store) and resume it on the "
            + "next call; with --time-budget a run is also paused at the first epoch boundary past the budget, so long runs fit in sittings")
    boolean checkpoints;

    @Option(names = "--baselines-only", description = "train (or read) the single-task baselines of these seeds and stop: lets the baselines "
            + "of several seeds be trained side by side before a grid selects against their mean")
    boolean baselinesOnly;

    @Mixin
    RunsOption runs = new RunsOption();

    private final PrintStream out = System.out;

    /** One grid row. */
    record Row(String arch, MethodSpec method) {
        String label() {
            return arch + " " + method.label();
        }
    }

    @Override
    public Integer call() throws Exception {
        if (seeds < 1) throw new IllegalArgumentException("--seeds must be >= 1");
        if (baselineSeeds != null && baselineSeeds < 1) throw new IllegalArgumentException("--baseline-seeds must be >= 1");
        int stlSeeds = baselineSeeds != null ? baselineSeeds : seeds;
        for (String a : archs) Architectures.get(a);
        suite.checkArchOptions(archs);
        var rows = new ArrayList<Row>();
        for (String a : archs) for (String w : weightings) rows.add(new Row(a, MethodSpec.parse(w, suite.samRho, suite.gradients())));
        for (Row r : rows) { // every cell, before any run starts
            try {
                r.method().check(suite.suite());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("grid cell '" + r.label() + "': " + e.getMessage(), e);
            }
        }
        int th = suite.threads != null ? suite.threads : Engines.defaultThreads();
        ResultStore results = new ResultStore(store != null ? store : runs.dir().resolve("mtl-store"));
        Map<String, Object> settings = suite.settings();
        Map<String, Object> gridSettings = new LinkedHashMap<>(settings);
        gridSettings.put("experts", suite.experts);
        // only when given, so the fingerprints of grids run before the option existed stay valid
        if (suite.gradients() == dev.polymath.nn.mtl.weighting.GradientMode.REPRESENTATION) gridSettings.put("gradients", "representation");
        if (suite.archOptions != null) gridSettings.put("arch_options", new java.util.TreeMap<>(suite.archOptions));
        // single-task baselines select their best epoch on their own primary validation metric (before: validation loss)
        Map<String, Object> stlSettings = new LinkedHashMap<>(settings);
        stlSettings.put("selection", "primary metric");
        String stlKey = ResultStore.fingerprint(stlSettings), gridKey = ResultStore.fingerprint(gridSettings);
        long deadline = timeBudget > 0 ? System.nanoTime() + (long) (timeBudget * 60e9) : Long.MAX_VALUE;

        var config = new LinkedHashMap<String, Object>(gridSettings);
        config.put("archs", archs);
        config.put("weightings", rows.stream().map(r -> r.method().label()).toList());
        config.put("seeds", seeds);
        config.put("baseline_seeds", stlSeeds);
        config.put("first_seed", firstSeed);
        config.put("threads", th);
        config.put("store", results.dir().toString());
        try (Run run = Run.start(runs.dir(), "mtl-compare", config, firstSeed);
             var root = Engines.pytorch(th).newBaseManager()) {
            LoadedSuite data = suite.load(out);
            data.datasets().forEach(run::dataset);
            List<Task> tasks = data.train().tasks();
            List<String> names = data.train().taskNames();
            int total = names.size() * stlSeeds + rows.size() * seeds;
            int[] done = {0};
            out.printf(Locale.ROOT, "%d single-task baselines + %d grid runs (%d rows x %d seeds); stored in %s/%s%n",
                    names.size() * stlSeeds, rows.size() * seeds, rows.size(), seeds, results.dir(), suite.suite);

            // 1. single-task baselines: hps + ew on one task, per seed
            var stl = new LinkedHashMap<String, List<ResultStore.Entry>>();
            boolean complete = true;
            for (String task : names) {
                for (int k = 0; k < stlSeeds; k++) {
                    long seed = firstSeed + k;
                    String name = "stl/" + task + "-seed" + seed;
                    var have = results.read(suite.suite, stlKey, name);
                    if (have.isEmpty()) {
                        if (System.nanoTime() > deadline) { complete = false; continue; }
                        var spec = spec("hps", new MethodSpec("ew", Sharpness.NONE), seed, results, stlKey, name).withTasks(List.of(task));
                        MtlExperiment.Outcome o = MtlExperiment.run(root, data, spec, null, null, null, epochLine(name, tasks.stream()
                                .filter(t -> t.name().equals(task)).findFirst().orElseThrow().primaryMetric().name()), pause(spec, deadline));
                        if (o.result().paused()) { complete = false; paused(name, o); continue; }
                        results.write(suite.suite, stlKey, name, MtlReports.bestValidation(o.result()), o.result().test(), stlSettings,
                                extra(o, names.size(), false));
                        dropCheckpoint(spec);
                        have = results.read(suite.suite, stlKey, name);
                        progress(++done[0], total, name, have.get().test(), tasks, o.seconds());
                    } else {
                        progress(++done[0], total, name + " (stored)", have.get().test(), tasks, Double.NaN);
                    }
                    stl.computeIfAbsent(task, t -> new ArrayList<>()).add(have.get());
                }
            }
            if (!complete) return incomplete(done[0], total);
            if (baselinesOnly) {
                out.printf(Locale.ROOT, "all %d single-task baselines are stored%n", names.size() * stlSeeds);
                return 0;
            }
            ScoreTable stlVal = meanTable("single-task validation", stl, true);
            ScoreTable stlTest = meanTable("single-task test", stl, false);

            // 2. the grid
            var grid = new LinkedHashMap<Row, List<ResultStore.Entry>>();
            for (Row r : rows) {
                for (int k = 0; k < seeds; k++) {
                    long seed = firstSeed + k;
                    String name = "grid/" + r.arch() + "-" + r.method().label() + "-seed" + seed;
                    var have = results.read(suite.suite, gridKey, name);
                    if (have.isEmpty()) {
                        if (System.nanoTime() > deadline) { complete = false; continue; }
                        var spec = spec(r.arch(), r.method(), seed, results, gridKey, name);
                        MtlExperiment.Outcome o = MtlExperiment.run(root, data, spec, stlVal, stlTest, null, epochLine(name, null), pause(spec, deadline));
                        if (o.result().paused()) { complete = false; paused(name, o); continue; }
                        results.write(suite.suite, gridKey, name, MtlReports.bestValidation(o.result()), o.result().test(), gridSettings,
                                extra(o, names.size(), true));
                        dropCheckpoint(spec);
                        have = results.read(suite.suite, gridKey, name);
                        progress(++done[0], total, name, have.get().test(), tasks, o.seconds());
                    } else {
                        progress(++done[0], total, name + " (stored)", have.get().test(), tasks, Double.NaN);
                    }
                    grid.computeIfAbsent(r, x -> new ArrayList<>()).add(have.get());
                }
            }
            if (!complete) return incomplete(done[0], total);

            // 3. the table: per-task primary test metric and Δm% as mean ± 95% CI over seeds
            var headers = new ArrayList<String>();
            headers.add("model");
            for (Task t : tasks) headers.add(t.name() + " (" + t.primaryMetric().name() + ")");
            headers.add("Δm% (test)");
            headers.add("Δm% per seed");
            headers.add("best / last epoch per seed");
            var tableRows = new ArrayList<List<String>>();
            var chartValues = new LinkedHashMap<String, double[][]>(); // label -> [task][mean, ci]
            var stlRow = new ArrayList<String>();
            stlRow.add("single-task (hps ew)");
            double[][] stlChart = new double[tasks.size()][];
            for (int t = 0; t < tasks.size(); t++) {
                double[] v = values(stl.get(tasks.get(t).name()), tasks.get(t));
                stlRow.add(fmt(v, 100));
                stlChart[t] = ci(v, 100);
                run.metric("single-task/" + tasks.get(t).name(), tasks.get(t).primaryMetric().name(), mean(v));
            }
            stlRow.add("0 (reference)");
            stlRow.add("");
            stlRow.add(String.join("; ", stl.entrySet().stream()
                    .map(e -> e.getKey() + " " + String.join(", ", e.getValue().stream().map(MtlCompareCommand::epochs).toList())).toList()));
            tableRows.add(stlRow);
            chartValues.put("single-task", stlChart);
            for (Row r : rows) {
                List<ResultStore.Entry> es = grid.get(r);
                var row = new ArrayList<String>();
                row.add(r.label());
                double[][] ch = new double[tasks.size()][];
                for (int t = 0; t < tasks.size(); t++) {
                    Task task = tasks.get(t);
                    double[] v = es.stream().mapToDouble(e -> e.test().value(task.name(), task.primaryMetric().name())).toArray();
                    row.add(fmt(v, 100));
                    ch[t] = ci(v, 100);
                    run.metric(r.label() + "/" + task.name(), task.primaryMetric().name(), mean(v));
                }
                double[] dm = es.stream().mapToDouble(e -> DeltaM.compute(MtlTrainer.primaryMetrics(tasks), e.test(), stlTest).percent()).toArray();
                row.add(fmtSigned(dm));
                row.add(String.join(", ", java.util.Arrays.stream(dm).mapToObj(d -> String.format(Locale.ROOT, "%+.2f", d)).toList()));
                row.add(String.join(", ", es.stream().map(MtlCompareCommand::epochs).toList()));
                run.value("delta_m_percent/" + r.label(), mean(dm));
                tableRows.add(row);
                chartValues.put(r.label(), ch);
            }
            String title = String.format(Locale.ROOT, "%s: test metrics (x100) and Δm%% vs single-task, mean ± 95%% CI over %d seeds", suite.suite, seeds);
            Table table = Table.of(title, headers, tableRows);
            run.table(table);
            for (int t = 0; t < tasks.size(); t++) {
                var b = BarChart.builder(tasks.get(t).name() + " test " + tasks.get(t).primaryMetric().name()).yLabel(tasks.get(t).primaryMetric().name() + " x100")
                        .categories(new ArrayList<>(chartValues.keySet()));
                double[] means = new double[chartValues.size()], errs = new double[chartValues.size()];
                int i = 0;
                for (double[][] v : chartValues.values()) {
                    means[i] = v[t][0];
                    errs[i++] = v[t][1];
                }
                run.chart(b.series("mean ± 95% CI", means, errs).build());
            }
            for (Row r : rows) {
                JsonNode w = grid.get(r).get(0).extra().path("weights");
                if (!w.isArray() || w.size() != names.size() + 1) continue;
                double[][] series = new double[w.size()][];
                for (int i = 0; i < w.size(); i++) {
                    series[i] = new double[w.get(i).size()];
                    for (int j = 0; j < series[i].length; j++) series[i][j] = w.get(i).get(j).asDouble();
                }
                run.chart(MtlReports.weightChart("Task weights: " + r.label() + ", seed " + firstSeed, names, series));
            }
            Table curves = MtlReports.curveTable(suite.suite + ": validation after each epoch (single-task: the task's primary metric x100; "
                    + "multi-task: Δm% against the single-task mean; * = best epoch)", stl, grid.entrySet().stream()
                    .collect(java.util.stream.Collectors.toMap(e -> e.getKey().label(), Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new)), tasks, firstSeed);
            if (curves != null) {
                run.table(curves);
                MtlReports.curveCharts(stl, grid.entrySet().stream()
                        .collect(java.util.stream.Collectors.toMap(e -> e.getKey().label(), e -> e.getValue().get(0), (a, b) -> a, LinkedHashMap::new)),
                        tasks, firstSeed).forEach(run::chart);
            }
            run.note("Single-task baselines: hps with one head, ew, same settings, per seed; Δm% (LibMTL convention, positive = better than "
                    + "single-task) on each task's primary metric against the single-task mean over seeds. Best epoch by validation Δm% "
                    + "(single-task runs: by the task's primary validation metric). Epochs are counted from 1.");
            run.info("data", data.describe());
            out.println();
            out.print(table.toText());
            if (curves != null) {
                out.println();
                out.print(curves.toText());
            }
            Path dir = run.commit();
            out.println("run record: " + dir);
        }
        return 0;
    }

    private MtlExperiment.Spec spec(String arch, MethodSpec method, long seed, ResultStore results, String key, String name) {
        Path ckpt = checkpoints ? results.checkpointDir(suite.suite, key, name) : null;
        if (ckpt != null && java.nio.file.Files.exists(ckpt.resolve("last.safetensors"))) out.println("    " + name + ": resuming from " + ckpt);
        return new MtlExperiment.Spec(arch, method, suite.archOptions(arch), null, suite.epochs(), suite.batch(),
                suite.lr(), suite.weightDecay, suite.patience(), seed, ckpt, ckpt != null);
    }

    /** With checkpoints, a run pauses at the first epoch boundary past the time budget; without, it runs to the end. */
    private static java.util.function.BooleanSupplier pause(MtlExperiment.Spec spec, long deadline) {
        return spec.checkpoints() == null || deadline == Long.MAX_VALUE ? null : () -> System.nanoTime() > deadline;
    }

    private void paused(String name, MtlExperiment.Outcome o) {
        out.printf(Locale.ROOT, "    %s: paused after epoch %d (time budget); its checkpoint is in %s%n", name,
                o.result().epochs().get(o.result().epochs().size() - 1).epoch() + 1, o.spec().checkpoints());
    }

    private static void dropCheckpoint(MtlExperiment.Spec spec) throws java.io.IOException {
        if (spec.checkpoints() != null && java.nio.file.Files.exists(spec.checkpoints())) dev.polymath.core.util.AtomicFiles.deleteRecursively(spec.checkpoints());
    }

    /** What a stored run keeps besides its best validation and test figures, including its learning curve. */
    private static Map<String, Object> extra(MtlExperiment.Outcome o, int tasks, boolean grid) {
        var extra = new LinkedHashMap<String, Object>();
        MtlTrainer.Result r = o.result();
        extra.put("seconds", o.seconds());
        extra.put("epoch_seconds", r.epochs().stream().mapToDouble(MtlTrainer.Epoch::seconds).sum());
        extra.put("best_epoch", r.bestEpoch());
        extra.put("epochs_run", r.epochs().isEmpty() ? 0 : r.epochs().get(r.epochs().size() - 1).epoch() + 1);
        extra.put("steps", r.steps());
        extra.put("stopped_early", r.stoppedEarly());
        extra.put("curve", MtlReports.curve(r));
        if (grid) {
            extra.put("model", o.model());
            extra.put("weights", MtlReports.downsample(r.stepWeights(), tasks));
        }
        return extra;
    }

    /** "best/last" epoch of a stored run, counted from 1 ("3/3" = best at its last of 3 epochs); older runs store the best only. */
    static String epochs(ResultStore.Entry e) {
        JsonNode best = e.extra().path("best_epoch"), last = e.extra().path("epochs_run");
        if (!best.isNumber()) return "?";
        return (best.asInt() + 1) + (last.isNumber() ? "/" + last.asInt() : "");
    }

    /** One line per epoch of the run in progress, so long runs show they are alive. */
    /** @param metric the single task's primary metric (what a single-task run selects on), or null for a grid run */
    private java.util.function.Consumer<MtlTrainer.Epoch> epochLine(String name, String metric) {
        return ep -> out.printf(Locale.ROOT, "    %s epoch %d: %s%s (%.1f s)%n", name, ep.epoch() + 1,
                ep.deltaM() != null ? String.format(Locale.ROOT, "validation Δm %+.2f%%", ep.deltaM().percent())
                        : String.format(Locale.ROOT, "validation %s %.4f", metric, ep.score()), ep.best() ? " *" : "", ep.seconds());
    }

    private int incomplete(int done, int total) {
        out.printf(Locale.ROOT, "time budget used: %d of %d runs are stored; run the same command again to continue%n", done, total);
        return 3;
    }

    private void progress(int done, int total, String name, ScoreTable test, List<Task> tasks, double seconds) {
        var sb = new StringBuilder();
        for (Task t : tasks) {
            Double v = test.values().getOrDefault(t.name(), Map.of()).get(t.primaryMetric().name());
            if (v != null) sb.append(String.format(Locale.ROOT, " %s=%.4f", t.name(), v));
        }
        out.printf(Locale.ROOT, "[%d/%d] %s:%s%s%n", done, total, name, sb, Double.isNaN(seconds) ? "" : String.format(Locale.ROOT, " (%.0f s)", seconds));
    }

    /** Mean over seeds of every metric of each task's single-task runs. */
    private static ScoreTable meanTable(String label, Map<String, List<ResultStore.Entry>> stl, boolean validation) {
        var b = ScoreTable.builder(label);
        stl.forEach((task, entries) -> {
            var sums = new LinkedHashMap<String, double[]>();
            for (var e : entries) {
                ScoreTable s = validation ? e.validation() : e.test();
                if (s == null) continue;
                s.values().getOrDefault(task, Map.of()).forEach((m, v) -> {
                    double[] a = sums.computeIfAbsent(m, x -> new double[2]);
                    a[0] += v;
                    a[1]++;
                });
            }
            sums.forEach((m, a) -> b.put(task, m, a[0] / a[1]));
        });
        return b.build();
    }

    private static double[] values(List<ResultStore.Entry> es, Task task) {
        return es.stream().mapToDouble(e -> e.test().value(task.name(), task.primaryMetric().name())).toArray();
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    private static double[] ci(double[] v, double scale) {
        if (v.length < 2) return new double[] {mean(v) * scale, 0};
        MeanCi m = MeanCi.student(v).scaled(scale);
        return new double[] {m.mean(), m.halfWidth()};
    }

    private static String fmt(double[] v, double scale) {
        if (v.length < 2) return String.format(Locale.ROOT, "%.2f", mean(v) * scale);
        return MeanCi.student(v).scaled(scale).format(2);
    }

    private static String fmtSigned(double[] v) {
        double[] c = ci(v, 1);
        return v.length < 2 ? String.format(Locale.ROOT, "%+.2f", c[0]) : String.format(Locale.ROOT, "%+.2f ± %.2f", c[0], c[1]);
    }
}
