package dev.polymath.icl;

import dev.polymath.icl.select.Bm25;
import dev.polymath.icl.select.Embedder;

import java.util.List;

/**
 * TEST DOUBLE, not a sentence encoder: hashes each lower-cased word into one of {@code dim} buckets (signed by a
 * second hash bit) and L2-normalizes. Texts sharing words get a positive cosine; that is all the selector and
 * memory tests need, deterministically and without model weights.
 */
public final class HashedBagOfWords implements Embedder {
    private final int dim;

    public HashedBagOfWords(int dim) {
        this.dim = dim;
    }

    public String name() { return "test-hashed-bag-of-words-" + dim; }

    public int dimension() { return dim; }

    public float[][] embed(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            float[] v = new float[dim];
            for (String tok : Bm25.tokenize(texts.get(i))) {
                int h = tok.hashCode() * 0x9E3779B1;
                v[Math.floorMod(h, dim)] += (h >>> 31) == 0 ? 1f : -1f;
            }
            out[i] = Embedder.normalize(v);
        }
        return out;
    }
}
