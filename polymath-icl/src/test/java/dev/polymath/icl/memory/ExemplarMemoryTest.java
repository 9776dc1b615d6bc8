package dev.polymath.icl.memory;

import dev.polymath.core.task.Example;
import dev.polymath.icl.HashedBagOfWords;
import dev.polymath.icl.select.Selectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class ExemplarMemoryTest {
    final HashedBagOfWords embedder = new HashedBagOfWords(32);

    @Test
    void addSearchDeleteAndReopenFromDisk(@TempDir Path dir) {
        try (var mem = ExemplarMemory.open(dir, embedder)) {
            mem.add("case-1", "printer shows paper jam error", "open tray 2 and remove the sheet", Map.of("product", "printer"));
            mem.add("case-2", "laptop battery drains fast", "lower screen brightness", Map.of("product", "laptop"));
            mem.addAll(List.of(new ExemplarMemory.Exemplar("case-3", "printer prints blank pages", "replace the toner", new float[0], Map.of()),
                    new ExemplarMemory.Exemplar("case-4", "wifi keeps disconnecting", "update the driver", new float[0], Map.of())));
            assertEquals(4, mem.size());
            var hits = mem.search("printer paper jam", 2);
            assertEquals("case-1", hits.get(0).exemplar().id());
            assertEquals("open tray 2 and remove the sheet", hits.get(0).exemplar().output());
            assertEquals(Map.of("product", "printer"), hits.get(0).exemplar().metadata());
            assertTrue(hits.get(0).similarity() > hits.get(1).similarity());
            float[] q = embedder.embed("printer paper jam");
            assertEquals(hits.get(0).similarity(), cos(q, hits.get(0).exemplar().embedding()), 1e-5, "similarity is the cosine");
            assertEquals(hits.get(1).exemplar().id(), mem.search(q, 1, Set.of("case-1")).get(0).exemplar().id(), "excluded ids are skipped");
            assertTrue(mem.delete("case-2"));
            assertFalse(mem.delete("case-2"));
            mem.add("case-1", "printer shows paper jam error", "updated fix", Map.of());
            assertEquals(3, mem.size(), "same id replaces");
        }
        try (var mem = ExemplarMemory.open(dir, embedder)) {
            assertEquals(3, mem.size());
            assertEquals("updated fix", mem.get("case-1").orElseThrow().output());
            assertTrue(mem.get("case-2").isEmpty());
            assertEquals("case-1", mem.search("paper jam", 1).get(0).exemplar().id());
            assertEquals(java.util.Set.of("case-1", "case-3", "case-4"),
                    new java.util.HashSet<>(mem.all().stream().map(ExemplarMemory.Exemplar::id).toList()), "all() lists the live cases");
        }
    }

    static double cos(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    @Test
    void reopeningWithAnotherDimensionIsAnError(@TempDir Path dir) {
        try (var mem = ExemplarMemory.open(dir, embedder)) {
            mem.add("a", "x", "y", Map.of());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> ExemplarMemory.open(dir, new HashedBagOfWords(16)));
        assertTrue(e.getMessage().contains("32-dimensional") && e.getMessage().contains("16-dimensional"), e.getMessage());
        try (var mem = ExemplarMemory.open(dir, embedder)) {
            assertEquals(1, mem.size(), "still usable after the failed open");
        }
    }

    @Test
    void knnSelectorOverMemoryExcludesTheQuery(@TempDir Path dir) {
        try (var mem = ExemplarMemory.open(dir, embedder)) {
            mem.add("test:0", "how do I reset my password", "use the reset link", Map.of("task", "support"));
            mem.add("m1", "forgot my password how to reset", "click forgot password", Map.of("task", "support"));
            mem.add("m2", "change billing address", "go to billing settings", Map.of("task", "support"));
            var sel = new MemorySelector(mem, Selectors::defaultText);
            var q = Example.generation("test:0", "how do I reset my password", List.of("use the reset link"));
            var d = sel.select("support", q, List.of(), 2, 0);
            assertEquals(List.of("m1", "m2"), d.stream().map(x -> x.example().id()).toList());
            assertEquals("click forgot password", ((dev.polymath.core.task.Target.Text) d.get(0).example().target()).references().get(0));
        }
    }
}
