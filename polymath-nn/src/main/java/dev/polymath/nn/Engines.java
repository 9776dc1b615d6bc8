package dev.polymath.nn;

import ai.djl.engine.Engine;

/**
 * The PyTorch engine, configured once: native thread counts are set explicitly (oversubscribing two cores
 * costs 2-4x), nothing is downloaded (the native library ships in the pytorch-native-cpu jar), and glibc malloc
 * keeps freed tensor memory for reuse ({@link NativeAllocator}).
 */
public final class Engines {
    private Engines() {}

    private static volatile boolean configured;

    /** Threads from {@code -Dpolymath.threads}, else the number of cores. */
    public static int defaultThreads() {
        return Integer.getInteger("polymath.threads", Runtime.getRuntime().availableProcessors());
    }

    /** The PyTorch engine with intra-op threads = {@code threads} and inter-op threads = 1. */
    public static synchronized Engine pytorch(int threads) {
        if (!configured) {
            // DJL reads these before the engine loads; offline keeps it from ever reaching for the network.
            System.setProperty("ai.djl.offline", "true");
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
            NativeAllocator.tune();
            configured = true;
        }
        Engine engine = Engine.getEngine("PyTorch");
        MklCpuDispatch.apply();
        return engine;
    }

    public static Engine pytorch() {
        return pytorch(defaultThreads());
    }
}
