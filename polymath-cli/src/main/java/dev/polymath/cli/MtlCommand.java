package dev.polymath.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.polymath.core.data.FashionMnistLoader;
import dev.polymath.core.metric.ScoreTable;
import dev.polymath.core.report.Table;
import dev.polymath.core.run.Run;
import dev.polymath.core.util.AtomicFiles;
import dev.polymath.nn.Engines;
import dev.polymath.nn.MklCpuDispatch;
import dev.polymath.nn.NativeAllocator;
import dev.polymath.nn.mtl.MtlTrainer;
import dev.polymath.nn.mtl.arch.Architectures;
import dev.polymath.nn.mtl.arch.Backbone;
import dev.polymath.nn.mtl.arch.Backbones;
import dev.polymath.nn.mtl.arch.MtlNet;
import dev.polymath.nn.mtl.arch.NetSpec;
import dev.polymath.nn.mtl.data.MultiFashion;
import dev.polymath.nn.mtl.weighting.Weighting;
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
@Command(name = "mtl", description = "Multi-task learning: train a shared network on several tasks.",
        subcommands = {MtlCommand.Train.class})
final class MtlCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "train", description = "Train, evaluate per task on validation every epoch and on test at the end, "
            + "and write a run record with a report.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--suite", description = "task suite (multi-fashion)", defaultValue = "multi-fashion")
        String suite;

        @Option(names = "--arch", description = "architecture: ${COMPLETION-CANDIDATES}", defaultValue = "hps",
                completionCandidates = ArchNames.class)
        String arch;

        @Option(names = "--weighting", description = "loss weighting / gradient method, e.g. ew, uw, dwa, gradnorm, mgda, pcgrad, cagrad, nash_mtl, famo (default: ${DEFAULT-VALUE})", defaultValue = "ew")
        String weighting;

        @Option(names = "--epochs", defaultValue = "10", description = "maximum epochs (default ${DEFAULT-VALUE})")
        int epochs;

        @Option(names = "--batch", defaultValue = "256", description = "batch size (default ${DEFAULT-VALUE})")
        int batch;

        @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate (default ${DEFAULT-VALUE})")
        double lr;

        @Option(names = "--weight-decay", defaultValue = "0", description = "Adam L2 weight decay (default ${DEFAULT-VALUE})")
        double weightDecay;

        @Option(names = "--patience", defaultValue = "0", description = "early stopping: epochs without validation improvement (0 = off)")
        int patience;

        @Option(names = "--train-size", defaultValue = "" + MultiFashion.TRAIN_SIZE, description = "training composites (default ${DEFAULT-VALUE})")
        int trainSize;

        @Option(names = "--validation-size", defaultValue = "10000", description = "validation composites, generated after the training ones from Fashion-MNIST train (default ${DEFAULT-VALUE})")
        int validationSize;

        @Option(names = "--test-size", defaultValue = "" + MultiFashion.TEST_SIZE, description = "test composites (default ${DEFAULT-VALUE})")
        int testSize;

        @Option(names = "--tasks", split = ",", description = "train only these tasks (e.g. L for a single-task baseline)")
        List<String> tasks;

        @Option(names = "--baseline", description = "single-task baseline JSON ({task: {metric: value}}) for Δm%")
        Path baseline;

        @Option(names = "--write-baseline", description = "write this run's test metrics as a baseline JSON file")
        Path writeBaseline;

        @Option(names = "--experts", description = "experts (mmoe, dselect_k, sparse_moe; default 4)")
        Integer experts;

        @Option(names = {"-O", "--arch-option"}, paramLabel = "KEY=VALUE",
                description = "architecture option, repeatable: cgc/ple shared-experts, task-experts, levels; dselect_k k, gamma, "
                        + "entropy-weight; sparse_moe k, noise, capacity-factor, balance-weight; cross_stitch stitch-self; "
                        + "dtrn se-reduction, tower")
        Map<String, String> archOptions;

        @Option(names = "--checkpoints", description = "folder for last.safetensors (written every epoch)")
        Path checkpoints;

        @Option(names = "--resume", description = "continue from the checkpoint in --checkpoints")
        boolean resume;

        @Option(names = "--seed", defaultValue = "0")
        long seed;

        @Option(names = "--threads", description = "compute threads (default: cores)")
        Integer threads;

        @Mixin
        RunsOption runs = new RunsOption();

        private final PrintStream out = System.out;

        @Override
        public Integer call() throws Exception {
            if (!suite.equals("multi-fashion")) throw new IllegalArgumentException("unknown suite '" + suite + "'; known: multi-fashion");
            Weighting w = weighting(weighting);
            Architectures.get(arch); // an unknown name fails here, listing the known ones, before any data is read
            int th = threads != null ? threads : Engines.defaultThreads();
            var config = new LinkedHashMap<String, Object>();
            config.put("suite", suite);
            config.put("arch", arch);
            config.put("weighting", weighting);
            config.put("epochs", epochs);
            config.put("batch", batch);
            config.put("lr", lr);
            config.put("weight_decay", weightDecay);
            config.put("patience", patience);
            config.put("train_size", trainSize);
            config.put("validation_size", validationSize);
            config.put("test_size", testSize);
            config.put("tasks", tasks == null ? MultiFashion.TASKS : tasks);
            Map<String, String> archOpts = new java.util.TreeMap<>(archOptions == null ? Map.of() : archOptions);
            if (experts != null) archOpts.put("experts", Integer.toString(experts));
            config.put("arch_options", archOpts);
            config.put("threads", th);
            config.put("baseline", baseline == null ? null : baseline.toString());
            try (Run run = Run.start(runs.dir(), "mtl-train", config, seed);
                 var root = Engines.pytorch(th).newBaseManager()) {
                Path fm = FashionMnistLoader.locate();
                run.dataset(FashionMnistLoader.NAME, fm);
                long t0 = System.nanoTime();
                Map<String, MultiFashion> data = MultiFashion.load(fm, trainSize, validationSize, testSize, seed);
                var train = select(data.get("train"));
                var val = data.containsKey("validation") ? select(data.get("validation")) : null;
                var test = select(data.get("test"));
                out.printf(Locale.ROOT, "multi-fashion: %d train, %d validation, %d test composites (36x36) in %.1f s%n",
                        train.size(), val == null ? 0 : val.size(), test.size(), (System.nanoTime() - t0) / 1e9);
                Backbone bb = Backbones.lenet(MultiFashion.SIDE);
                List<Integer> outputs = new ArrayList<>();
                for (int t = 0; t < train.tasks().size(); t++) outputs.add(10);
                MtlNet net = Architectures.get(arch).build(new NetSpec(bb, outputs, archOpts, seed), root);
                out.println("model: " + net.describe() + ", " + net.parameters().size() + " parameters ("
                        + net.parameters().sharedSize() + " shared); weighting " + w.name() + "; Adam lr " + lr);
                ScoreTable base = baseline == null ? null : readBaseline(baseline);
                var names = train.tasks().stream().map(dev.polymath.core.task.Task::name).toList();
                var trainer = new MtlTrainer(new MtlTrainer.Config(epochs, batch, lr, weightDecay, seed, patience, checkpoints, resume));
                var epochRows = new ArrayList<List<String>>();
                MtlTrainer.Result res = trainer.train(root, net, w, train, val, test, base, ep -> {
                    var row = new ArrayList<String>();
                    row.add(Integer.toString(ep.epoch()));
                    for (int t = 0; t < names.size(); t++) {
                        run.point("loss/" + names.get(t), ep.epoch(), ep.meanLosses()[t]);
                        row.add(String.format(Locale.ROOT, "%.4f", ep.meanLosses()[t]));
                    }
                    for (String n : names) {
                        double acc = ep.validation() == null ? Double.NaN : ep.validation().value(n, "accuracy");
                        if (ep.validation() != null) run.point("validation accuracy/" + n, ep.epoch(), acc);
                        row.add(String.format(Locale.ROOT, "%.4f", acc));
                    }
                    row.add(ep.deltaM() == null ? "-" : String.format(Locale.ROOT, "%+.2f", ep.deltaM().percent()));
                    row.add(ep.best() ? "*" : "");
                    row.add(String.format(Locale.ROOT, "%.1f", ep.seconds()));
                    epochRows.add(row);
                    out.println("epoch " + String.join("  ", row));
                });
                var headers = new ArrayList<String>();
                headers.add("epoch");
                for (String n : names) headers.add("loss " + n);
                for (String n : names) headers.add("val acc " + n);
                headers.add("val Δm%");
                headers.add("best");
                headers.add("s");
                Table epochsTable = Table.of("Training (validation after each epoch)", headers, epochRows);
                run.table(epochsTable);
                var testRows = new ArrayList<List<String>>();
                for (String n : names) {
                    double acc = res.test().value(n, "accuracy");
                    run.metric(n, "accuracy", acc);
                    testRows.add(List.of(n, String.format(Locale.ROOT, "%.4f", acc)));
                }
                Table testTable = Table.of("Test, best epoch " + res.bestEpoch(), List.of("task", "accuracy"), testRows);
                run.table(testTable);
                if (res.testDeltaM() != null) {
                    run.value("test delta_m_percent", res.testDeltaM().percent());
                    run.note("Δm% against " + baseline + ": " + res.testDeltaM());
                }
                run.info("steps", res.steps());
                run.info("stopped_early", res.stoppedEarly());
                run.info("model", net.describe());
                run.info("malloc", NativeAllocator.state());
                run.info("mkl_dispatch", MklCpuDispatch.state());
                if (writeBaseline != null) {
                    var json = new LinkedHashMap<String, Object>();
                    res.test().values().forEach(json::put);
                    AtomicFiles.writeString(writeBaseline, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
                }
                out.println();
                out.print(testTable.toText());
                if (res.testDeltaM() != null) out.println("test " + res.testDeltaM());
                Path dir = run.commit();
                out.println("run record: " + dir);
                net.close();
            }
            return 0;
        }

        private MultiFashion select(MultiFashion d) {
            if (tasks == null || tasks.equals(MultiFashion.TASKS)) return d;
            throw new IllegalArgumentException("--tasks subsets are not supported for multi-fashion yet; got " + tasks);
        }

        static ScoreTable readBaseline(Path file) throws java.io.IOException {
            var node = new ObjectMapper().readTree(Files.readString(file));
            var b = ScoreTable.builder("baseline " + file.getFileName());
            node.fields().forEachRemaining(t -> t.getValue().fields().forEachRemaining(m -> b.put(t.getKey(), m.getKey(), m.getValue().asDouble())));
            return b.build();
        }

        /** Weighting methods by name, from the registry (an unknown name lists the known ones). */
        static Weighting weighting(String name) {
            return WeightingRegistry.create(name);
        }
    }

    static final class ArchNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Architectures.names().iterator();
        }
    }
}
