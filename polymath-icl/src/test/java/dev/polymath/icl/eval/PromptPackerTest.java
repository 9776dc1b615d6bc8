package dev.polymath.icl.eval;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.MetricSpec;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import dev.polymath.icl.select.Demo;
import dev.polymath.icl.select.OrderPolicy;
import dev.polymath.icl.select.TokenCounter;
import dev.polymath.icl.spec.TaskSpecs;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PromptPackerTest {
    static final String SPEC = """
            name: toy
            dataset: mmlu
            output_type: generate_until
            doc_to_text: "Q: {{input}}\\nA:"
            doc_to_target: "{{target}}"
            generation_kwargs: {until: ["\\n"], max_gen_toks: 5}
            """;

    final Task task = Task.builder("toy/t", TaskKind.GENERATION).metrics(MetricSpec.higher("exact-match")).build();
    final Example query = Example.generation("test:0", "q?", List.of("x"));

    List<Demo> demos() {
        var out = new ArrayList<Demo>();
        for (int i = 0; i < 4; i++) out.add(new Demo("toy/t", Example.generation("train:" + i, "d" + i, List.of("a" + i)), 1.0 - i / 10.0, i));
        return out;
    }

    PromptPacker packer() {
        return new PromptPacker(new PromptBuilder(TaskSpecs.parse(SPEC, "toy.yaml")), TokenCounter.charsPerToken(1));
    }

    @Test
    void ordersDemonstrations() {
        var p = packer();
        assertEquals("Q: d0\nA: a0\n\nQ: d1\nA: a1\n\nQ: d2\nA: a2\n\nQ: d3\nA: a3\n\nQ: q?\nA:",
                p.pack(task, query, demos(), OrderPolicy.AS_RETRIEVED, 0, null, 0, n -> task).prompt());
        var asc = p.pack(task, query, demos(), OrderPolicy.RELEVANCE_ASCENDING, 0, null, 0, n -> task);
        assertEquals(List.of("train:3", "train:2", "train:1", "train:0"), asc.demos().stream().map(d -> d.example().id()).toList());
        assertTrue(asc.prompt().endsWith("Q: d0\nA: a0\n\nQ: q?\nA:"), "most relevant next to the query");
        var r1 = p.pack(task, query, demos(), OrderPolicy.RANDOM, 5, null, 0, n -> task);
        var r2 = p.pack(task, query, demos(), OrderPolicy.RANDOM, 5, null, 0, n -> task);
        assertEquals(r1.prompt(), r2.prompt());
    }

    @Test
    void dropsLeastRelevantUntilItFits() {
        // each demo is 13 chars incl. delimiter; query 8; budget in chars (1 char = 1 token here)
        var p = packer().pack(task, query, demos(), OrderPolicy.RELEVANCE_ASCENDING, 0, 8 + 13 * 2 + 5, 5, n -> task);
        assertEquals(2, p.demos().size());
        assertEquals(2, p.dropped());
        assertEquals(List.of("train:1", "train:0"), p.demos().stream().map(d -> d.example().id()).toList());
        assertTrue(p.tokens() + 5 <= 8 + 13 * 2 + 5);
    }

    @Test
    void overBudgetAtZeroShotsNamesTheTask() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> packer().pack(task, query, demos(), OrderPolicy.AS_RETRIEVED, 0, 10, 5, n -> task));
        assertTrue(e.getMessage().contains("task toy/t") && e.getMessage().contains("even with no demonstrations")
                && e.getMessage().contains("budget of 10"), e.getMessage());
    }
}
