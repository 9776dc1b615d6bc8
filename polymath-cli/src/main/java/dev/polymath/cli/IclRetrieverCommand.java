package dev.polymath.cli;

import dev.polymath.core.run.Progress;
import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskSuite;
import dev.polymath.icl.eval.LanguageModelFeedback;
import dev.polymath.icl.eval.TaskRefs;
import dev.polymath.icl.learner.InContextLearner;
import dev.polymath.icl.learner.LearnerFeedback;
import dev.polymath.icl.lm.LanguageModel;
import dev.polymath.icl.lm.OpenAiCompatibleModel;
import dev.polymath.icl.select.CachingEmbedder;
import dev.polymath.icl.select.DemoFeedback;
import dev.polymath.icl.select.Embedder;
import dev.polymath.icl.select.EmbedderProvider;
import dev.polymath.icl.select.Projection;
import dev.polymath.icl.select.RetrieverTrainer;
import dev.polymath.icl.select.Selectors;
import dev.polymath.icl.spec.TaskSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code polymath icl retriever train}: fits the {@code learned} selector's retriever on model feedback. */
@Command(name = "retriever", mixinStandardHelpOptions = true,
        description = "The learned demonstration retriever (UDR-style): train it on a model's feedback, then use it with --selector learned --retriever FILE.",
        subcommands = {IclRetrieverCommand.Train.class})
