package dev.polymath.icl.select;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** Remembers the vector of every text it has embedded (pools are embedded once, not once per query). */
public final class CachingEmbedder implements Embedder {
    private final Embedder inner;
    private final ConcurrentHashMap<String, float[]> cache = new ConcurrentHashMap<>();

    public CachingEmbedder(Embedder inner) {
        this.inner = inner;
    }

    public static Embedder of(Embedder e) {
        return e == null || e instanceof CachingEmbedder ? e : new CachingEmbedder(e);
    }

    public String name() { return inner.name(); }

    public int dimension() { return inner.dimension(); }

    public float[][] embed(List<String> texts) {
        var missingSet = new LinkedHashSet<String>(); // a set: pools of thousands of texts
        for (String t : texts) if (!cache.containsKey(t)) missingSet.add(t);
        var missing = new ArrayList<>(missingSet);
        if (!missing.isEmpty()) {
            float[][] v = inner.embed(missing);
            if (v.length != missing.size()) throw new IllegalStateException("embedder " + inner.name() + " returned " + v.length + " vectors for " + missing.size() + " texts");
            for (int i = 0; i < v.length; i++) cache.put(missing.get(i), v[i]);
        }
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) out[i] = cache.get(texts.get(i));
        return out;
    }
}
