package dev.polymath.icl.eval;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.polymath.core.metric.MeanCi;
import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskSuite;
import dev.polymath.icl.learner.InContextLearner;
import dev.polymath.icl.lm.GenerationOptions;
import dev.polymath.icl.lm.LanguageModel;
import dev.polymath.icl.lm.LikelihoodRequest;
import dev.polymath.icl.lm.LogLikelihood;
import dev.polymath.icl.select.Demo;
import dev.polymath.icl.select.DemoSelector;
import dev.polymath.icl.select.Embedder;
import dev.polymath.icl.select.OrderPolicy;
import dev.polymath.icl.select.Selectors;
import dev.polymath.icl.select.TokenCounter;
import dev.polymath.icl.spec.AnswerExtractor;
import dev.polymath.icl.spec.Docs;
import dev.polymath.icl.spec.FallbackPolicy;
import dev.polymath.icl.spec.OutputType;
import dev.polymath.icl.spec.TaskSpec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Runs a {@link TaskSpec} over a suite with a {@link LanguageModel}: for every test example, select
 * demonstrations, pack the prompt, ask the model, score. Emits one JSON record per prompt (demonstration ids,
 * scores, order, template hash, prompt hash, prediction) and returns per-task and averaged metrics.
 *
 * <p>Metrics: {@code acc} and {@code acc_norm} as lm-evaluation-harness computes them for multiple choice
 * (argmax of the log-likelihoods, and of log-likelihood divided by the choice's length in characters; ties go to
 * the first choice, like numpy's argmax); {@code exact_match}: the extracted answer equals the gold text after
 * stripping surrounding whitespace. Confidence intervals are 95% normal intervals, 1.96 · s/√n over the per-example
 * 0/1 scores (s with n − 1, i.e. 1.96 × lm-eval's reported stderr).
 */
public final class IclEvaluator {

    /**
     * @param selector       selector name (null: the spec's)
     * @param shots          demonstrations per prompt (null: the spec's num_fewshot)
     * @param limit          at most this many test examples per task (null: all)
     * @param contextTokens  prompt budget in estimated tokens (null: the spec's, which may be none)
     * @param concurrency    examples in flight at once
     * @param fallback       override of the spec's fallback policy (null: the spec's)
     * @param savePromptText whether records carry the full prompt text (else only its hash)
     */
    public record Options(String selector, Integer shots, OrderPolicy order, Integer limit, long seed, Integer contextTokens,
                          int concurrency, FallbackPolicy fallback, Selectors.Config selectors, TokenCounter counter,
                          boolean savePromptText) {
        public Options {
            if (order == null) order = OrderPolicy.AS_RETRIEVED;
            if (selectors == null) selectors = Selectors.Config.defaults();
            if (counter == null) counter = TokenCounter.ESTIMATE;
            if (concurrency < 1) throw new IllegalArgumentException("concurrency must be >= 1");
            if (shots != null && shots < 0) throw new IllegalArgumentException("--shots must be >= 0");
            if (limit != null && limit < 1) throw new IllegalArgumentException("--limit must be >= 1");
        }

        public static Options defaults() {
            return new Options(null, null, OrderPolicy.AS_RETRIEVED, null, 1234, null, 1, null, null, null, false);
        }
    }

    /** Mean of a metric with its 95% half-width (NaN with fewer than 2 examples). */
    public record Summary(double mean, double ci, int n) {
        static Summary of(double[] v) {
            if (v.length == 0) return new Summary(Double.NaN, Double.NaN, 0);
            if (v.length == 1) return new Summary(v[0], Double.NaN, 1);
            MeanCi m = MeanCi.normal(v);
            return new Summary(m.mean(), m.halfWidth(), v.length);
        }
    }

    public record TaskResult(String task, int examples, Map<String, Summary> metrics, int unparsed, int fallbacks,
                             int demosDropped) {}

    /**
     * @param micro averaged over all examples of all tasks (with CI)
     * @param macro the unweighted mean of the task means
     */
    public record Result(String spec, String templateHash, String selector, int shots, String fallback,
                         List<TaskResult> tasks, Map<String, Summary> micro, Map<String, Double> macro) {}

    private record ExampleOutcome(Map<String, Double> scores, ObjectNode record, boolean unparsed, boolean fallback, int dropped) {}

    private record Prepared(Example example, PromptPacker.Packed packed, List<String> choices, ObjectNode record) {}

    private final LanguageModel model;
    private final InContextLearner learner;
    private final Embedder learnerEmbedder;
    private final Options options;

    public IclEvaluator(LanguageModel model, Options options) {
        this.model = model;
        this.learner = null;
        this.learnerEmbedder = null;
        this.options = options;
    }

    /**
     * Evaluates an offline {@link InContextLearner} instead of a language model, on multiple-choice (classification)
     * specs: selection and packing are the same, but the learner reads embeddings, not the prompt text — each
     * packed demonstration's vector ({@code embedder} over the selectors' example text) with its gold choice index
     * as label, in prompt order, then the query's vector; its log-probabilities over the query's choices stand in
     * for the choices' log-likelihoods. Only {@code acc} is defined ({@code acc_norm}'s per-character normalization
     * means nothing for label probabilities). All prompts of a task go to the learner in one batched call.
     */
    public IclEvaluator(InContextLearner learner, Embedder embedder, Options options) {
        if (learner == null || embedder == null) throw new IllegalArgumentException("an in-context learner needs an embedder");
        this.model = null;
        this.learner = learner;
        this.learnerEmbedder = embedder;
        this.options = options;
    }

    public Result evaluate(TaskSpec spec0, TaskSuite suite, Consumer<ObjectNode> records, Runnable tick) {
        TaskSpec spec = options.fallback() == null ? spec0 : spec0.withFallback(options.fallback());
        String selectorName = options.selector() == null ? spec.selector() : options.selector();
        int shots = options.shots() == null ? spec.numFewshot() : options.shots();
        Integer budget = options.contextTokens() != null ? options.contextTokens() : spec.contextTokens();
        var pools = new LinkedHashMap<String, List<Example>>();
        for (Task t : suite.tasks()) pools.put(t.name(), t.hasSplit(spec.fewshotSplit()) ? t.split(spec.fewshotSplit()) : List.of());
        DemoSelector selector = Selectors.create(selectorName, options.selectors().withOtherTaskPools(pools));
        var builder = new PromptBuilder(spec);
        var packer = new PromptPacker(builder, options.counter());
        String templateHash = spec.templateHash();
        if (learner != null) checkLearnerSpec(spec);
        var byName = new LinkedHashMap<String, Task>();
        suite.tasks().forEach(t -> byName.put(t.name(), t));

        var results = new ArrayList<TaskResult>();
        var all = new LinkedHashMap<String, List<Double>>();
        try (ExecutorService pool = Executors.newFixedThreadPool(options.concurrency(), r -> {
            Thread th = new Thread(r, "icl-eval");
            th.setDaemon(true);
            return th;
        })) {
            for (Task task : suite.tasks()) {
                if (!task.hasSplit(spec.testSplit())) {
                    throw new IllegalArgumentException(spec.where("test_split") + ": task " + task.name() + " has no split '"
                            + spec.testSplit() + "' (it has " + task.splits().keySet() + ")");
                }
                if (shots > 0 && !task.hasSplit(spec.fewshotSplit()) && !selectorName.equals("cross-task")) {
                    throw new IllegalArgumentException(spec.where("fewshot_split") + ": task " + task.name() + " has no split '"
                            + spec.fewshotSplit() + "' to draw " + shots + " demonstrations from (it has " + task.splits().keySet() + ")");
                }
                List<Example> test = task.split(spec.testSplit());
                if (options.limit() != null && test.size() > options.limit()) test = test.subList(0, options.limit());
                List<Example> fewshot = pools.get(task.name());
                List<ExampleOutcome> outcomes;
                if (learner != null) { // select and pack concurrently, then one batched learner call for the task
                    var futures = new ArrayList<Future<Prepared>>();
                    for (Example ex : test) {
                        futures.add(pool.submit(() -> prepare(spec, task, ex, fewshot, selector, shots, budget, builder, packer, templateHash, byName)));
                    }
                    var prepared = new ArrayList<Prepared>(futures.size());
                    for (var f : futures) prepared.add(get(f));
                    outcomes = answerWithLearner(spec, task, prepared, builder, byName);
                    for (ExampleOutcome o : outcomes) {
                        records.accept(o.record());
                        if (tick != null) tick.run();
                    }
                } else {
                    var futures = new ArrayList<Future<ExampleOutcome>>();
                    for (Example ex : test) {
                        futures.add(pool.submit(() -> {
                            ExampleOutcome o = answerWithModel(spec, task,
                                    prepare(spec, task, ex, fewshot, selector, shots, budget, builder, packer, templateHash, byName), builder);
                            synchronized (records) {
                                records.accept(o.record());
                            }
                            if (tick != null) tick.run();
                            return o;
                        }));
                    }
                    outcomes = new ArrayList<>(futures.size());
                    for (var f : futures) outcomes.add(get(f));
                }
                var perMetric = new LinkedHashMap<String, double[]>();
                for (String m : spec.metrics()) perMetric.put(m, new double[test.size()]);
                int unparsed = 0, fallbacks = 0, dropped = 0;
                for (int i = 0; i < outcomes.size(); i++) {
                    ExampleOutcome o = outcomes.get(i);
                    for (String m : spec.metrics()) {
                        perMetric.get(m)[i] = o.scores().get(m);
                        all.computeIfAbsent(m, k -> new ArrayList<>()).add(o.scores().get(m));
                    }
                    if (o.unparsed()) unparsed++;
                    if (o.fallback()) fallbacks++;
                    dropped += o.dropped();
                }
                var sums = new LinkedHashMap<String, Summary>();
                perMetric.forEach((m, v) -> sums.put(m, Summary.of(v)));
                results.add(new TaskResult(task.name(), test.size(), sums, unparsed, fallbacks, dropped));
            }
        }
        var micro = new LinkedHashMap<String, Summary>();
        var macro = new LinkedHashMap<String, Double>();
        for (String m : spec.metrics()) {
            micro.put(m, Summary.of(all.getOrDefault(m, List.of()).stream().mapToDouble(Double::doubleValue).toArray()));
            macro.put(m, results.stream().mapToDouble(r -> r.metrics().get(m).mean()).average().orElse(Double.NaN));
        }
        return new Result(spec.name(), templateHash, selectorName, shots, spec.fallback().id(), results, micro, macro);
    }

    private static <T> T get(Future<T> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Selection, packing and the record's header (everything before the model is asked). */
    private Prepared prepare(TaskSpec spec, Task task, Example ex, List<Example> fewshot, DemoSelector selector, int shots,
                             Integer budget, PromptBuilder builder, PromptPacker packer, String templateHash,
                             Map<String, Task> byName) {
        List<Demo> selected = shots == 0 ? List.of() : selector.select(task.name(), ex, fewshot, shots, options.seed());
        int reserve = 0;
        List<String> choices = null;
        if (spec.outputType() == OutputType.MULTIPLE_CHOICE) {
            choices = builder.choices(task, ex);
            for (String c : choices) reserve = Math.max(reserve, options.counter().count(spec.targetDelimiter() + c));
        } else if (spec.outputType() == OutputType.GENERATE_UNTIL) {
            reserve = spec.maxGenToks();
        } else {
            reserve = options.counter().count(spec.targetDelimiter() + builder.goldText(task, ex));
        }
        PromptPacker.Packed packed = packer.pack(task, ex, selected, options.order(), options.seed(), budget, reserve, byName::get);

        ObjectNode rec = JsonNodeFactory.instance.objectNode();
        rec.put("task", task.name()).put("example", ex.id()).put("split", spec.testSplit())
                .put("selector", selector.name()).put("order", options.order().id()).put("template_hash", templateHash)
                .put("shots_requested", shots).put("shots_used", packed.demos().size()).put("dropped_for_budget", packed.dropped())
                .put("prompt_tokens_estimate", packed.tokens()).put("prompt_sha256", sha256(packed.prompt()));
        var demos = rec.putArray("demonstrations");
        for (int pos = 0; pos < packed.demos().size(); pos++) {
            Demo d = packed.demos().get(pos);
            ObjectNode dn = demos.addObject().put("task", d.task()).put("id", d.example().id()).put("rank", d.rank()).put("position", pos);
            if (Double.isNaN(d.score())) dn.putNull("score");
            else dn.put("score", d.score());
        }
        if (options.savePromptText()) rec.put("prompt", packed.prompt());
        return new Prepared(ex, packed, choices, rec);
    }

    private ExampleOutcome answerWithModel(TaskSpec spec, Task task, Prepared p, PromptBuilder builder) {
        Example ex = p.example();
        PromptPacker.Packed packed = p.packed();
        List<String> choices = p.choices();
        ObjectNode rec = p.record();
        var scores = new LinkedHashMap<String, Double>();
        boolean unparsed = false, usedFallback = false;
        switch (spec.outputType()) {
            case MULTIPLE_CHOICE -> {
                var reqs = new ArrayList<LikelihoodRequest>();
                for (String c : choices) reqs.add(new LikelihoodRequest(packed.prompt(), spec.targetDelimiter() + c));
                List<LogLikelihood> lls = model.logLikelihood(reqs, task.name());
                double[] ll = lls.stream().mapToDouble(LogLikelihood::logProb).toArray();
                int gold = builder.gold(task, ex);
                int pred = Scoring.argmax(ll);
                int predNorm = Scoring.argmax(Scoring.perChar(ll, choices));
                scores.put("acc", pred == gold ? 1.0 : 0.0);
                scores.put("acc_norm", predNorm == gold ? 1.0 : 0.0);
                rec.put("gold", gold).put("prediction", pred).put("prediction_norm", predNorm);
                var ln = rec.putArray("loglikelihoods");
                for (double v : ll) ln.add(v);
            }
            case GENERATE_UNTIL -> {
                var opts = new GenerationOptions(spec.until(), spec.maxGenToks(), spec.temperature(), options.seed());
                String out = model.generate(packed.prompt(), opts);
                AnswerExtractor.Extraction e = spec.extractor().extract(out);
                String gold = builder.goldText(task, ex).strip();
                String answer = e.answer();
                if (!e.parsed()) {
                    unparsed = true;
                    int guess = spec.fallback().guess(ex.choices().size());
                    if (guess >= 0) {
                        usedFallback = true;
                        answer = Docs.letter(guess);
                    }
                }
                boolean correct = answer != null && answer.strip().equals(gold);
                scores.put("exact_match", correct ? 1.0 : 0.0);
                rec.put("output", out).put("extraction_rule", e.rule());
                if (answer == null) rec.putNull("prediction");
                else rec.put("prediction", answer);
                rec.put("gold", gold).put("fallback", usedFallback ? spec.fallback().id() : null);
            }
            case LOGLIKELIHOOD -> {
                String target = spec.targetDelimiter() + builder.goldText(task, ex);
                LogLikelihood ll = model.logLikelihood(packed.prompt(), target, task.name());
                if (ll.isGreedy() == null) {
                    throw new IllegalArgumentException("task " + task.name() + " scores 'acc' as whether the target is the greedy "
                            + "continuation, but the model reported no 'choices[0].logprobs.top_logprobs'");
                }
                scores.put("acc", ll.isGreedy() ? 1.0 : 0.0);
                rec.put("loglikelihood", ll.logProb()).put("is_greedy", ll.isGreedy());
            }
        }
        return finish(spec, rec, scores, unparsed, usedFallback, packed.dropped());
    }

    private static ExampleOutcome finish(TaskSpec spec, ObjectNode rec, Map<String, Double> scores, boolean unparsed,
                                         boolean usedFallback, int dropped) {
        var sn = rec.putObject("scores");
        for (String m : spec.metrics()) {
            Double v = scores.get(m);
            if (v == null) throw new IllegalStateException("metric " + m + " not computed for " + spec.outputType().id());
            sn.put(m, v);
        }
        var kept = new LinkedHashMap<String, Double>();
        for (String m : spec.metrics()) kept.put(m, scores.get(m));
        return new ExampleOutcome(kept, rec, unparsed, usedFallback, dropped);
    }

    private void checkLearnerSpec(TaskSpec spec) {
        if (spec.outputType() != OutputType.MULTIPLE_CHOICE) {
            throw new IllegalArgumentException(spec.where("output_type") + ": " + spec.outputType().id() + " needs a language model; the in-context learner "
                    + learner.name() + " only answers multiple_choice (classification) specs");
        }
        for (String m : spec.metrics()) {
            if (!m.equals("acc")) {
                throw new IllegalArgumentException(spec.where("metrics") + ": " + m + " is not defined for the in-context learner " + learner.name()
                        + " (it scores labels, not texts); use metrics: [acc]");
            }
        }
    }

    /** One batched learner call for a task's prompts; demonstrations in packed (prompt) order. */
    private List<ExampleOutcome> answerWithLearner(TaskSpec spec, Task task, List<Prepared> prepared, PromptBuilder builder,
                                                   Map<String, Task> byName) {
        var text = options.selectors().text();
        var byChoices = new LinkedHashMap<Integer, List<Integer>>(); // learners take one label count per call
        var prompts = new ArrayList<InContextLearner.Prompt>(prepared.size());
        for (int i = 0; i < prepared.size(); i++) {
            Prepared p = prepared.get(i);
            List<Demo> demos = p.packed().demos();
            float[][] x = learnerEmbedder.embed(demos.stream().map(d -> text.apply(d.example())).toList());
            int[] y = new int[demos.size()];
            for (int j = 0; j < y.length; j++) {
                Demo d = demos.get(j);
                Task dt = d.task().equals(task.name()) ? task : byName.get(d.task());
                y[j] = builder.gold(dt, d.example());
                if (y[j] >= p.choices().size()) {
                    throw new IllegalArgumentException("task " + task.name() + ", example " + p.example().id() + ": demonstration " + d.example().id()
                            + " of " + d.task() + " has gold choice " + y[j] + " but the query has " + p.choices().size() + " choices");
                }
            }
            prompts.add(new InContextLearner.Prompt(x, y, learnerEmbedder.embed(text.apply(p.example()))));
            byChoices.computeIfAbsent(p.choices().size(), k -> new ArrayList<>()).add(i);
        }
        var logProbs = new double[prepared.size()][];
        for (var group : byChoices.entrySet()) {
            List<double[]> lp = learner.logProbs(group.getValue().stream().map(prompts::get).toList(), group.getKey());
            for (int j = 0; j < lp.size(); j++) logProbs[group.getValue().get(j)] = lp.get(j);
        }
        var out = new ArrayList<ExampleOutcome>(prepared.size());
        for (int i = 0; i < prepared.size(); i++) {
            Prepared p = prepared.get(i);
            int gold = builder.gold(task, p.example());
            int pred = Scoring.argmax(logProbs[i]);
            ObjectNode rec = p.record();
            rec.put("gold", gold).put("prediction", pred);
            var ln = rec.putArray("log_probs");
            for (double v : logProbs[i]) ln.add(v);
            out.add(finish(spec, rec, Map.of("acc", pred == gold ? 1.0 : 0.0), false, false, p.packed().dropped()));
        }
        return out;
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
