package dev.polymath.icl.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.polymath.core.task.TaskSuite;
import dev.polymath.icl.lm.GenerationOptions;
import dev.polymath.icl.lm.LanguageModel;
import dev.polymath.icl.lm.LogLikelihood;
import dev.polymath.icl.select.OrderPolicy;
import dev.polymath.icl.spec.FallbackPolicy;
import dev.polymath.icl.spec.TaskSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The harness with in-process fake models (plumbing, not accuracy). */
class IclEvaluatorTest {

    /** Always prefers the gold-independent continuation " D", and generates a fixed text. */
    static LanguageModel fake(String generation) {
        return new LanguageModel() {
            public String describe() { return "fake"; }
            public String generate(String prompt, GenerationOptions o) { return o.truncate(generation); }
            public LogLikelihood logLikelihood(String ctx, String cont, String task) {
                return new LogLikelihood(cont.equals(" D") ? -0.1 : -2.0, cont.equals(" D"), 1);
            }
        };
    }

    static IclEvaluator.Options opts(FallbackPolicy fb) {
        return new IclEvaluator.Options(null, null, OrderPolicy.AS_RETRIEVED, 3, 7, null, 2, fb, null, null, true);
    }

    @Test
    void multipleChoiceAlwaysDScoresTheShareOfDAnswers() {
        TaskSpec spec = TaskRefs.spec("mmlu:anatomy");
        TaskSuite suite = TaskRefs.suite(spec);
        var recs = new ArrayList<ObjectNode>();
        var r = new IclEvaluator(fake(""), opts(null)).evaluate(spec, suite, recs::add, null);
        var test = suite.task("mmlu/anatomy").split("test").subList(0, 3);
        double expected = test.stream().filter(e -> ((dev.polymath.core.task.Target.Choice) e.target()).index() == 3).count() / 3.0;
        assertEquals(expected, r.tasks().get(0).metrics().get("acc").mean(), 1e-12);
        assertEquals(3, recs.size());
        var rec = recs.stream().filter(x -> x.get("example").asText().equals("test:0")).findFirst().orElseThrow();
        assertEquals(5, rec.get("demonstrations").size());
        assertEquals("dev:0", rec.get("demonstrations").get(0).get("id").asText());
        assertEquals(spec.templateHash(), rec.get("template_hash").asText());
        assertEquals(64, rec.get("prompt_sha256").asText().length());
        assertTrue(rec.get("prompt").asText().endsWith("\nAnswer:"));
        assertEquals(3, rec.get("prediction").asInt());
    }

    @Test
    void mmluProFallbackPolicyIsAppliedAndCounted() {
        TaskSpec spec = TaskRefs.spec("mmlu-pro-protocol:anatomy");
        TaskSuite suite = TaskRefs.suite(spec);
        var test = suite.task("mmlu/anatomy").split("test").subList(0, 3);
        long goldD = test.stream().filter(e -> ((dev.polymath.core.task.Target.Choice) e.target()).index() == 3).count();
        // nothing parses in "no idea" (no capital A-J letter): fallback decides
        var seeded = new IclEvaluator(fake("no idea"), opts(null)).evaluate(spec, suite, x -> { }, null);
        assertEquals("random-seeded", seeded.fallback());
        assertEquals(3, seeded.tasks().get(0).unparsed());
        assertEquals(3, seeded.tasks().get(0).fallbacks());
        // MMLU-Pro's seeded guess for 4 options is index 3 ("D")
        assertEquals(goldD / 3.0, seeded.tasks().get(0).metrics().get("exact_match").mean(), 1e-12);
        var wrong = new IclEvaluator(fake("no idea"), opts(FallbackPolicy.COUNT_AS_WRONG)).evaluate(spec, suite, x -> { }, null);
        assertEquals(0.0, wrong.tasks().get(0).metrics().get("exact_match").mean());
        assertEquals(0, wrong.tasks().get(0).fallbacks());
        var parsed = new IclEvaluator(fake("3 + 4 ... the answer is (A).\nQuestion: next"), opts(null)).evaluate(spec, suite, x -> { }, null);
        assertEquals(0, parsed.tasks().get(0).unparsed());
    }

    @Test
    void bbhGenerationExactMatchOnTheExtractedAnswer() {
        TaskSpec spec = TaskRefs.spec("bbh:boolean_expressions");
        TaskSuite suite = TaskRefs.suite(spec);
        var recs = new ArrayList<ObjectNode>();
        var r = new IclEvaluator(fake("not True = False. So the answer is False.\n\nQ: junk"), opts(null)).evaluate(spec, suite, recs::add, null);
        var test = suite.task("bbh/boolean_expressions").split("test").subList(0, 3);
        long golds = test.stream().filter(e -> ((dev.polymath.core.task.Target.Text) e.target()).references().get(0).equals("False")).count();
        assertEquals(golds / 3.0, r.tasks().get(0).metrics().get("exact_match").mean(), 1e-12);
        assertEquals("False", recs.get(0).get("prediction").asText());
        assertEquals("not True = False. So the answer is False.", recs.get(0).get("output").asText());
    }

