package dev.polymath.nn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process, from {@code /proc/self/statm} (Linux); -1 elsewhere. */
public final class NativeMemory {
    private NativeMemory() {}

    private static final long PAGE = 4096;

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
