package dev.polymath.icl.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class TaskSpecsTest {
    @Test
    void bundledSpecsLoad() {
        for (String n : TaskSpecs.BUNDLED) {
            TaskSpec s = TaskSpecs.bundled(n);
            assertEquals(n, s.name());
            assertFalse(s.source().isBlank());
            assertEquals(16, s.templateHash().length());
        }
        assertEquals(OutputType.MULTIPLE_CHOICE, TaskSpecs.bundled("mmlu").outputType());
        assertEquals(FallbackPolicy.RANDOM_SEEDED, TaskSpecs.bundled("mmlu-pro-protocol").fallback());
        assertNotEquals(TaskSpecs.bundled("mmlu").templateHash(), TaskSpecs.bundled("mmlu-pro-protocol").templateHash());
    }

    static void fails(String yaml, String... fragments) {
        var e = assertThrows(IllegalArgumentException.class, () -> TaskSpecs.parse(yaml, "my-task.yaml"));
        assertTrue(e.getMessage().startsWith("spec my-task.yaml"), e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
    }

    static final String OK = "name: t\ndataset: mmlu\noutput_type: multiple_choice\ndoc_to_text: \"{{question}}\"\ndoc_to_target: \"{{answer}}\"\n";

    @Test
    void malformedSpecsNameFileAndField() {
        TaskSpecs.parse(OK, "my-task.yaml");
        fails(OK + "fewshot_delimter: x\n", "field fewshot_delimter", "unknown field");
        fails(OK.replace("name: t\n", ""), "field name", "missing");
        fails(OK.replace("multiple_choice", "multiple-choice"), "field output_type", "unknown output_type");
        fails(OK + "num_fewshot: five\n", "field num_fewshot", "integer");
        fails(OK + "metrics: [accuracy]\n", "field metrics", "unknown metric 'accuracy'");
        fails(OK + "metrics: [exact_match]\n", "field metrics", "does not apply");
        fails(OK.replace("{{question}}", "{{question"), "field doc_to_text", "never closed");
        fails(OK.replace("{{question}}", "{{question|upper}}"), "field doc_to_text", "unknown filter");
        fails(OK + "doc_to_choice: A\n", "field doc_to_choice");
        fails(OK + "generation_kwargs: {until: [x], max_tokens: 3}\n", "field generation_kwargs.max_tokens");
        fails("name: t\ndataset: mmlu\noutput_type: generate_until\ndoc_to_text: x\ndoc_to_target: y\n", "generation_kwargs.until");
        fails(OK + "answer_extraction: magic\n", "field answer_extraction");
        fails(OK + "fallback: coin\n", "field fallback");
        fails("- a\n- b\n", "mapping");
        fails("name: [unclosed\n", "not valid YAML");
    }

    @Test
    void loadsFromFileAndRendersMissingFieldsClearly(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.yaml");
        Files.writeString(f, OK.replace("{{question}}", "{{nope}}"));
        TaskSpec s = TaskSpecs.load(f);
        var e = assertThrows(IllegalArgumentException.class, () -> s.docToText().render(Map.of("question", "q"), s.where("doc_to_text")));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("doc_to_text") && e.getMessage().contains("'nope'"), e.getMessage());
    }

    @Test
    void templateSections() {
        var t = Template.parse("{{#cot}}[{{cot}}]{{/cot}}{{^cot}}none{{/cot}} {{xs[1]}} {{s|strip}}", "t");
        assertEquals("[why] b x", t.render(Map.of("cot", "why", "xs", java.util.List.of("a", "b"), "s", "  x "), "t"));
        assertEquals("none b x", t.render(Map.of("xs", java.util.List.of("a", "b"), "s", "x"), "t"));
    }
}
