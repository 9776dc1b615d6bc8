package dev.polymath.icl.select;

import dev.polymath.core.task.Example;

import java.util.List;
import java.util.function.Function;

/**
 * The {@code learned} selector: the k pool examples with the highest learned score {@code (Wq)·(Wc)} over frozen
 * sentence embeddings, W a {@link Projection} trained by {@link RetrieverTrainer} on model feedback (UDR-style).
 * Scores in the run record are these learned scores. Excludes the evaluated example like every selector.
 */
public final class LearnedRetriever implements DemoSelector {
    public static final String NAME = "learned";
    private final Projection projection;
    private final Embedder embedder;
    private final Function<Example, String> text;
    private final java.util.Map<String, float[]> projected = new java.util.concurrent.ConcurrentHashMap<>();

    public LearnedRetriever(Projection projection, Embedder embedder, Function<Example, String> text) {
        if (projection.inputs() != embedder.dimension()) {
            throw new IllegalArgumentException("learned retriever expects " + projection.inputs() + "-dimensional embeddings ("
                    + projection.metadata().getOrDefault("embedder", "?") + ") but embedder " + embedder.name() + " makes "
                    + embedder.dimension() + "-dimensional ones");
        }
        this.projection = projection;
        this.embedder = CachingEmbedder.of(embedder);
        this.text = text == null ? Selectors::defaultText : text;
    }

    public Projection projection() {
        return projection;
    }

    @Override
    public String name() {
        return NAME;
    }

    private float[] project(String t) {
        return projected.computeIfAbsent(t, x -> projection.apply(embedder.embed(x)));
    }

    /** The learned score of a candidate text for a query text. */
    public double score(String query, String candidate) {
        return dot(project(query), project(candidate));
    }

    @Override
    public List<Demo> select(String task, Example query, List<Example> pool, int k, long seed) {
        var cand = Selectors.candidates(task, query, pool);
        var texts = pool.stream().map(text).toList();
        embedder.embed(texts); // one batch for the whole pool (cached)
        float[] q = project(text.apply(query));
        double[] score = new double[pool.size()];
        for (int i : cand) score[i] = dot(q, project(texts.get(i)));
        return Selectors.top(task, pool, cand, score, k);
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }
}
