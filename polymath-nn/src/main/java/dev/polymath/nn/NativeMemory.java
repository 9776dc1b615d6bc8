package dev.polymath.nn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process, from {@code /proc/self/statm} (Linux); -1 elsewhere. */
public final class NativeMemory {
    private NativeMemory() {}

    private static final long PAGE = 4096;

    /**
     * Resident memory not accounted for by the JVM's committed heap and non-heap pools: libtorch tensors, malloc
     * arenas, thread stacks and native code. Java heap growth (which a GC returns) does not move this figure.
     */
    public static long nativeResidentBytes() {
        long rss = residentBytes();
        if (rss < 0) return -1;
        var mem = java.lang.management.ManagementFactory.getMemoryMXBean();
        return rss - mem.getHeapMemoryUsage().getCommitted() - mem.getNonHeapMemoryUsage().getCommitted();
    }

    /** Resident set size in bytes (Java heap + native allocations + mapped code), or -1 when unknown. */
    public static long residentBytes() {
        try {
            String[] f = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
            return Long.parseLong(f[1]) * PAGE;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
