package dev.polymath.core.bench;

/**
 * A Polymath workload that can be timed next to the peer script doing identical work, in the same
 * invocation (so that both see the same machine state). Benchmarks are measurements, not tests.
 */
public interface Benchmark {
    String name();

    String description();

    /** Runs the Polymath side, then the peer side (when one exists and can run), and returns both. */
    BenchResult run(BenchContext context) throws Exception;
}
