package dev.polymath.icl.select;

import java.util.List;

/**
 * Texts to L2-normalized embeddings, so that a dot product is the cosine similarity. The selectors and the
 * exemplar memory depend only on this interface: a sentence encoder (e.g. the MiniLM encoder of
 * {@code polymath-text}) plugs in by implementing it, or by registering an {@link EmbedderProvider} for
 * {@link java.util.ServiceLoader}.
 */
public interface Embedder {

    /** Stable name for run records (model and version). */
    String name();

    int dimension();

    /** One L2-normalized vector of length {@link #dimension()} per text, in order. */
    float[][] embed(List<String> texts);

    default float[] embed(String text) {
        return embed(List.of(text))[0];
    }

    /** Dot product; the cosine similarity of two normalized vectors. */
    static double cosine(float[] a, float[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("vectors of length " + a.length + " and " + b.length);
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    /** Scales {@code v} to unit length in place (a zero vector stays zero); returns it. */
    static float[] normalize(float[] v) {
        double n = 0;
        for (float x : v) n += (double) x * x;
        if (n > 0) {
            float inv = (float) (1.0 / Math.sqrt(n));
            for (int i = 0; i < v.length; i++) v[i] *= inv;
        }
        return v;
    }
}
