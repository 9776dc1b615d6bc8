package dev.polymath.nn;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Lets the MKL inside libtorch use its AVX-512 kernels on AMD CPUs that have AVX-512 (Zen 4 and later).
 * <p>MKL picks its code path from the CPU vendor: on a non-Intel CPU it runs generic AVX2 kernels whatever the CPU
 * supports; on this project's 2-core Zen 4 VM a 256x784x256 float GEMM takes ~970 µs that way and ~450 µs on the
 * AVX-512 path (OpenBLAS, used by the PyTorch peer, picks AVX-512 by itself: ~855 µs). The vendor test is MKL's
 * exported function {@code mkl_serv_intel_cpu_true}; before the first GEMM this class overwrites its first bytes
 * with {@code mov eax, 1; ret} (the well-known "fake Intel" workaround, done in process instead of with an
 * {@code LD_PRELOAD} shim). MKL still checks the CPU's feature bits (CPUID), so it only chooses kernels the CPU
 * runs. Applied only on Linux x86-64, AuthenticAMD, with {@code avx512f}; off with {@code -Dpolymath.mkl.amd=false}.
 */
public final class MklCpuDispatch {
    private MklCpuDispatch() {}

    private static volatile String state = "not applied";

    /** What was done (for benchmark settings and run records). */
    public static String state() {
        return state;
    }

    /** Applies the workaround once, after libtorch is loaded and before its first GEMM. */
    static synchronized String apply() {
        if (!state.equals("not applied")) return state;
        if (!Boolean.parseBoolean(System.getProperty("polymath.mkl.amd", "true"))) return state = "off (-Dpolymath.mkl.amd=false)";
        if (!Platform.isLinux() || !Platform.isIntel() || !Platform.is64Bit()) return state = "not needed (not Linux x86-64)";
        try {
            String cpu = Files.readString(Path.of("/proc/cpuinfo"));
            if (!cpu.contains("AuthenticAMD")) return state = "not needed (not an AMD CPU)";
            if (!cpu.toLowerCase(Locale.ROOT).contains(" avx512f")) return state = "not needed (CPU without AVX-512)";
            String lib = null;
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int i = line.indexOf('/');
                if (i >= 0 && line.endsWith("libtorch_cpu.so")) {
                    lib = line.substring(i);
                    break;
                }
            }
            if (lib == null) return state = "skipped (libtorch_cpu.so not loaded)";
            Function target = NativeLibrary.getInstance(lib).getFunction("mkl_serv_intel_cpu_true");
            long addr = Pointer.nativeValue(target);
            long page = addr & ~4095L;
            Function mprotect = Function.getFunction("c", "mprotect");
            final int read = 1, write = 2, exec = 4;
            if (mprotect.invokeInt(new Object[] {new Pointer(page), 8192L, read | write | exec}) != 0) {
                return state = "skipped (mprotect refused)";
            }
            target.write(0, new byte[] {(byte) 0xB8, 1, 0, 0, 0, (byte) 0xC3}, 0, 6);
            mprotect.invokeInt(new Object[] {new Pointer(page), 8192L, read | exec});
            return state = "MKL AVX-512 path on AMD (mkl_serv_intel_cpu_true -> 1)";
        } catch (Throwable e) {
            return state = "skipped (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
        }
    }
}
