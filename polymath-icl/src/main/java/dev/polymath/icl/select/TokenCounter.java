package dev.polymath.icl.select;

/**
 * Estimates how many tokens a text takes, for fitting prompts into a context window. The default estimate is
 * characters / 4 rounded up (a common rule of thumb for English BPE vocabularies); plug in a real tokenizer's
 * count when one is available. Estimates err in both directions, so leave headroom.
 */
@FunctionalInterface
public interface TokenCounter {

    int count(String text);

    static TokenCounter charsPerToken(double charsPerToken) {
        if (!(charsPerToken > 0)) throw new IllegalArgumentException("charsPerToken must be > 0");
        return t -> (int) Math.ceil(t.length() / charsPerToken);
    }

    TokenCounter ESTIMATE = charsPerToken(4.0);
}
