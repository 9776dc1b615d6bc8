package dev.polymath.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.polymath.core.metric.ScoreTable;
import dev.polymath.core.report.LineChart;
import dev.polymath.core.report.Table;
import dev.polymath.core.run.Run;
import dev.polymath.core.task.Task;
import dev.polymath.core.util.AtomicFiles;
import dev.polymath.nn.Engines;
import dev.polymath.nn.MklCpuDispatch;
import dev.polymath.nn.NativeAllocator;
import dev.polymath.nn.mtl.MethodCompatibility;
import dev.polymath.nn.mtl.MtlTrainer;
import dev.polymath.nn.mtl.Sharpness;
import dev.polymath.nn.mtl.arch.Architectures;
import dev.polymath.nn.mtl.suite.LoadedSuite;
import dev.polymath.nn.mtl.suite.MethodSpec;
import dev.polymath.nn.mtl.suite.MtlExperiment;
import dev.polymath.nn.mtl.weighting.WeightingRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code polymath mtl ...}: multi-task learning. */
@Command(name = "mtl", description = "Multi-task learning: train a shared network on several tasks, compare methods.",
        subcommands = {MtlCommand.Train.class, MtlCompareCommand.class})
final class MtlCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "train", description = "Train one configuration, evaluate every task on validation each epoch and on test at "
            + "the end, and write a run record with a report (--tasks a,b trains a subset; one task = a single-task baseline).")
    static final class Train implements Callable<Integer> {
        @Mixin
        MtlSuiteOptions suite = new MtlSuiteOptions();

        @Option(names = "--arch", description = "architecture: ${COMPLETION-CANDIDATES}", defaultValue = "hps",
                completionCandidates = ArchNames.class)
        String arch;

        @Option(names = "--weighting", description = "loss weighting / gradient method: ew, uw, dwa, gls, rlw, gradnorm, mgda[:l2|loss|loss+|none], "
                + "pcgrad, gradvac, cagrad, imtl, nash_mtl, aligned_mtl, famo (default: ${DEFAULT-VALUE})", defaultValue = "ew")
        String weighting;

        @Option(names = "--sam", paramLabel = "RHO", description = "wrap the method in a sharpness-aware step of radius RHO (see --sam-kind)")
        Double sam;

        @Option(names = "--sam-kind", defaultValue = "fmtl", description = "fmtl (per-task perturbations, F-MTL) or sam (one perturbation, plain SAM); default ${DEFAULT-VALUE}")
        String samKind;

        @Option(names = "--tasks", split = ",", description = "train only these tasks, e.g. irony (a single-task baseline)")
        List<String> tasks;

        @Option(names = "--baseline", description = "single-task baseline JSON for Δm%%: {task: {metric: value}}, or {validation: {...}, test: {...}}")
        Path baseline;

        @Option(names = "--write-baseline", description = "write this run's validation (best epoch) and test metrics as a baseline JSON file")
        Path writeBaseline;

        @Option(names = "--checkpoints", description = "folder for last.safetensors (written every epoch)")
        Path checkpoints;

        @Option(names = "--resume", description = "continue from the checkpoint in --checkpoints")
        boolean resume;

        @Option(names = "--seed", defaultValue = "0")
        long seed;

        @Mixin
        RunsOption runs = new RunsOption();

        private final PrintStream out = System.out;

        @Override
        public Integer call() throws Exception {
            MethodSpec method = new MethodSpec(weighting, Sharpness.of(samKind, sam), suite.gradients());
            Architectures.get(arch); // unknown names and impossible configurations fail before data are loaded
            suite.checkArchOptions(List.of(arch));
            method.check(suite.suite());
            int th = suite.threads != null ? suite.threads : Engines.defaultThreads();
            var config = new LinkedHashMap<String, Object>(suite.settings());
            config.put("arch", arch);
            config.put("weighting", method.label());
            if (method.gradients() != null) config.put("gradients", MethodCompatibility.option(method.gradients()));
            config.put("tasks", tasks);
            config.put("arch_options", suite.archOptions(arch));
            config.put("threads", th);
            config.put("baseline", baseline == null ? null : baseline.toString());
            ScoreTable[] base = baseline == null ? new ScoreTable[2] : readBaseline(baseline);
            try (Run run = Run.start(runs.dir(), "mtl-train", config, seed);
                 var root = Engines.pytorch(th).newBaseManager()) {
                LoadedSuite data = suite.load(out);
                data.datasets().forEach(run::dataset);
                var spec = new MtlExperiment.Spec(arch, method, suite.archOptions(arch), tasks, suite.epochs(),
                        suite.batch(), suite.lr(), suite.weightDecay, suite.patience(), seed, checkpoints, resume);
                List<String> names = tasks != null ? tasks : data.train().taskNames();
                List<Task> taskList = (tasks != null ? data.select(tasks) : data).train().tasks();
                out.printf(Locale.ROOT, "epoch  %s  %s  val Δm%%/loss (one task: its metric)  best  s%n", String.join(" ", names.stream().map(n -> "loss:" + n).toList()),
                        String.join(" ", taskList.stream().map(t -> "val " + t.primaryMetric().name() + ":" + t.name()).toList()));
                var epochRows = new ArrayList<List<String>>();
                MtlExperiment.Outcome o = MtlExperiment.run(root, data, spec, base[0], base[1], out::println, ep -> {
                    var row = new ArrayList<String>();
                    row.add(Integer.toString(ep.epoch()));
                    for (int t = 0; t < names.size(); t++) {
                        run.point("train loss/" + names.get(t), ep.epoch(), ep.meanLosses()[t]);
                        row.add(String.format(Locale.ROOT, "%.4f", ep.meanLosses()[t]));
                    }
                    for (int t = 0; t < taskList.size(); t++) {
                        Task task = taskList.get(t);
                        double v = ep.validation() == null ? Double.NaN : ep.validation().value(task.name(), task.primaryMetric().name());
                        if (ep.validation() != null) {
                            run.point("validation " + task.primaryMetric().name() + "/" + task.name(), ep.epoch(), v);
                            run.point("validation loss/" + task.name(), ep.epoch(), ep.validationLosses()[t]);
                        }
                        row.add(String.format(Locale.ROOT, "%.4f", v));
                    }
                    // a single task without baseline selects on its primary metric (the score), several tasks on the loss (minus the score)
                    row.add(ep.deltaM() != null ? String.format(Locale.ROOT, "%+.2f%%", ep.deltaM().percent())
                            : String.format(Locale.ROOT, "%.4f", taskList.size() == 1 ? ep.score() : -ep.score()));
                    row.add(ep.best() ? "*" : "");
                    row.add(String.format(Locale.ROOT, "%.1f", ep.seconds()));
                    epochRows.add(row);
                    out.println("epoch " + String.join("  ", row));
                });
                MtlTrainer.Result res = o.result();
                var headers = new ArrayList<String>();
                headers.add("epoch");
                for (String n : names) headers.add("loss " + n);
                for (Task t : taskList) headers.add("val " + t.primaryMetric().name() + " " + t.name());
                headers.add(base[0] != null ? "val Δm%" : taskList.size() == 1 ? "val " + taskList.get(0).primaryMetric().name() : "val loss");
                headers.add("best");
                headers.add("s");
                run.table(Table.of("Training (validation after each epoch; " + res.selection() + ")", headers, epochRows));
                var testRows = new ArrayList<List<String>>();
                var metricNames = new ArrayList<String>();
                for (Task t : taskList) for (var m : t.metrics()) if (!metricNames.contains(m.name())) metricNames.add(m.name());
                for (Task t : taskList) {
                    var row = new ArrayList<String>();
                    row.add(t.name());
                    for (String m : metricNames) {
                        Double v = res.test().values().getOrDefault(t.name(), Map.of()).get(m);
                        if (v != null) run.metric(t.name(), m, v);
                        row.add(v == null ? "" : String.format(Locale.ROOT, "%.4f", v));
                    }
                    testRows.add(row);
                }
                var testHeaders = new ArrayList<String>();
                testHeaders.add("task");
                testHeaders.addAll(metricNames);
                Table testTable = Table.of("Test, best epoch " + res.bestEpoch(), testHeaders, testRows);
                run.table(testTable);
                if (res.testDeltaM() != null) {
                    run.value("test delta_m_percent", res.testDeltaM().percent());
                    run.note("Δm% against " + baseline + ": " + res.testDeltaM());
                }
                run.chart(MtlReports.weightChart("Task weights per step: " + method.label(), names, res.stepWeights()));
                run.note(res.selection());
                run.info("steps", res.steps());
                run.info("stopped_early", res.stoppedEarly());
                run.info("model", o.model());
                run.info("data", data.describe());
                run.info("malloc", NativeAllocator.state());
                run.info("mkl_dispatch", MklCpuDispatch.state());
                if (writeBaseline != null) {
                    var json = new LinkedHashMap<String, Object>();
                    ScoreTable bestVal = MtlReports.bestValidation(res);
                    json.put("validation", bestVal == null ? null : bestVal.values());
                    json.put("test", res.test().values());
                    AtomicFiles.writeString(writeBaseline, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
                }
                out.println();
                out.println(res.selection());
                out.print(testTable.toText());
                if (res.testDeltaM() != null) out.println("test " + res.testDeltaM());
                Path dir = run.commit();
                out.println("run record: " + dir);
            }
            return 0;
        }

        /** {@code {task: {metric: v}}} (the same figures for validation and test) or {@code {validation: ..., test: ...}}. */
        static ScoreTable[] readBaseline(Path file) throws java.io.IOException {
            JsonNode node = new ObjectMapper().readTree(Files.readString(file));
            if (node.has("test")) {
                return new ScoreTable[] {node.path("validation").isObject() ? table(file, "validation", node.path("validation")) : null,
                        table(file, "test", node.path("test"))};
            }
            ScoreTable t = table(file, "baseline", node);
            return new ScoreTable[] {t, t};
        }

        private static ScoreTable table(Path file, String label, JsonNode node) {
            var b = ScoreTable.builder(label + " " + file.getFileName());
            node.fields().forEachRemaining(t -> t.getValue().fields().forEachRemaining(m -> {
                if (!m.getValue().isNumber()) {
                    throw new IllegalArgumentException(file + ": " + t.getKey() + "." + m.getKey() + " is not a number");
                }
                b.put(t.getKey(), m.getKey(), m.getValue().asDouble());
            }));
            return b.build();
        }
    }

    static final class ArchNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Architectures.names().iterator();
        }
    }

    /** Valid method names, for help texts. */
    static String methods() {
        return String.join(", ", WeightingRegistry.names());
    }
}
