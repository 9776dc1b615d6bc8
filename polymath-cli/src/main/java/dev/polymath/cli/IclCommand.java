package dev.polymath.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.polymath.core.data.DatasetCatalog;
import dev.polymath.core.report.Table;
import dev.polymath.core.run.Progress;
import dev.polymath.core.run.Run;
import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskSuite;
import dev.polymath.core.util.Seeds;
import dev.polymath.nn.meta.icl.InContextClassifier;
import dev.polymath.icl.eval.IclEvaluator;
import dev.polymath.icl.eval.PromptBuilder;
import dev.polymath.icl.eval.PromptPacker;
import dev.polymath.icl.eval.TaskRefs;
import dev.polymath.icl.learner.InContextLearner;
import dev.polymath.icl.lm.OpenAiCompatibleModel;
import dev.polymath.icl.select.Demo;
import dev.polymath.icl.select.DemoSelector;
import dev.polymath.icl.select.Embedder;
import dev.polymath.icl.select.EmbedderProvider;
import dev.polymath.icl.select.OrderPolicy;
import dev.polymath.icl.select.Selectors;
import dev.polymath.icl.select.TokenCounter;
import dev.polymath.icl.spec.FallbackPolicy;
import dev.polymath.icl.spec.OutputType;
import dev.polymath.icl.spec.TaskSpec;
import dev.polymath.icl.spec.TaskSpecs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code polymath icl eval | render | specs}: in-context learning evaluation against an OpenAI-compatible server. */
@Command(name = "icl", mixinStandardHelpOptions = true,
        description = "In-context learning: evaluate a language model behind an OpenAI-compatible endpoint on MMLU, "
                + "BIG-Bench Hard or the MMLU-Pro protocol with chosen demonstrations; render prompts.",
        subcommands = {IclCommand.Eval.class, IclCommand.Render.class, IclCommand.Specs.class, IclOfflineCommand.class, IclMemoryCommand.class, IclRetrieverCommand.class})
