package dev.polymath.icl.select;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link Embedder} over vectors computed beforehand (e.g. a dataset encoded once with the embedding cache):
 * texts it was not given are an error naming the text, never silently embedded differently.
 */
public final class LookupEmbedder implements Embedder {
    private final String name;
    private final int dim;
    private final Map<String, float[]> vectors;

    /** @param vectors normalized here (copies), so dot products are cosines */
    public LookupEmbedder(String name, List<String> texts, float[][] vectors) {
        if (texts.size() != vectors.length) throw new IllegalArgumentException(texts.size() + " texts but " + vectors.length + " vectors");
        if (vectors.length == 0) throw new IllegalArgumentException("no vectors");
        this.name = name;
        this.dim = vectors[0].length;
        this.vectors = new HashMap<>(texts.size() * 2);
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i].length != dim) throw new IllegalArgumentException("vector " + i + " has " + vectors[i].length + " dimensions, vector 0 has " + dim);
            this.vectors.put(texts.get(i), Embedder.normalize(vectors[i].clone()));
        }
    }

    public String name() { return name; }

    public int dimension() { return dim; }

    public float[][] embed(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = vectors.get(texts.get(i));
            if (out[i] == null) throw new IllegalArgumentException("embedder " + name + " has no vector for text \"" + texts.get(i) + "\"");
        }
        return out;
    }
}
