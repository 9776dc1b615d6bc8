package dev.polymath.icl.lm;

import java.util.List;

/**
 * How to generate: stop sequences (generation ends before the first one; the stop text is not returned),
 * a token limit, the sampling temperature (0 = greedy) and an optional seed (sent to servers that accept one).
 */
public record GenerationOptions(List<String> stop, int maxTokens, double temperature, Long seed) {
    public GenerationOptions {
        stop = stop == null ? List.of() : List.copyOf(stop);
        if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
    }

    /** Greedy decoding with the given stops and limit. */
    public static GenerationOptions greedy(List<String> stop, int maxTokens) {
        return new GenerationOptions(stop, maxTokens, 0.0, null);
    }

    public GenerationOptions withSeed(Long newSeed) {
        return new GenerationOptions(stop, maxTokens, temperature, newSeed);
    }

    /** {@code text} cut before the earliest stop sequence (servers apply stops too; this makes it certain). */
    public String truncate(String text) {
        int cut = text.length();
        for (String s : stop) {
            if (s.isEmpty()) continue;
            int i = text.indexOf(s);
            if (i >= 0 && i < cut) cut = i;
        }
        return text.substring(0, cut);
    }
}
