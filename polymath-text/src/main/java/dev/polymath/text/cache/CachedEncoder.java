package dev.polymath.text.cache;

import dev.polymath.text.FloatMatrix;
import dev.polymath.text.encoder.EncoderIdentity;
import dev.polymath.text.encoder.ProgressListener;
import dev.polymath.text.encoder.SentenceEncoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An encoder in front of an {@link EmbeddingCache}: texts already cached are not encoded again; the others
 * (each distinct text once) are encoded in one call to the wrapped encoder and stored as one new segment.
 * Closing this closes the wrapped encoder.
 */
public final class CachedEncoder implements SentenceEncoder {
    private final SentenceEncoder inner;
    private final EmbeddingCache.Namespace namespace;
    private long hits;
    private long misses;

    public CachedEncoder(SentenceEncoder inner, EmbeddingCache cache) {
        this.inner = inner;
        this.namespace = cache.open(inner.identity());
    }

    @Override
    public FloatMatrix encode(List<String> texts, ProgressListener progress) {
        int n = texts.size(), dim = inner.dimension();
        float[] out = new float[Math.multiplyExact(n, dim)];
        Map<String, List<Integer>> missing = new HashMap<>();
        List<String> todo = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String t = texts.get(i);
            if (t == null) throw new IllegalArgumentException("text " + i + " is null");
            float[] v = namespace.get(t);
            if (v != null) {
                System.arraycopy(v, 0, out, i * dim, dim);
                hits++;
            } else {
                missing.computeIfAbsent(t, k -> { todo.add(k); return new ArrayList<>(); }).add(i);
                misses++;
            }
        }
        int cached = n - missing.values().stream().mapToInt(List::size).sum();
        if (!todo.isEmpty()) {
            FloatMatrix fresh = inner.encode(todo, (done, total) -> progress.onProgress(cached + done, n));
            for (int k = 0; k < todo.size(); k++) {
                for (int i : missing.get(todo.get(k))) fresh.copyRow(k, out, i * dim);
            }
            namespace.put(todo, fresh);
        } else {
            progress.onProgress(n, n);
        }
        return new FloatMatrix(n, dim, out);
    }

    /** Texts served from the cache since this was created. */
    public long hits() { return hits; }
    /** Texts that had to be encoded since this was created. */
    public long misses() { return misses; }
    public EmbeddingCache.Namespace namespace() { return namespace; }
    public SentenceEncoder inner() { return inner; }

    @Override
    public int dimension() { return inner.dimension(); }

    @Override
    public EncoderIdentity identity() { return inner.identity(); }

    @Override
    public void close() { inner.close(); }
}
