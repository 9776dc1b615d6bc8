package dev.polymath.nn.mtl.suite;

/** A named multi-task benchmark: its data, backbone and default training settings. */
public interface MtlSuite {
    String name();

    /** One line for listings. */
    String description();

    /** Whether {@link SuiteOptions#embedder()} is needed. */
    boolean needsEmbedder();

    /**
     * Whether every task reads the same input batch (an image with a label per task), known before loading; false
     * when each task has its own examples (text suites), which rules out representation gradients.
     */
    boolean sharedInputs();

    /** Default training settings (the CLI's defaults for this suite). */
    Defaults defaults();

    LoadedSuite load(SuiteOptions options);

    /** @param epochs maximum epochs; @param batch examples per step (per task for separate inputs); @param lr Adam */
    record Defaults(int epochs, int batch, double lr, int patience) {}
}