final class IclRetrieverCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Every example of the tasks' few-shot split is a training query; its most similar other examples are "
                    + "scored by the model's log-likelihood of the query's gold answer with that one demonstration; a projection of "
                    + "the embeddings is fitted with UDR's list-wise ranking + in-batch loss.")
    static final class Train implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec cmd;

        @Option(names = "--task", required = true, paramLabel = "REF", description = IclCommand.TASK_HELP)
        String task;

        @Option(names = "--model", required = true, paramLabel = "URL|LEARNER",
                description = "OpenAI-compatible base URL (completions with echo + logprobs), or an in-context learner for classification tasks (kernel-vote, gpicl:DIR)")
        String model;

        @Option(names = "--model-name", paramLabel = "NAME") String modelName;
        @Option(names = "--api-key-env", defaultValue = "OPENAI_API_KEY", paramLabel = "VAR") String apiKeyEnv;
        @Option(names = "--concurrency", defaultValue = "4") int concurrency;
        @Option(names = "--timeout", defaultValue = "300", paramLabel = "SECONDS") int timeout;

        @Option(names = "--embedder", defaultValue = "minilm", paramLabel = "NAME", description = "sentence embedder (default: ${DEFAULT-VALUE})")
        String embedder;

        @Option(names = "--split", paramLabel = "SPLIT", description = "split the queries and candidates come from (default: the spec's few-shot split)")
        String split;

        @Option(names = "--limit", paramLabel = "N", description = "at most N training queries per task")
        Integer limit;

        @Option(names = "--candidates", defaultValue = "16", description = "candidates scored per query (default: ${DEFAULT-VALUE})") int candidates;
        @Option(names = "--steps", defaultValue = "300", description = "Adam steps (default: ${DEFAULT-VALUE})") int steps;
        @Option(names = "--batch", defaultValue = "32", description = "queries per step (default: ${DEFAULT-VALUE})") int batch;
        @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE})") double lr;
        @Option(names = "--rank-factor", defaultValue = "1.0", description = "weight of the list-wise term (default: ${DEFAULT-VALUE})") double rankFactor;
        @Option(names = "--seed", defaultValue = "1234") long seed;

        @Option(names = "--out", required = true, paramLabel = "FILE.safetensors", description = "where the trained retriever is written")
        Path out;

        @Override
        public Integer call() {
            PrintWriter pw = cmd.commandLine().getOut();
            TaskSpec spec = TaskRefs.spec(task);
            TaskSuite suite = TaskRefs.suite(spec);
            String from = split == null ? spec.fewshotSplit() : split;
            Embedder emb = CachingEmbedder.of(EmbedderProvider.named(embedder));
            var opts = new RetrieverTrainer.Options(candidates, steps, batch, lr, rankFactor, seed);
            var byName = new LinkedHashMap<String, Task>();
            suite.tasks().forEach(t -> byName.put(t.name(), t));
            boolean learner = OfflineLearners.isLearner(model);
            InContextLearner offline = learner ? OfflineLearners.create(model, null,
                    () -> IclCommand.Eval.poolSample(suite, from, emb, Selectors::defaultText, seed),
                    seed, IclCommand.Eval.KERNEL_TEMPERATURE, dev.polymath.nn.meta.icl.InContextClassifier.BATCH) : null;
            LanguageModel lm = learner ? null : OpenAiCompatibleModel.builder(model).modelName(modelName).apiKeyFromEnv(apiKeyEnv)
                    .concurrency(concurrency).timeout(Duration.ofSeconds(timeout)).build();
            try {
                var lists = new ArrayList<RetrieverTrainer.RankingList>();
                String feedbackName = null;
                long total = suite.tasks().stream().filter(t -> t.hasSplit(from))
                        .mapToLong(t -> limit == null ? t.size(from) : Math.min(limit, t.size(from))).sum();
                try (var progress = Progress.builder("retriever feedback").total(total).unit("queries").build()) {
                    for (Task t : suite.tasks()) {
                        if (!t.hasSplit(from)) throw new IllegalArgumentException("task " + t.name() + " has no split '" + from + "' (it has " + t.splits().keySet() + ")");
                        List<Example> pool = t.split(from);
                        if (pool.size() < 3) throw new IllegalArgumentException("task " + t.name() + ": split '" + from + "' has " + pool.size() + " examples; a retriever needs >= 3");
                        List<Example> queries = limit == null ? pool : pool.subList(0, Math.min(limit, pool.size()));
                        DemoFeedback fb = learner
                                ? new LearnerFeedback(offline, emb, Selectors::defaultText, Math.max(2, t.labels().size()), seed)
                                : new LanguageModelFeedback(lm, spec, byName);
                        feedbackName = fb.describe();
                        long before = progress.count();
                        lists.addAll(RetrieverTrainer.lists(t.name(), queries, pool, emb, Selectors::defaultText, fb,
                                Math.min(candidates, pool.size() - 1), done -> progress.set(before + done)));
                    }
                }
                var meta = new LinkedHashMap<String, String>();
                meta.put("embedder", emb.name());
                meta.put("feedback", feedbackName);
                meta.put("task", task);
                meta.put("split", from);
                RetrieverTrainer.Trained trained;
                try (var progress = Progress.builder("retriever training").total(steps).unit("steps").build()) {
                    trained = RetrieverTrainer.train(lists, Projection.identity(emb.dimension(), meta), opts, progress::set);
                }
                trained.projection().save(out);
                double[] l = trained.losses();
                pw.printf(Locale.ROOT, "trained on %d queries (%s); UDR loss %.4f -> %.4f over %d steps%n", lists.size(), feedbackName,
                        l.length > 0 ? l[0] : Double.NaN, l.length > 0 ? mean(l, Math.max(0, l.length - 10)) : Double.NaN, l.length);
                pw.println("retriever written: " + out + " (use: --selector learned --retriever " + out + " --embedder " + embedder + ")");
                pw.flush();
            } finally {
                if (lm != null) lm.close();
                if (offline instanceof AutoCloseable c) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        throw new IllegalStateException("could not close " + offline.name() + ": " + e.getMessage(), e);
                    }
                }
            }
            return 0;
        }

        private static double mean(double[] v, int from) {
            double s = 0;
            for (int i = from; i < v.length; i++) s += v[i];
            return s / (v.length - from);
        }
    }

    /** Loads a retriever named by {@code --retriever} (null passes through). */
    static Projection load(Path file) {
        return file == null ? null : Projection.load(file);
    }

    static Map<String, String> describe(Projection p) {
        return p == null ? Map.of() : p.metadata();
    }
}
