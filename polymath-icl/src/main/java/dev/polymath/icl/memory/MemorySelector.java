package dev.polymath.icl.memory;

import dev.polymath.core.task.Example;
import dev.polymath.icl.select.Demo;
import dev.polymath.icl.select.DemoSelector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@code knn} selector over an {@link ExemplarMemory} instead of the task's few-shot split: the k stored cases
 * most similar to the query, as generation examples (input, one reference = output, metadata as meta). The
 * evaluated example is excluded by id and by identical input. Scores are cosine similarities; the memory's
 * HNSW search is approximate.
 */
public final class MemorySelector implements DemoSelector {
    private final ExemplarMemory memory;
    private final Function<Example, String> text;

    public MemorySelector(ExemplarMemory memory, Function<Example, String> text) {
        this.memory = memory;
        this.text = text;
    }

    public String name() {
        return "knn";
    }

    public List<Demo> select(String task, Example query, List<Example> ignoredPool, int k, long seed) {
        String q = text.apply(query);
        var hits = memory.search(memory.embedder().embed(q), k + 1, Set.of(query.id()));
        var out = new ArrayList<Demo>();
        for (ExemplarMemory.Hit h : hits) {
            ExemplarMemory.Exemplar e = h.exemplar();
            if (e.input().equals(query.texts().isEmpty() ? null : query.text()) || e.input().equals(q)) continue;
            var meta = new LinkedHashMap<>(e.metadata());
            Example ex = Example.generation(e.id(), e.input(), List.of(e.output())).withMeta(meta);
            out.add(new Demo(e.metadata().getOrDefault("task", task), ex, h.similarity(), out.size()));
            if (out.size() == k) break;
        }
        return out;
    }
}
