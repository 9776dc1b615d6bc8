package dev.polymath.text.bert;

/** The built-in MiniLM as a {@link BertSource} and one shared DJL model (1 thread), loaded once per test JVM. */
final class BertTestSupport {
    private static BertSource source;
    private static BertModel model;

    private BertTestSupport() {}

    static synchronized BertSource source() {
        if (source == null) source = BertSource.builtinMiniLm();
        return source;
    }

    /**
     * PyTorch threads for tests: 1. Intra-op threads are process-wide (the first model fixes them), and on a shared
     * 2-core machine OpenMP barriers with 2 threads stall whenever another process holds a core, which makes the
     * many tiny ops of small-model tests orders of magnitude slower.
     */
    static final int THREADS = 1;

    /** Never trained or closed by tests (the JVM exit releases it). */
    static synchronized BertModel model() {
        if (model == null) model = source().newModel(THREADS);
        return model;
    }

    /** A small random BERT (vocab 64, hidden 32, 2 layers, 4 heads) for fast training tests. */
    static BertConfig tiny() {
        return new BertConfig(64, 32, 2, 4, 64, 16, 2, 1e-12, 0.0, 0.0);
    }
}
