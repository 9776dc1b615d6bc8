package dev.polymath.text.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.polymath.text.FloatMatrix;
import dev.polymath.text.encoder.EncoderIdentity;
import dev.polymath.text.encoder.Pooling;
import dev.polymath.text.encoder.ProgressListener;
import dev.polymath.text.encoder.SentenceEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingCacheTest {

    /** Deterministic fake: vector derived from the text's hash; records every text it is asked to encode. */
    static final class CountingEncoder implements SentenceEncoder {
        final List<String> seen = new ArrayList<>();
        final EncoderIdentity id;

        CountingEncoder(String checksum, Pooling pooling) {
            id = new EncoderIdentity(checksum, pooling, true, 256, 4);
        }

        @Override
        public FloatMatrix encode(List<String> texts, ProgressListener progress) {
            seen.addAll(texts);
            float[] d = new float[texts.size() * 4];
            for (int i = 0; i < texts.size(); i++) {
                int h = texts.get(i).hashCode();
                for (int j = 0; j < 4; j++) d[i * 4 + j] = (float) Math.sin(h * (j + 1) * 0.001);
            }
            return new FloatMatrix(texts.size(), 4, d);
        }

        @Override public int dimension() { return 4; }
        @Override public EncoderIdentity identity() { return id; }
        @Override public void close() { }
    }

    @Test
    void secondRunIsServedFromDiskWithoutCallingTheModel(@TempDir Path dir) {
        var texts = List.of("a", "b", "a", "c");
        var first = new CountingEncoder("abc", Pooling.MEAN);
        FloatMatrix v1;
        try (var cached = new CachedEncoder(first, new EmbeddingCache(dir))) {
            v1 = cached.encode(texts);
            assertEquals(List.of("a", "b", "c"), first.seen, "each distinct text encoded once");
            assertEquals(4, cached.misses());
        }
        var second = new CountingEncoder("abc", Pooling.MEAN);
        try (var cached = new CachedEncoder(second, new EmbeddingCache(dir))) {
            FloatMatrix v2 = cached.encode(List.of("c", "a", "b", "a"));
            assertEquals(List.of(), second.seen, "no model call on a full cache hit");
            assertEquals(4, cached.hits());
            assertArrayEquals(v1.row(3), v2.row(0));
            assertArrayEquals(v1.row(0), v2.row(1));
            assertArrayEquals(v1.row(1), v2.row(2));
            // a partly new request encodes only the new text
            cached.encode(List.of("a", "d"));
            assertEquals(List.of("d"), second.seen);
        }
    }

    @Test
    void otherModelOrSettingsGetTheirOwnNamespace(@TempDir Path dir) {
        try (var c = new CachedEncoder(new CountingEncoder("m1", Pooling.MEAN), new EmbeddingCache(dir))) { c.encode(List.of("x")); }
        var otherPooling = new CountingEncoder("m1", Pooling.CLS);
        try (var c = new CachedEncoder(otherPooling, new EmbeddingCache(dir))) { c.encode(List.of("x")); }
        var otherModel = new CountingEncoder("m2", Pooling.MEAN);
        try (var c = new CachedEncoder(otherModel, new EmbeddingCache(dir))) { c.encode(List.of("x")); }
        assertEquals(List.of("x"), otherPooling.seen);
        assertEquals(List.of("x"), otherModel.seen);
    }

    @Test
    void damagedSegmentIsIgnoredAndReencoded(@TempDir Path dir) throws IOException {
        var cache = new EmbeddingCache(dir);
        var enc = new CountingEncoder("m", Pooling.MEAN);
        Path seg;
        try (var c = new CachedEncoder(enc, cache)) {
            c.encode(List.of("hello"));
            try (var s = Files.list(c.namespace().dir())) {
                seg = s.filter(p -> p.getFileName().toString().startsWith("seg-")).findFirst().orElseThrow();
            }
        }
        byte[] b = Files.readAllBytes(seg);
        b[20] ^= 1; // flip a bit inside the key
        Files.write(seg, b);
        var enc2 = new CountingEncoder("m", Pooling.MEAN);
        try (var c = new CachedEncoder(enc2, new EmbeddingCache(dir))) {
            c.encode(List.of("hello"));
            assertEquals(List.of("hello"), enc2.seen);
        }
    }

    @Test
    void manySegmentsAreCompacted(@TempDir Path dir) {
        var id = new CountingEncoder("m", Pooling.MEAN).identity();
        var ns = new EmbeddingCache(dir).open(id);
        for (int i = 0; i < EmbeddingCache.COMPACT_AT + 2; i++) {
            ns.put(List.of("t" + i), new FloatMatrix(1, 4, new float[] {i, 0, 0, 0}));
        }
        var reopened = new EmbeddingCache(dir).open(id);
        assertEquals(1, reopened.segmentCount());
        assertEquals(EmbeddingCache.COMPACT_AT + 2, reopened.size());
        assertEquals(5f, reopened.get("t5")[0]);
        assertNull(reopened.get("nope"));
        assertThrows(IllegalArgumentException.class, () -> reopened.put(List.of("a"), new FloatMatrix(1, 3, new float[3])));
    }

    @Test
    void realEncoderHitReturnsIdenticalVectors(@TempDir Path dir) {
        var texts = List.of("The weather is lovely today.", "It's so sunny outside!");
        var inner = new NonClosing(dev.polymath.text.encoder.MiniLmTestSupport.encoder());
        FloatMatrix first;
        try (var c = new CachedEncoder(inner, new EmbeddingCache(dir))) { first = c.encode(texts); }
        var counting = new NonClosing(dev.polymath.text.encoder.MiniLmTestSupport.encoder());
        try (var c = new CachedEncoder(counting, new EmbeddingCache(dir))) {
            assertEquals(first, c.encode(texts));
            assertEquals(0, counting.calls);
        }
    }

    /** Passes through to a shared encoder, counting calls, and does not close it. */
    static final class NonClosing implements SentenceEncoder {
        final SentenceEncoder inner;
        int calls;
        NonClosing(SentenceEncoder inner) { this.inner = inner; }
        @Override public FloatMatrix encode(List<String> texts, ProgressListener p) { calls++; return inner.encode(texts, p); }
        @Override public int dimension() { return inner.dimension(); }
        @Override public EncoderIdentity identity() { return inner.identity(); }
        @Override public void close() { }
    }
}
