package dev.polymath.nn;

import com.sun.jna.Function;
import com.sun.jna.Platform;

/**
 * glibc malloc settings for libtorch's tensors. By default glibc serves blocks of 128 KiB and more with fresh
 * {@code mmap}s and hands freed memory at the top of a heap back to the kernel, so every training step re-faults
 * the pages of its activations and gradients (hundreds of page faults per step; ~20% of a small MLP step).
 * {@link #tune()} raises {@code M_MMAP_THRESHOLD} and {@code M_TRIM_THRESHOLD} to 1 GiB (what the PyTorch peer
 * scripts do with {@code mallopt}), so freed blocks are reused: steps stop faulting and resident memory stays
 * at its high-water mark instead of oscillating. Turn off with {@code -Dpolymath.malloc=default}.
 */
public final class NativeAllocator {
    private NativeAllocator() {}

    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;
    private static final int ONE_GIB = 1 << 30;

    private static volatile String state = "glibc default";

    /** Applies the settings once (Linux/glibc only); returns what is in effect. */
    public static synchronized String tune() {
        if (!state.equals("glibc default")) return state;
        if (System.getProperty("polymath.malloc", "tuned").equals("default")) return state;
        if (System.getenv("MALLOC_MMAP_THRESHOLD_") != null || System.getenv("MALLOC_TRIM_THRESHOLD_") != null) {
            state = "MALLOC_MMAP_THRESHOLD_=" + System.getenv("MALLOC_MMAP_THRESHOLD_") + " MALLOC_TRIM_THRESHOLD_="
                    + System.getenv("MALLOC_TRIM_THRESHOLD_") + " (environment)";
            return state;
        }
        if (!Platform.isLinux()) return state;
        try {
            Function mallopt = Function.getFunction("c", "mallopt");
            int a = mallopt.invokeInt(new Object[] {M_MMAP_THRESHOLD, ONE_GIB});
            int b = mallopt.invokeInt(new Object[] {M_TRIM_THRESHOLD, ONE_GIB});
            state = a == 1 && b == 1 ? "mallopt(M_MMAP_THRESHOLD=1GiB, M_TRIM_THRESHOLD=1GiB)" : "mallopt failed; glibc default";
        } catch (Throwable e) {
            state = "mallopt unavailable (" + e.getClass().getSimpleName() + "); glibc default";
        }
        return state;
    }

    /** What is in effect. */
    public static String state() {
        return state;
    }
}