    @Test
    void averagesOverExamplesAndTasks() {
        TaskSpec spec = TaskRefs.spec("mmlu").withTasks(List.of("anatomy", "virology"));
        var r = new IclEvaluator(fake(""), opts(null)).evaluate(spec, TaskRefs.suite(spec), x -> { }, null);
        assertEquals(2, r.tasks().size());
        double macro = (r.tasks().get(0).metrics().get("acc").mean() + r.tasks().get(1).metrics().get("acc").mean()) / 2;
        assertEquals(macro, r.macro().get("acc"), 1e-12);
        assertEquals(6, r.micro().get("acc").n());
    }

    /** A classification suite: texts name their class, so the hashed bag of words separates them. */
    static TaskSuite weather() {
        var train = List.of(dev.polymath.core.task.Example.classification("train:0", "sunny warm day", "sun"),
                dev.polymath.core.task.Example.classification("train:1", "heavy rain falling", "rain"),
                dev.polymath.core.task.Example.classification("train:2", "snow and ice", "snow"),
                dev.polymath.core.task.Example.classification("train:3", "sunny bright sky", "sun"));
        var test = List.of(dev.polymath.core.task.Example.classification("test:0", "rain again", "rain"),
                dev.polymath.core.task.Example.classification("test:1", "sunny morning", "sun"));
        var task = dev.polymath.core.task.Task.builder("weather/kind", dev.polymath.core.task.TaskKind.CLASSIFICATION)
                .labels(List.of("sun", "rain", "snow")).metrics(dev.polymath.core.task.MetricSpec.higher("accuracy")).split("train", train).split("test", test).build();
        return new TaskSuite("weather", "", List.of(task));
    }

    static final String CLASSIFY = """
            name: weather
            dataset: weather
            output_type: multiple_choice
            num_fewshot: 3
            doc_to_text: "Text: {{input}}\nKind:"
            doc_to_target: "{{answer}}"
            metrics: [acc]
            """;

    @Test
    void inContextLearnerReadsDemonstrationEmbeddingsAndGoldLabelsInPromptOrder() {
        var emb = new dev.polymath.icl.HashedBagOfWords(64);
        var seen = new ArrayList<dev.polymath.icl.learner.InContextLearner.Prompt>();
        var labelCounts = new ArrayList<Integer>();
        // answers the label of the last demonstration (the one next to the query), log p = log 0.7 vs log 0.15
        var lastLabel = new dev.polymath.icl.learner.InContextLearner() {
            public String name() { return "last-label"; }
            public double[] logProbs(Prompt p, int n) {
                double[] lp = new double[n];
                java.util.Arrays.fill(lp, Math.log(0.3 / (n - 1)));
                lp[p.labels()[p.labels().length - 1]] = Math.log(0.7);
                return lp;
            }
            @Override
            public List<double[]> logProbs(List<Prompt> prompts, int n) {
                seen.addAll(prompts);
                labelCounts.add(n);
                return dev.polymath.icl.learner.InContextLearner.super.logProbs(prompts, n);
            }
        };
        TaskSpec spec = dev.polymath.icl.spec.TaskSpecs.parse(CLASSIFY, "weather.yaml");
        var recs = new ArrayList<ObjectNode>();
        var o = new IclEvaluator.Options("first-n", null, OrderPolicy.RELEVANCE_ASCENDING, null, 7, null, 2, null, null, null, false);
        var r = new IclEvaluator(lastLabel, emb, o).evaluate(spec, weather(), recs::add, null);
        assertEquals(List.of(3), labelCounts, "one batched call per task, over the task's 3 labels");
        assertEquals(2, seen.size());
        // first-n picks train:0..2; relevance-ascending reverses them: snow(2), rain(1), sun(0) -> the learner says sun
        for (var p : seen) {
            assertArrayEquals(new int[] {2, 1, 0}, p.labels());
            assertArrayEquals(emb.embed("snow and ice"), p.demos()[0]);
            assertArrayEquals(emb.embed("sunny warm day"), p.demos()[2]);
        }
        assertArrayEquals(emb.embed("rain again"), seen.get(0).query());
        assertEquals(0.5, r.tasks().get(0).metrics().get("acc").mean(), 1e-12, "test:1 (sun) right, test:0 (rain) wrong");
        var rec = recs.get(0);
        assertEquals("test:0", rec.get("example").asText());
        assertEquals(1, rec.get("gold").asInt());
        assertEquals(0, rec.get("prediction").asInt());
        assertEquals(Math.log(0.7), rec.get("log_probs").get(0).asDouble(), 1e-12);
        assertEquals("train:2", rec.get("demonstrations").get(0).get("id").asText());

        var acc = assertThrows(IllegalArgumentException.class, () -> new IclEvaluator(lastLabel, emb, o)
                .evaluate(dev.polymath.icl.spec.TaskSpecs.parse(CLASSIFY.replace("[acc]", "[acc, acc_norm]"), "w.yaml"), weather(), x -> { }, null));
        assertTrue(acc.getMessage().contains("spec w.yaml, field metrics: acc_norm is not defined"), acc.getMessage());
        var gen = assertThrows(IllegalArgumentException.class, () -> new IclEvaluator(lastLabel, emb, o)
                .evaluate(dev.polymath.icl.spec.TaskSpecs.parse(CLASSIFY.replace("multiple_choice", "generate_until\ngeneration_kwargs: {until: [\"\\n\"]}").replace("[acc]", "[exact_match]"), "g.yaml"),
                        weather(), x -> { }, null));
        assertTrue(gen.getMessage().contains("field output_type: generate_until needs a language model"), gen.getMessage());
    }
}
