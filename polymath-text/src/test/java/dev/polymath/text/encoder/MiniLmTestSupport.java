package dev.polymath.text.encoder;

/** One built-in MiniLM encoder shared by the tests of this module (loading it takes about a second). */
public final class MiniLmTestSupport {
    private static OnnxSentenceEncoder encoder;
    private static ModelSource source;

    private MiniLmTestSupport() {}

    public static synchronized ModelSource source() {
        if (source == null) source = ModelSource.builtinMiniLm();
        return source;
    }

    /** Mean pooling, normalized, batch 32, 2 threads. Never closed: the JVM exit releases it. */
    public static synchronized OnnxSentenceEncoder encoder() {
        if (encoder == null) encoder = OnnxSentenceEncoder.open(source(), EncoderSettings.defaults().withThreads(2));
        return encoder;
    }
}
