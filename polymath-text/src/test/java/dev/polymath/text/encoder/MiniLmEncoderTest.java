package dev.polymath.text.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.polymath.text.FloatMatrix;
import java.util.List;
import org.junit.jupiter.api.Test;

class MiniLmEncoderTest {

    @Test
    void tokenizerGivesStandardBertUncasedIds() {
        var tok = MiniLmTestSupport.encoder().tokenizer();
        assertArrayEquals(new long[] {101, 7592, 2088, 102}, tok.ids("hello world"));
        assertArrayEquals(new long[] {101, 7592, 2088, 102}, tok.ids("Hello World"), "uncased: lower-cases");
        assertArrayEquals(new long[] {101, 102}, tok.ids(""), "empty text is [CLS] [SEP]");
    }

    @Test
    void truncationKeepsSepAndIsCounted() {
        var tok = MiniLmTestSupport.encoder().tokenizer();
        var t = tok.encode(List.of("hello world hello world hello world", "hello"), 5);
        assertArrayEquals(new long[] {101, 7592, 2088, 7592, 102}, t.ids()[0]);
        assertArrayEquals(new long[] {101, 7592, 102}, t.ids()[1]);
        assertEquals(1, t.truncated());
        assertEquals(8, t.longestBeforeTruncation());
    }

    @Test
    void reproducesSentenceTransformersPublishedSimilarities() {
        // sentence-transformers' README / quickstart example for all-MiniLM-L6-v2:
        // similarities [[1, 0.6660, 0.1046], [0.6660, 1, 0.1411], [0.1046, 0.1411, 1]]
        FloatMatrix e = MiniLmTestSupport.encoder().encode(List.of(
                "The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."));
        assertEquals(384, e.cols());
        assertEquals(0.6660, e.cosine(0, e, 1), 1e-3);
        assertEquals(0.1046, e.cosine(0, e, 2), 1e-3);
        assertEquals(0.1411, e.cosine(1, e, 2), 1e-3);
        for (int i = 0; i < 3; i++) {
            double norm = 0;
            for (float v : e.row(i)) norm += v * v;
            assertEquals(1.0, Math.sqrt(norm), 1e-5, "normalized");
        }
    }

    @Test
    void identityCarriesModelChecksumAndSettings() {
        var id = MiniLmTestSupport.encoder().identity();
        assertEquals(64, id.modelChecksum().length());
        assertEquals(256, id.maxLength());
        assertTrue(id.normalize());
        assertEquals(Pooling.MEAN, id.pooling());
    }
}
