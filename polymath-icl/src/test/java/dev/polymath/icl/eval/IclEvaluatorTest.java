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
}
