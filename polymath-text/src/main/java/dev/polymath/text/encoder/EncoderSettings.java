package dev.polymath.text.encoder;

/**
 * Inference settings of a sentence encoder.
 *
 * @param batchSize    at most this many texts per forward pass (after sorting by length, so a batch holds texts
 *                     of similar length)
 * @param batchTokens  at most this many padded positions (texts x longest text) per forward pass, so batches of
 *                     long texts hold fewer texts; 0 means no token limit (batches of {@code batchSize} texts).
 *                     The output does not depend on it
 * @param maxLength    tokens per text including the special tokens; longer texts are truncated (counted, warned);
 *                     0 means the model's default (256 for all-MiniLM-L6-v2, as sentence-transformers)
 * @param threads      batches encoded side by side, one core each; 0 means {@code -Dpolymath.threads} or all cores
 * @param pooling      mean (attention-mask aware) or CLS
 * @param normalize    L2-normalize each sentence vector
 * @param precision    float32, or bf16 linear layers (DJL/PyTorch encoder only)
 */
public record EncoderSettings(int batchSize, int batchTokens, int maxLength, int threads, Pooling pooling, boolean normalize, Precision precision) {

    public static final int DEFAULT_BATCH_SIZE = 32;
    /**
     * About 500 padded tokens per batch is where one core ran MiniLM fastest per token (docs/results/encoders.md);
     * without a token limit, 32 texts of 256 tokens would make batches of 8,192.
     */
    public static final int DEFAULT_BATCH_TOKENS = 512;

    public EncoderSettings {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        if (batchTokens < 0) throw new IllegalArgumentException("batch tokens must be >= 1 (or 0 for no token limit), got " + batchTokens);
        if (maxLength < 0 || maxLength == 1) throw new IllegalArgumentException("max length must be >= 2 (or 0 for the model's default), got " + maxLength);
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 1 (or 0 for the default), got " + threads);
        if (pooling == null) throw new IllegalArgumentException("pooling is required");
        if (precision == null) throw new IllegalArgumentException("precision is required");
    }

    /** float32 settings. */
    public EncoderSettings(int batchSize, int batchTokens, int maxLength, int threads, Pooling pooling, boolean normalize) {
        this(batchSize, batchTokens, maxLength, threads, pooling, normalize, Precision.FP32);
    }

    /** Settings with the default token limit per batch. */
    public EncoderSettings(int batchSize, int maxLength, int threads, Pooling pooling, boolean normalize) {
        this(batchSize, DEFAULT_BATCH_TOKENS, maxLength, threads, pooling, normalize);
    }

    /** Up to 32 texts and 512 padded tokens per batch, model's max length, default threads, mean pooling, normalized. */
    public static EncoderSettings defaults() {
        return new EncoderSettings(DEFAULT_BATCH_SIZE, DEFAULT_BATCH_TOKENS, 0, 0, Pooling.MEAN, true);
    }

    public EncoderSettings withBatchSize(int v) { return new EncoderSettings(v, batchTokens, maxLength, threads, pooling, normalize, precision); }
    public EncoderSettings withBatchTokens(int v) { return new EncoderSettings(batchSize, v, maxLength, threads, pooling, normalize, precision); }
    public EncoderSettings withMaxLength(int v) { return new EncoderSettings(batchSize, batchTokens, v, threads, pooling, normalize, precision); }
    public EncoderSettings withThreads(int v) { return new EncoderSettings(batchSize, batchTokens, maxLength, v, pooling, normalize, precision); }
    public EncoderSettings withPooling(Pooling v) { return new EncoderSettings(batchSize, batchTokens, maxLength, threads, v, normalize, precision); }
    public EncoderSettings withNormalize(boolean v) { return new EncoderSettings(batchSize, batchTokens, maxLength, threads, pooling, v, precision); }
    public EncoderSettings withPrecision(Precision v) { return new EncoderSettings(batchSize, batchTokens, maxLength, threads, pooling, normalize, v); }

    /** Texts in a batch whose longest text has {@code longest} tokens: the batch size, cut to the token limit (at least 1). */
    public int textsPerBatch(int longest) {
        if (batchTokens == 0) return batchSize;
        return Math.max(1, Math.min(batchSize, batchTokens / Math.max(1, longest)));
    }

    /** The thread count to use: the setting, else {@code -Dpolymath.threads}, else all available processors. */
    public int effectiveThreads() {
        if (threads > 0) return threads;
        Integer prop = Integer.getInteger("polymath.threads");
        if (prop != null && prop > 0) return prop;
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}
