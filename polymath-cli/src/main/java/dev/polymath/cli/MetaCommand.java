package dev.polymath.cli;

import ai.djl.ndarray.NDManager;
import dev.polymath.core.data.FashionMnistLoader;
import dev.polymath.core.metric.MeanCi;
import dev.polymath.core.report.LineChart;
import dev.polymath.core.report.Table;
import dev.polymath.core.run.Progress;
import dev.polymath.core.run.Run;
import dev.polymath.nn.Engines;
import dev.polymath.nn.meta.Algorithms;
import dev.polymath.nn.meta.FewShotBenchmarks;
import dev.polymath.nn.meta.MetaAlgorithm;
import dev.polymath.nn.meta.MetaConfig;
import dev.polymath.nn.meta.MetaTasks;
import dev.polymath.nn.meta.MetaTrainer;
import dev.polymath.nn.meta.Safetensors;
import dev.polymath.nn.meta.SineMetaTasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code polymath meta train|eval}: episodic meta-learning (ProtoNet, MAML, FOMAML, Reptile, ANIL, Meta-SGD). */
@Command(name = "meta", description = "Meta-learning: episodic training and few-shot evaluation.",
        subcommands = {MetaCommand.Train.class, MetaCommand.Eval.class, MetaIclCommand.class})
final class MetaCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Options shared by train and eval. */
    static class Common {
        @Option(names = "--algo", required = true, description = "algorithm: protonet, maml-fo, maml, reptile, anil, meta-sgd")
        String algo;

        @Option(names = "--benchmark", defaultValue = "sine",
                description = "sine, fashion, clinc150 (intents, classes split by domain) or banking77 (intents, classes split at random), "
                        + "the last two over frozen MiniLM embeddings (default: ${DEFAULT-VALUE})")
        String benchmark;

        @Option(names = "--ways", defaultValue = "2", description = "classes per episode (fashion; default: ${DEFAULT-VALUE})")
        int ways;

        @Option(names = "--shots", defaultValue = "10", description = "support examples per class (sine: points per task; default: ${DEFAULT-VALUE})")
        int shots;

        @Option(names = "--queries", defaultValue = "15", description = "query examples per class (fashion; default: ${DEFAULT-VALUE})")
        int queries;

        @Option(names = "--seed", defaultValue = "0", description = "seed of weights and tasks (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--inner-steps", description = "inner SGD steps (default: 1 for sine, 5 for fashion)")
        Integer innerSteps;

        @Option(names = "--eval-steps", description = "inner steps when adapting to held-out tasks (default: as --inner-steps, 10 for fashion)")
        Integer evalSteps;

        @Option(names = "--inner-lr", description = "inner step size (default: 0.01 for sine, 0.05 for fashion, 2.0 for intent episodes)")
        Float innerLr;

        @Option(names = "--outer-lr", defaultValue = "0.001", description = "outer Adam step size (default: ${DEFAULT-VALUE})")
        float outerLr;

        @Option(names = "--reptile-step", defaultValue = "0.1", description = "Reptile interpolation step (default: ${DEFAULT-VALUE})")
        float reptileStep;

        @Option(names = "--test-tasks", defaultValue = "600", description = "held-out test tasks (default: ${DEFAULT-VALUE})")
        int testTasks;

        @Option(names = "--images", defaultValue = "12000", description = "fashion: images read per split (default: ${DEFAULT-VALUE})")
        int images;

        @Option(names = "--threads", description = "compute threads (default: cores)")
        Integer threads;

        @Mixin
        RunsOption runs = new RunsOption();

        @Mixin
        EncoderOptions encoder = new EncoderOptions();

        /** Episodic classification (everything but sine). */
        boolean fashion() {
            return switch (benchmark) {
                case "sine" -> false;
                case "fashion", "clinc150", "banking77" -> true;
                default -> throw new IllegalArgumentException("unknown benchmark '" + benchmark + "'; known: sine, fashion, clinc150, banking77");
            };
        }

        MetaTasks tasks() {
            return switch (benchmark) {
                case "sine" -> new SineMetaTasks(shots, seed);
                case "fashion" -> FewShotBenchmarks.fashion(FashionMnistLoader.locate(), ways, shots, queries, seed, images);
                default -> IntentEpisodes.tasks(benchmark, encoder, ways, shots, queries, seed);
            };
        }

        MetaConfig config() {
            boolean f = fashion();
            int inner = innerSteps != null ? innerSteps : f ? 5 : 1;
            int eval = evalSteps != null ? evalSteps : f ? 10 : inner;
            // Intent episodes over unit-norm sentence embeddings need far larger inner steps than images: 2.0 had
            // the lowest meta-validation loss of {0.05, 0.5, 2.0} for maml-fo on clinc150 5-way 1-shot.
            boolean intents = benchmark.equals("clinc150") || benchmark.equals("banking77");
            float lr = innerLr != null ? innerLr : intents ? 2.0f : f ? 0.05f : 0.01f;
            return new MetaConfig(lr, inner, eval, outerLr, reptileStep, seed);
        }

        Map<String, Object> describe(MetaTasks tasks, MetaConfig c) {
            var m = new LinkedHashMap<String, Object>();
            m.put("algorithm", algo);
            m.putAll(tasks.describe());
            m.put("inner_lr", c.innerLr());
            m.put("inner_steps", c.innerSteps());
            m.put("eval_steps", c.evalSteps());
            m.put("outer_lr", c.outerLr());
            if (algo.equals("reptile")) m.put("reptile_step", c.reptileStep());
            m.put("seed", seed);
            m.put("test_tasks", testTasks);
            m.put("threads", threads != null ? threads : Engines.defaultThreads());
            return m;
        }
    }

    static String fmt(MeanCi ci) {
        return ci == null ? "-" : ci.format(4);
    }

    static void addResults(Run run, String split, MetaTrainer.HeldOut h, boolean regression) {
        String lossName = regression ? "mse" : "loss";
        var t = Table.builder("Meta-test: " + h.tasks() + " held-out tasks (mean ± 95% CI, Student t)")
                .columns("figure", "mean ± 95% CI");
        if (h.lossBefore() != null) {
            t.row(lossName + " before adaptation", fmt(h.lossBefore()));
            run.metric(split, lossName + "_before", h.lossBefore().mean(), h.lossBefore().halfWidth());
        }
        t.row(lossName + " after adaptation", fmt(h.loss()));
        run.metric(split, lossName, h.loss().mean(), h.loss().halfWidth());
        if (h.accuracy() != null) {
            t.row("accuracy after adaptation", fmt(h.accuracy()));
            run.metric(split, "accuracy", h.accuracy().mean(), h.accuracy().halfWidth());
        }
        Table table = t.build();
        run.table(table);
        System.out.print(table.toText());
    }

    @Command(name = "train", description = "Meta-train an algorithm on a benchmark, then test on held-out tasks; writes a run record.")
    static final class Train implements Callable<Integer> {
        @Mixin
        Common c = new Common();

        @Option(names = "--iterations", defaultValue = "2000", description = "meta-iterations (default: ${DEFAULT-VALUE})")
        int iterations;

        @Option(names = "--meta-batch", description = "tasks per meta-iteration (default: 25 for sine, 4 for fashion)")
        Integer metaBatch;

        @Option(names = "--validation-tasks", defaultValue = "100", description = "fixed validation pool (default: ${DEFAULT-VALUE})")
        int validationTasks;

        @Override
        public Integer call() {
            MetaTasks tasks = c.tasks();
            MetaConfig config = c.config();
            int batch = metaBatch != null ? metaBatch : c.fashion() ? 4 : 25;
            Map<String, Object> cfg = c.describe(tasks, config);
            cfg.put("iterations", iterations);
            cfg.put("meta_batch", batch);
            cfg.put("validation_tasks", validationTasks);
            Engines.pytorch(c.threads != null ? c.threads : Engines.defaultThreads());
            try (Run run = Run.start(c.runs.dir(), "meta-train", cfg, c.seed);
                 NDManager root = NDManager.newBaseManager();
                 MetaAlgorithm algo = Algorithms.create(c.algo, tasks.learner(c.algo), config, root)) {
                run.info("learner", algo.learner().describe());
                run.info("algorithm", Algorithms.description(c.algo));
                Path ckpt = run.file("checkpoint.safetensors");
                var opts = new MetaTrainer.Options(iterations, batch, Math.max(1, iterations / 20), validationTasks, c.testTasks,
                        c.fashion() ? 20 : 100, ckpt, Math.max(0, iterations / 4));
                MetaTrainer.Result r;
                try (Progress p = Progress.builder("meta-train " + c.algo + " on " + tasks.name()).total(iterations).unit("it").build()) {
                    r = MetaTrainer.train(algo, tasks, opts, p);
                }
                boolean regression = !c.fashion();
                run.series("meta-train loss", r.curveX(), r.curveLoss());
                run.series("validation loss", r.validationX(), r.validationLoss());
                var chart = LineChart.builder("Learning curve: " + c.algo + " on " + tasks.name())
                        .series("meta-train query loss", r.curveX(), r.curveLoss())
                        .series("validation loss (" + validationTasks + " fixed tasks)", r.validationX(), r.validationLoss())
                        .xLabel("meta-iteration").yLabel(regression ? "MSE" : "cross-entropy").build();
                run.chart(chart);
                if (!regression) {
                    run.chart(LineChart.builder("Validation accuracy").series("accuracy", r.validationX(), r.validationAccuracy())
                            .xLabel("meta-iteration").yLabel("accuracy").build());
                }
                run.value("iterations_per_second", r.itersPerSecond());
                run.value("train_seconds", r.seconds());
                System.out.printf(Locale.ROOT, "%s on %s: %d meta-iterations in %.1f s (%.0f it/s)%n", c.algo, tasks.name(), iterations, r.seconds(), r.itersPerSecond());
                addResults(run, "test", r.test(), regression);
                run.model("checkpoint", ckpt);
                Path dir = run.commit();
                System.out.println("run record: " + dir);
            }
            return 0;
        }
    }

    @Command(name = "eval", description = "Evaluate a meta-trained checkpoint on held-out test tasks; writes a run record.")
    static final class Eval implements Callable<Integer> {
        @Mixin
        Common c = new Common();

        @Option(names = "--checkpoint", required = true, description = "checkpoint.safetensors from 'meta train'")
        Path checkpoint;

        @Override
        public Integer call() {
            MetaTasks tasks = c.tasks();
            MetaConfig config = c.config();
            Map<String, Object> cfg = c.describe(tasks, config);
            cfg.put("checkpoint", checkpoint.toString());
            Engines.pytorch(c.threads != null ? c.threads : Engines.defaultThreads());
            try (Run run = Run.start(c.runs.dir(), "meta-eval", cfg, c.seed);
                 NDManager root = NDManager.newBaseManager();
                 MetaAlgorithm algo = Algorithms.create(c.algo, tasks.learner(c.algo), config, root)) {
                run.model("checkpoint", checkpoint);
                algo.restore(Safetensors.read(checkpoint));
                MetaTrainer.HeldOut h = MetaTrainer.evaluate(algo, tasks, "test", c.testTasks, c.fashion() ? 20 : 100, true);
                addResults(run, "test", h, !c.fashion());
                Path dir = run.commit();
                System.out.println("run record: " + dir);
            }
            return 0;
        }
    }

    static List<String> algorithms() {
        return Algorithms.names();
    }
}
