package dev.polymath.text.encoder;

/**
 * Counters of an encoder since it was opened.
 *
 * @param texts         texts encoded
 * @param tokens        real tokens fed to the model (after truncation)
 * @param paddedTokens  positions fed including padding (batch size x longest in batch, summed)
 * @param truncated     texts longer than the max length (cut to it)
 * @param longest       the longest text seen, in tokens, before truncation
 * @param batches       forward passes run
 * @param nanos         wall time spent in encode calls
 */
public record EncodeStats(long texts, long tokens, long paddedTokens, long truncated, int longest, long batches, long nanos) {
    public static final EncodeStats ZERO = new EncodeStats(0, 0, 0, 0, 0, 0, 0);

    EncodeStats plus(long texts, long tokens, long padded, long truncated, int longest, long batches, long nanos) {
        return new EncodeStats(this.texts + texts, this.tokens + tokens, this.paddedTokens + padded, this.truncated + truncated,
                Math.max(this.longest, longest), this.batches + batches, this.nanos + nanos);
    }

    public double textsPerSecond() {
        return nanos == 0 ? 0 : texts / (nanos / 1e9);
    }
}
