package dev.polymath.cli;

import dev.polymath.icl.select.EmbedderProvider;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class MiniLmEmbedderProviderTest {
    @Test
    void minilmIsRegisteredAndEmbedsNormalizedVectors() {
        var e = EmbedderProvider.named("minilm");
        float[][] v = e.embed(java.util.List.of("How do I reset my card PIN?", "Where is my card?"));
        assertEquals(384, e.dimension());
        double n = 0;
        for (float x : v[0]) n += x * x;
        assertEquals(1.0, n, 1e-4);
    }

    @Test
    void knnSelectorRendersWithMiniLm() {
        var r = MainTest.run("icl", "render", "--task", "mmlu:anatomy", "--shots", "2", "--index", "0", "--selector", "knn",
                "--embedder", "minilm");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("-- demonstrations: [dev:"), r.err());
        assertTrue(r.out().contains("trigeminal nerve"), "knn should pick the nerve question as the nearest demonstration: " + r.out());
    }
}