public final class IclCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final String TASK_HELP = "mmlu, mmlu:<subject>, bbh, bbh:<task>, mmlu-pro-protocol[:<subject>], or a task spec file (.yaml[:<task>])";

    /** Options shared by eval and render: how demonstrations are chosen and placed. */
    static final class Demos {
        @Option(names = "--selector", paramLabel = "NAME", description = "demonstration selector: first-n, random, label-balanced, knn, mmr, bm25, cross-task, learned (default: the spec's)")
        String selector;

        @Option(names = "--shots", paramLabel = "K", description = "demonstrations per prompt (default: the spec's)")
        Integer shots;

        @Option(names = "--order", paramLabel = "POLICY", description = "as-retrieved, relevance-ascending (most relevant next to the question) or random (default: ${DEFAULT-VALUE})")
        String order = "as-retrieved";

        @Option(names = "--seed", description = "seed for random selection and ordering (default: ${DEFAULT-VALUE})")
        long seed = 1234;

        @Option(names = "--context-tokens", paramLabel = "N", description = "prompt budget in estimated tokens (chars/4); demonstrations are dropped until the prompt fits")
        Integer contextTokens;

        @Option(names = "--embedder", paramLabel = "NAME", description = "sentence embedder for knn/mmr (registered providers)")
        String embedder;

        @Option(names = "--mmr-lambda", description = "MMR relevance/diversity trade-off in [0,1] (default: ${DEFAULT-VALUE})")
        double lambda = 0.5;

        @Option(names = "--cross-task-inner", paramLabel = "NAME", description = "selector inside cross-task (default: ${DEFAULT-VALUE})")
        String crossTaskInner = "random";

        @Option(names = "--retriever", paramLabel = "FILE", description = "trained retriever for --selector learned (from 'polymath icl retriever train')")
        java.nio.file.Path retriever;

        Selectors.Config config() {
            var c = Selectors.Config.defaults().withLambda(lambda).withCrossTaskInner(crossTaskInner).withRetriever(IclRetrieverCommand.load(retriever));
            return embedder == null ? c : c.withEmbedder(EmbedderProvider.named(embedder));
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = "Evaluate a model on a task suite; prints per-task and averaged metrics with 95%% CIs and writes a run record (with prompts.jsonl).")
    static final class Eval implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec cmd;

        @Option(names = "--task", required = true, paramLabel = "REF", description = TASK_HELP)
        String task;

        @Option(names = "--model", required = true, paramLabel = "URL|LEARNER",
                description = "OpenAI-compatible base URL, e.g. http://localhost:8000/v1; or an offline in-context learner over embeddings "
                        + "(multiple-choice/classification specs, metric acc): kernel-vote, or gpicl:DIR (a model from 'polymath meta icl --out DIR')")
        String model;

        @Option(names = "--model-name", paramLabel = "NAME", description = "model name sent with requests (default: the first listed by <URL>/models)")
        String modelName;

        @Option(names = "--api", description = "completions (needed for log-likelihoods) or chat (generation only) (default: ${DEFAULT-VALUE})")
        String api = "completions";

        @Option(names = "--api-key-env", paramLabel = "VAR", description = "environment variable holding the API key (default: ${DEFAULT-VALUE})")
        String apiKeyEnv = "OPENAI_API_KEY";

        @Option(names = "--limit", paramLabel = "N", description = "at most N test examples per task")
        Integer limit;

        @Option(names = "--concurrency", description = "requests in flight at once (default: ${DEFAULT-VALUE})")
        int concurrency = 4;

        @Option(names = "--timeout", paramLabel = "SECONDS", description = "per-request timeout (default: ${DEFAULT-VALUE})")
        int timeout = 300;

        @Option(names = "--max-retries", description = "retries on HTTP 429/5xx and timeouts (default: ${DEFAULT-VALUE})")
        int maxRetries = 5;

        @Option(names = "--fallback", paramLabel = "POLICY", description = "unparsable generated answers: count-as-wrong or random-seeded (default: the spec's)")
        String fallback;

        @Option(names = "--save-prompts", description = "store every full prompt text in prompts.jsonl (default: only its SHA-256)")
        boolean savePrompts;

        @Mixin
        Demos demos = new Demos();

        @Mixin
        RunsOption runs = new RunsOption();

        @Override
        public Integer call() throws IOException {
            PrintWriter out = cmd.commandLine().getOut();
            TaskSpec spec = TaskRefs.spec(task);
            TaskSuite suite = TaskRefs.suite(spec);
            boolean offline = OfflineLearners.isLearner(model);
            if (offline && demos.embedder == null) demos.embedder = "minilm"; // the learner reads embeddings
            OpenAiCompatibleModel.Api apiKind = switch (api) {
                case "completions" -> OpenAiCompatibleModel.Api.COMPLETIONS;
                case "chat" -> OpenAiCompatibleModel.Api.CHAT;
                default -> throw new IllegalArgumentException("--api must be completions or chat, got '" + api + "'");
            };
            if (!offline && apiKind == OpenAiCompatibleModel.Api.CHAT && spec.outputType() != OutputType.GENERATE_UNTIL) {
                throw new IllegalArgumentException("task " + spec.name() + " is scored by log-likelihoods (output_type "
                        + spec.outputType().id() + "), which the chat endpoint cannot return; use --api completions");
            }
            var opts = new IclEvaluator.Options(demos.selector, demos.shots, OrderPolicy.parse(demos.order), limit, demos.seed,
                    demos.contextTokens, concurrency, fallback == null ? null : FallbackPolicy.parse(fallback), demos.config(),
                    TokenCounter.ESTIMATE, savePrompts);
            var config = new LinkedHashMap<String, Object>();
            config.put("task", task);
            config.put("spec", spec.name());
            config.put("spec_file", spec.file());
            config.put("template_hash", spec.templateHash());
            config.put("model", model);
            config.put("model_name", offline ? null : modelName);
            config.put("api", offline ? null : api);
            config.put("selector", demos.selector == null ? spec.selector() : demos.selector);
            config.put("shots", demos.shots == null ? spec.numFewshot() : demos.shots);
            config.put("order", demos.order);
            config.put("limit", limit);
            config.put("concurrency", concurrency);
            config.put("context_tokens", demos.contextTokens);
            config.put("fallback", fallback == null ? spec.fallback().id() : fallback);
            config.put("embedder", demos.embedder);
            config.put("retriever", demos.retriever == null ? null : demos.retriever.toString());
            config.put("retriever_metadata", IclRetrieverCommand.describe(IclRetrieverCommand.load(demos.retriever)));
            long total = suite.tasks().stream().mapToLong(t -> t.hasSplit(spec.testSplit())
                    ? Math.min(t.size(spec.testSplit()), limit == null ? Long.MAX_VALUE : limit) : 0).sum();
            try (Run run = Run.start(runs.dir(), "icl-eval", config, demos.seed)) {
                recordDataset(run, spec);
                AutoCloseable resource;
                IclEvaluator evaluator;
                if (offline) {
                    Embedder emb = opts.selectors().embedder();
                    InContextLearner learner = OfflineLearners.create(model, null,
                            () -> poolSample(suite, spec.fewshotSplit(), emb, opts.selectors().text(), demos.seed), demos.seed, KERNEL_TEMPERATURE, InContextClassifier.BATCH);
                    resource = learner instanceof AutoCloseable c ? c : null;
                    Path dir = OfflineLearners.modelDir(model, null);
                    if (dir != null) run.model(learner.name(), dir);
                    run.info("model", "in-context learner " + learner.name() + (dir == null ? "" : " from " + dir) + ", reading embeddings of " + emb.name());
                    evaluator = new IclEvaluator(learner, emb, opts);
                } else {
                    var lm = OpenAiCompatibleModel.builder(model).modelName(modelName).api(apiKind).apiKeyFromEnv(apiKeyEnv)
                            .concurrency(concurrency).timeout(Duration.ofSeconds(timeout)).maxRetries(maxRetries).build();
                    resource = lm;
                    run.info("model name", lm.modelName()); // resolves it from <URL>/models when not given: fails early if unreachable
                    run.info("model", lm.describe());
                    evaluator = new IclEvaluator(lm, opts);
                }
                try {
                    run.info("template hash", spec.templateHash());
                    run.info("spec source", spec.source());
                    evaluate(run, spec, suite, evaluator, total, out);
                } finally {
                    if (resource != null) resource.close();
                }
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("could not close the model: " + e.getMessage(), e);
            }
            out.flush();
            return 0;
        }

        /** τ of {@code --model kernel-vote} (as in {@code icl offline}). */
        static final double KERNEL_TEMPERATURE = 0.1;

        /** Input statistics for a learner that standardizes embeddings: a seeded sample of the few-shot pools' texts. */
        static float[][] poolSample(TaskSuite suite, String split, Embedder emb, java.util.function.Function<Example, String> text, long seed) {
            var texts = new java.util.ArrayList<String>();
            for (Task t : suite.tasks()) {
                if (t.hasSplit(split)) for (Example e : t.split(split)) texts.add(text.apply(e));
            }
            if (texts.isEmpty()) {
                throw new IllegalArgumentException(suite.name() + ": no examples in split '" + split + "' to take the learner's input statistics from");
            }
            var sample = new java.util.ArrayList<String>();
            for (int i : Seeds.sampleWithoutReplacement(texts.size(), Math.min(STATISTICS_SAMPLE, texts.size()),
                    Seeds.stream(seed, "icl/eval/learner-statistics"))) sample.add(texts.get(i));
            return emb.embed(sample);
        }

        static final int STATISTICS_SAMPLE = 512;

        private void evaluate(Run run, TaskSpec spec, TaskSuite suite, IclEvaluator evaluator, long total, PrintWriter out) throws IOException {
            var mapper = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);
            IclEvaluator.Result result;
            try (BufferedWriter w = Files.newBufferedWriter(run.file("prompts.jsonl"), StandardCharsets.UTF_8);
                 var progress = Progress.builder("icl eval " + spec.name()).total(total).unit("prompts").build()) {
                result = evaluator.evaluate(spec, suite, rec -> {
                    try {
                        w.write(mapper.writeValueAsString(rec));
                        w.write('\n');
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, progress::step);
            }
            Files.writeString(run.file("spec.yaml"), specText(spec), StandardCharsets.UTF_8);
            Table table = table(result);
            run.table(table);
            for (var t : result.tasks()) {
                t.metrics().forEach((m, s) -> {
                    if (Double.isNaN(s.ci())) run.metric(t.task(), m, s.mean());
                    else run.metric(t.task(), m, s.mean(), s.ci());
                });
            }
            result.micro().forEach((m, s) -> run.value("micro/" + m, Map.of("mean", s.mean(), "ci", Double.isNaN(s.ci()) ? 0 : s.ci(), "n", s.n())));
            result.macro().forEach((m, v) -> run.value("macro/" + m, v));
            run.value("fallback_policy", result.fallback());
            run.note("Prompts: prompts.jsonl holds one record per prompt (demonstration ids, scores, ranks and positions, "
                    + "template hash, prompt SHA-256, model output, prediction). Spec: spec.yaml.");
            out.println(table.toText());
            var dir = run.commit();
            out.println("Run record: " + dir);
        }

        private static void recordDataset(Run run, TaskSpec spec) {
            String name = spec.dataset();
            if (DatasetCatalog.isKnown(name)) run.dataset(name, DatasetCatalog.locate(name));
            else if (Files.exists(java.nio.file.Path.of(name))) run.dataset(name, java.nio.file.Path.of(name));
        }
    }

    static String specText(TaskSpec spec) {
        if (spec.file().startsWith("bundled:")) {
            String n = spec.file().substring("bundled:".length()).replaceFirst("\\.yaml$", "");
            String t = TaskSpecs.bundledText(n);
            return spec.tasks().isEmpty() ? t : t + "# narrowed by --task to: " + spec.tasks() + "\n";
        }
        try {
            return Files.readString(java.nio.file.Path.of(spec.file()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Table table(IclEvaluator.Result r) {
        var metrics = r.micro().keySet().stream().toList();
        var cols = new LinkedHashSet<String>();
        cols.add("task");
        cols.add("n");
        for (String m : metrics) cols.add(m + " (%)");
        boolean generation = metrics.contains("exact_match");
        if (generation) {
            cols.add("unparsed");
            cols.add("fallback");
        }
        cols.add("dropped demos");
        var t = Table.builder("ICL " + r.spec() + ": " + r.shots() + "-shot, selector " + r.selector()).columns(List.copyOf(cols));
        for (var tr : r.tasks()) {
            var row = new java.util.ArrayList<Object>();
            row.add(tr.task());
            row.add(tr.examples());
            for (String m : metrics) row.add(pct(tr.metrics().get(m)));
            if (generation) {
                row.add(tr.unparsed());
                row.add(tr.fallbacks());
            }
            row.add(tr.demosDropped());
            t.row(row);
        }
        if (r.tasks().size() > 1) {
            var micro = new java.util.ArrayList<Object>();
            micro.add("average over examples");
            micro.add(r.tasks().stream().mapToInt(IclEvaluator.TaskResult::examples).sum());
            for (String m : metrics) micro.add(pct(r.micro().get(m)));
            if (generation) {
                micro.add(r.tasks().stream().mapToInt(IclEvaluator.TaskResult::unparsed).sum());
                micro.add(r.tasks().stream().mapToInt(IclEvaluator.TaskResult::fallbacks).sum());
            }
            micro.add(r.tasks().stream().mapToInt(IclEvaluator.TaskResult::demosDropped).sum());
            t.row(micro);
            var macro = new java.util.ArrayList<Object>();
            macro.add("average over tasks");
            macro.add(r.tasks().size() + " tasks");
            for (String m : metrics) macro.add(String.format(Locale.ROOT, "%.2f", 100 * r.macro().get(m)));
            if (generation) {
                macro.add("");
                macro.add("");
            }
            macro.add("");
            t.row(macro);
        }
        return t.note("Mean ± 95% CI (1.96·s/√n over per-example scores). Template hash " + r.templateHash()
                + (generation ? "; unparsable answers: " + r.fallback() : "") + ".").build();
    }

    private static String pct(IclEvaluator.Summary s) {
        if (Double.isNaN(s.ci())) return String.format(Locale.ROOT, "%.2f", 100 * s.mean());
        return String.format(Locale.ROOT, "%.2f ± %.2f", 100 * s.mean(), 100 * s.ci());
    }

    @Command(name = "render", mixinStandardHelpOptions = true,
            description = "Print one rendered prompt exactly as it would be sent (multiple-choice answers follow on standard error).")
    static final class Render implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec cmd;

        @Option(names = "--task", required = true, paramLabel = "REF", description = "one task: " + TASK_HELP)
        String task;

        @Option(names = "--index", description = "0-based index of the example in the test split (default: ${DEFAULT-VALUE})")
        int index = 0;

        @Option(names = "--split", description = "split to take the example from (default: the spec's test split)")
        String split;

        @Mixin
        Demos demos = new Demos();

        @Override
        public Integer call() {
            TaskSpec spec = TaskRefs.spec(task);
            TaskSuite suite = TaskRefs.suite(spec);
            if (suite.tasks().size() != 1) {
                throw new IllegalArgumentException("render needs one task, e.g. " + spec.name() + ":" + suite.tasks().get(0).name()
                        .substring(suite.tasks().get(0).name().indexOf('/') + 1) + " (" + task + " has " + suite.tasks().size() + " tasks)");
            }
            Task t = suite.tasks().get(0);
            List<Example> examples = t.split(split == null ? spec.testSplit() : split);
            if (index < 0 || index >= examples.size()) {
                throw new IllegalArgumentException("--index " + index + ": task " + t.name() + " has " + examples.size() + " examples in that split");
            }
            Example ex = examples.get(index);
            int shots = demos.shots == null ? spec.numFewshot() : demos.shots;
            TaskSuite all = spec.tasks().isEmpty() ? suite : TaskRefs.suite(spec.withTasks(List.of()));
            var pools = new LinkedHashMap<String, List<Example>>();
            for (Task x : all.tasks()) {
                if (x.hasSplit(spec.fewshotSplit())) pools.put(x.name(), x.split(spec.fewshotSplit()));
            }
            DemoSelector selector = Selectors.create(demos.selector == null ? spec.selector() : demos.selector,
                    demos.config().withOtherTaskPools(pools));
            List<Demo> selected = shots == 0 ? List.of()
                    : selector.select(t.name(), ex, t.hasSplit(spec.fewshotSplit()) ? t.split(spec.fewshotSplit()) : List.of(), shots, demos.seed);
            var builder = new PromptBuilder(spec);
            int reserve = spec.outputType() == OutputType.GENERATE_UNTIL ? spec.maxGenToks() : 0;
            Integer budget = demos.contextTokens != null ? demos.contextTokens : spec.contextTokens();
            var packed = new PromptPacker(builder, TokenCounter.ESTIMATE).pack(t, ex, selected, OrderPolicy.parse(demos.order),
                    demos.seed, budget, reserve, n -> all.task(n));
            PrintWriter out = cmd.commandLine().getOut();
            out.print(packed.prompt());
            out.println();
            out.flush();
            PrintWriter err = cmd.commandLine().getErr();
            if (spec.outputType() == OutputType.MULTIPLE_CHOICE) {
                var conts = builder.choices(t, ex).stream().map(c -> "\"" + spec.targetDelimiter() + c + "\"").toList();
                err.println("-- continuations scored: " + String.join(", ", conts) + "; gold: " + builder.gold(t, ex));
            } else {
                err.println("-- gold: " + builder.goldText(t, ex) + "; stops: " + spec.until().stream()
                        .map(x -> "\"" + x.replace("\n", "\\n") + "\"").toList());
            }
            err.println("-- demonstrations: " + packed.demos().stream().map(d -> d.task().equals(t.name()) ? d.example().id() : d.task() + "#" + d.example().id()).toList()
                    + (packed.dropped() > 0 ? " (" + packed.dropped() + " dropped for the token budget)" : "")
                    + "; template hash " + spec.templateHash());
            err.flush();
            return 0;
        }
    }

    @Command(name = "specs", mixinStandardHelpOptions = true, description = "List the bundled task specs, or print one (--show NAME).")
    static final class Specs implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec cmd;

        @Option(names = "--show", paramLabel = "NAME", description = "print a bundled spec's YAML")
        String show;

        @Override
        public Integer call() {
            PrintWriter out = cmd.commandLine().getOut();
            if (show != null) {
                out.print(TaskSpecs.bundledText(show));
            } else {
                var t = Table.builder("Bundled in-context-learning task specs").columns("name", "output", "shots", "dataset", "source");
                for (String n : TaskSpecs.BUNDLED) {
                    TaskSpec s = TaskSpecs.bundled(n);
                    t.row(n, s.outputType().id(), s.numFewshot(), s.dataset(), s.source());
                }
                out.println(t.build().toText());
                out.println("Selectors: " + String.join(", ", Selectors.NAMES) + ". Embedders: "
                        + (EmbedderProvider.available().isEmpty() ? "none registered" : String.join(", ",
                        EmbedderProvider.available().stream().map(EmbedderProvider::name).toList())) + ".");
                out.println("Offline in-context learners (--model, classification specs): " + OfflineLearners.describe() + ".");
            }
            out.flush();
            return 0;
        }
    }
}
