package dev.polymath.merge;

import dev.polymath.core.safetensors.SafetensorsFile;
import dev.polymath.core.util.AtomicFiles;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times task arithmetic and TIES end to end (read, merge, write, publish) on the NumPy peer's files
 * (base.safetensors, ft0..2.safetensors in one folder), and a plain copy of the same bytes (read all four
 * inputs' data sections, write one output of the same size, published as a merge publishes: temporary file, fsync,
 * rename over the previous output) as the I/O floor. Figures use the peer's
 * definitions: GB/s = (4 inputs + 1 output) x N x 4 bytes / seconds. Best and median of {@code repeats}.
 */
public final class MergeBench {
    private MergeBench() {}

    public static Map<String, Object> run(Path peerDir, double density, double lambda, int threads, int repeats) {
        Path work;
        try {
            work = Files.createTempDirectory("polymath-merge-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            String models = "  - model: " + peerDir.resolve("ft0.safetensors") + "\n  - model: " + peerDir.resolve("ft1.safetensors")
                    + "\n  - model: " + peerDir.resolve("ft2.safetensors") + "\n";
            String head = "base_model: " + peerDir.resolve("base.safetensors") + "\nmodels:\n" + models;
            var ta = MergeConfig.parse("merge_method: task_arithmetic\n" + head + "parameters: {weight: 1, lambda: " + lambda + "}\n", work.resolve("ta.yaml"));
            var ties = MergeConfig.parse("merge_method: ties\n" + head + "parameters: {weight: 1, density: " + density + ", lambda: " + lambda + "}\n",
                    work.resolve("ties.yaml"));
            var opt = MergeEngine.Options.defaults().withThreads(threads);
            long n;
            try (var f = SafetensorsFile.open(peerDir.resolve("base.safetensors"))) {
                n = f.tensors().values().stream().mapToLong(t -> t.numel()).sum();
            }
            var res = new LinkedHashMap<String, Object>();
            res.put("N", n);
            res.put("threads", threads);
            res.put("repeats", repeats);
            res.put("density", density);
            res.put("lambda", lambda);
            res.put("jvm", System.getProperty("java.vm.name") + " " + Runtime.version());
            res.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
            double bytes = 5.0 * n * 4;
            var copy = time(repeats, () -> copy(peerDir, work.resolve("copy.safetensors")));
            res.put("copy_s", copy.get(0));
            res.put("copy_s_median", copy.get(1));
            res.put("copy_GBps", bytes / copy.get(0) / 1e9);
            for (var e : List.of(Map.entry("ta", ta), Map.entry("ties", ties))) {
                Path out = work.resolve(e.getKey());
                double[] fsync = new double[Math.max(1, repeats)];
                int[] run = {0};
                Runnable merge = () -> {
                    try (var eng = new MergeEngine(e.getValue(), opt)) {
                        var r = eng.run(out);
                        if (run[0] < fsync.length) fsync[run[0]] = r.fsyncSeconds();
                        run[0]++;
                    }
                };
                var t = time(repeats, merge);
                res.put(e.getKey() + "_end_to_end_s", t.get(0));
                res.put(e.getKey() + "_end_to_end_s_median", t.get(1));
                res.put(e.getKey() + "_fsync_s", fsync[t.get(2).intValue()]);
                res.put(e.getKey() + "_GBps", bytes / t.get(0) / 1e9);
                res.putAll(memory(e.getKey(), merge));
                res.put(e.getKey() + "_mapped_inputs_mb", 4.0 * n * 4 / 1e6);
            }
            res.put("GBps_definition", "(4 input + 1 output) * N * 4 bytes / end-to-end seconds (read + merge + write + fsync + publish)");
            return res;
        } finally {
            try { AtomicFiles.deleteRecursively(work); } catch (IOException ignored) { /* best effort */ }
        }
    }

    /** Best, median, and the index of the best run. */
    private static List<Double> time(int repeats, Runnable r) {
        var ts = new ArrayList<Double>();
        for (int i = 0; i < Math.max(1, repeats); i++) {
            long t0 = System.nanoTime();
            r.run();
            ts.add((System.nanoTime() - t0) / 1e9);
        }
        var sorted = new ArrayList<>(ts);
        Collections.sort(sorted);
        return List.of(sorted.get(0), sorted.get(sorted.size() / 2), (double) ts.indexOf(sorted.get(0)));
    }

    /**
     * One more (untimed) run with memory accounting: heap in use after a full GC before the run, the peak heap
     * in use during it (sum of the heap pools' peaks: an upper bound that counts garbage not yet collected),
     * bytes allocated by all threads and direct (native) buffer memory. The inputs are memory-mapped (page
     * cache, outside the heap; touched pages count towards RSS until the engine unmaps them on close).
     */
    static Map<String, Object> memory(String key, Runnable r) {
        var pools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
        var buffers = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        System.gc();
        long before = 0;
        for (var p : pools) { before += p.getUsage().getUsed(); p.resetPeakUsage(); }
        long alloc0 = threads.getTotalThreadAllocatedBytes();
        r.run();
        long alloc = threads.getTotalThreadAllocatedBytes() - alloc0;
        long peak = 0;
        for (var p : pools) peak += p.getPeakUsage().getUsed();
        long direct = 0;
        for (var b : buffers) if (b.getName().equals("direct")) direct = b.getMemoryUsed();
        var m = new LinkedHashMap<String, Object>();
        m.put(key + "_heap_live_before_mb", before / 1e6);
        m.put(key + "_heap_peak_mb", peak / 1e6);
        m.put(key + "_allocated_mb", alloc / 1e6);
        m.put(key + "_direct_mb", direct / 1e6);
        return m;
    }

    /**
     * Reads the data sections of the four inputs chunk by chunk and writes the base's bytes with the same durable,
     * atomic publication as a merge: into a new temporary sibling, fsynced, then renamed over the previous
     * {@code out} (which frees the previous output's blocks and page cache, as the merge's publish does).
     */
    static void copy(Path dir, Path out) {
        byte[] buf = new byte[4 << 20];
        Path tmp = out.resolveSibling("." + out.getFileName() + ".partial");
        try (var ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long sink = 0;
            for (String f : List.of("base", "ft0", "ft1", "ft2")) {
                try (var sf = SafetensorsFile.open(dir.resolve(f + ".safetensors"))) {
                    for (var t : sf.tensors().values()) {
                        for (long off = 0; off < t.byteLength(); off += buf.length) {
                            int len = (int) Math.min(buf.length, t.byteLength() - off);
                            sf.readBytes(t.name(), off, buf, 0, len);
                            if (f.equals("base")) ch.write(ByteBuffer.wrap(buf, 0, len), sf.dataStart() + t.begin() + off);
                            sink += buf[0];
                        }
                    }
                }
            }
            ch.force(true);
            if (sink == 42) System.out.print("");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Files.move(tmp, out, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
