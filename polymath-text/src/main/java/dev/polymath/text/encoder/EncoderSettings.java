package dev.polymath.text.encoder;

/**
 * Inference settings of a sentence encoder.
 *
 * @param batchSize  texts per forward pass (after sorting by length, so a batch holds texts of similar length)
 * @param maxLength  tokens per text including the special tokens; longer texts are truncated (counted, warned);
 *                   0 means the model's default (256 for all-MiniLM-L6-v2, as sentence-transformers)
 * @param threads    batches encoded side by side, one core each; 0 means {@code -Dpolymath.threads} or all cores
 * @param pooling    mean (attention-mask aware) or CLS
 * @param normalize  L2-normalize each sentence vector
 */
public record EncoderSettings(int batchSize, int maxLength, int threads, Pooling pooling, boolean normalize) {

    public static final int DEFAULT_BATCH_SIZE = 32;

    public EncoderSettings {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        if (maxLength < 0 || maxLength == 1) throw new IllegalArgumentException("max length must be >= 2 (or 0 for the model's default), got " + maxLength);
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 1 (or 0 for the default), got " + threads);
        if (pooling == null) throw new IllegalArgumentException("pooling is required");
    }

    /** Batch 32, model's max length, default threads, mean pooling, normalized: what all-MiniLM-L6-v2 was trained for. */
    public static EncoderSettings defaults() {
        return new EncoderSettings(DEFAULT_BATCH_SIZE, 0, 0, Pooling.MEAN, true);
    }

    public EncoderSettings withBatchSize(int v) { return new EncoderSettings(v, maxLength, threads, pooling, normalize); }
    public EncoderSettings withMaxLength(int v) { return new EncoderSettings(batchSize, v, threads, pooling, normalize); }
    public EncoderSettings withThreads(int v) { return new EncoderSettings(batchSize, maxLength, v, pooling, normalize); }
    public EncoderSettings withPooling(Pooling v) { return new EncoderSettings(batchSize, maxLength, threads, v, normalize); }
    public EncoderSettings withNormalize(boolean v) { return new EncoderSettings(batchSize, maxLength, threads, pooling, v); }

    /** The thread count to use: the setting, else {@code -Dpolymath.threads}, else all available processors. */
    public int effectiveThreads() {
        if (threads > 0) return threads;
        Integer prop = Integer.getInteger("polymath.threads");
        if (prop != null && prop > 0) return prop;
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}
