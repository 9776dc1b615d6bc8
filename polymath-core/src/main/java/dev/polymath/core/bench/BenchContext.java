package dev.polymath.core.bench;

import java.io.PrintStream;
import java.util.Map;

/**
 * Settings shared by every benchmark.
 *
 * @param threads native/compute threads for both sides (they must match for a fair ratio)
 * @param quick   smaller workloads, for smoke runs in tests
 * @param options benchmark-specific {@code key=value} options from the command line
 * @param log     progress messages (stderr in the CLI)
 */
public record BenchContext(int threads, boolean quick, boolean skipPeer, Map<String, String> options, PrintStream log) {
    public BenchContext {
        options = Map.copyOf(options);
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }

    public String option(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }
}
