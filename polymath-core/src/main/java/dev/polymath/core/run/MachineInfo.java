package dev.polymath.core.run;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/**
 * The machine a run ran on, as recorded in {@code record.json}: enough to explain a difference in speed or a
 * floating-point difference, without host names or user names.
 *
 * @param cores             processors available to the JVM
 * @param os                operating system name and version
 * @param arch              CPU architecture
 * @param javaVersion       runtime version
 * @param javaVendor        runtime vendor
 * @param maxHeapBytes      maximum heap ({@code -Xmx})
 * @param commonPoolThreads parallelism of the common fork-join pool (parallel streams)
 * @param threadsSetting    {@code -Dpolymath.threads} or {@code POLYMATH_THREADS}, else null
 * @param jvmOptions        {@code -X…} options the JVM was started with (memory, GC, processor count)
 */
public record MachineInfo(int cores, String os, String arch, String javaVersion, String javaVendor, long maxHeapBytes,
                          int commonPoolThreads, String threadsSetting, List<String> jvmOptions) {

    public static MachineInfo current() {
        Runtime rt = Runtime.getRuntime();
        List<String> opts;
        try {
            opts = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(a -> a.startsWith("-X") && !a.startsWith("-Xlog")).toList();
        } catch (RuntimeException | LinkageError e) {
            opts = List.of();
        }
        String threads = System.getProperty("polymath.threads", System.getenv("POLYMATH_THREADS"));
        return new MachineInfo(rt.availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("os.arch"),
                Runtime.version().toString(),
                System.getProperty("java.vendor"),
                rt.maxMemory(),
                ForkJoinPool.getCommonPoolParallelism(),
                threads,
                opts);
    }
}
