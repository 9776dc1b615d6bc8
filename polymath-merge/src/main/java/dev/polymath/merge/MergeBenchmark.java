package dev.polymath.merge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.polymath.core.bench.BenchContext;
import dev.polymath.core.bench.BenchResult;
import dev.polymath.core.bench.BenchSide;
import dev.polymath.core.bench.Benchmark;
import dev.polymath.core.bench.Figure;
import dev.polymath.core.bench.PeerScript;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code polymath bench merge}: task arithmetic and TIES over base + 3 checkpoints written by the NumPy peer,
 * Polymath's streaming engine vs {@code numpy_merge.py} on the very same files, plus a plain copy of the same
 * bytes as the I/O ceiling. The peer generates the inputs (seeded), so it runs first.
 */
public final class MergeBenchmark implements Benchmark {

    @Override
    public String name() {
        return "merge";
    }

    @Override
    public String description() {
        return "task arithmetic + TIES over base + 3 float32 checkpoints (peer: numpy_merge.py), end to end";
    }

    @Override
    public BenchResult run(BenchContext ctx) throws Exception {
        long n = Long.parseLong(ctx.option("params", ctx.quick() ? "1000000" : "16000000"));
        double density = Double.parseDouble(ctx.option("density", "0.2"));
        double lambda = Double.parseDouble(ctx.option("lambda", "1.0"));
        int repeats = Integer.parseInt(ctx.option("repeats", "3"));
        String missing = PeerScript.missingPython("numpy");
        if (missing != null) {
            throw new IllegalStateException("bench merge reads the inputs the NumPy peer generates; " + missing);
        }
        Path dir = Path.of(ctx.option("dir", System.getProperty("java.io.tmpdir") + "/polymath_bench_merge_" + n));
        Files.createDirectories(dir);
        var peer = PeerScript.locate("numpy_merge.py");
        ctx.log().println("bench merge: NumPy peer, " + n + " parameters (generates the inputs in " + dir + ") ...");
        var peerArgs = List.of(Long.toString(n), Double.toString(density), Double.toString(lambda), "--out", dir.toString(),
                "--repeats", Integer.toString(repeats), "--no-sha");
        JsonNode p = peer.run(peerArgs, Map.of(), 3600);

        ctx.log().println("bench merge: Polymath, " + ctx.threads() + " threads ...");
        Map<String, Object> r = MergeBench.run(dir, density, lambda, ctx.threads(), repeats);

        var common = new LinkedHashMap<String, Object>();
        common.put("params", n);
        common.put("density", density);
        common.put("lambda", lambda);
        common.put("timing", "best of " + repeats);

        var polySettings = new LinkedHashMap<String, Object>(common);
        polySettings.put("threads", ctx.threads());
        polySettings.put("jvm", r.get("jvm"));
        polySettings.put("max_heap_mb", r.get("max_heap_mb"));
        polySettings.put("end_to_end", "read + merge + write + fsync + atomic publish");
        var polyFigures = new ArrayList<Figure>();
        polyFigures.add(Figure.cost("task_arithmetic_end_to_end", (Double) r.get("ta_end_to_end_s"), "s"));
        polyFigures.add(Figure.cost("ties_end_to_end", (Double) r.get("ties_end_to_end_s"), "s"));
        polyFigures.add(Figure.cost("copy_same_bytes", (Double) r.get("copy_s"), "s"));
        polyFigures.add(Figure.cost("task_arithmetic_fsync_part", (Double) r.get("ta_fsync_s"), "s"));
        polyFigures.add(Figure.cost("ties_fsync_part", (Double) r.get("ties_fsync_s"), "s"));
        polyFigures.add(Figure.cost("ties_heap_peak", (Double) r.get("ties_heap_peak_mb"), "MB"));
        polyFigures.add(Figure.cost("ties_heap_allocated", (Double) r.get("ties_allocated_mb"), "MB"));
        polyFigures.add(Figure.cost("ties_direct_buffers", (Double) r.get("ties_direct_mb"), "MB"));
        polyFigures.add(Figure.cost("mapped_inputs", (Double) r.get("ties_mapped_inputs_mb"), "MB"));
        polyFigures.add(Figure.cost("peak_rss", peakRssMb(), "MB"));

        var peerSettings = new LinkedHashMap<String, Object>(common);
        peerSettings.put("threads", 1);
        peerSettings.put("numpy", p.path("numpy").asText());
        peerSettings.put("malloc", p.path("malloc").asText());
        peerSettings.put("end_to_end", "read + compute + write (no fsync)");
        var peerFigures = List.of(
                Figure.cost("task_arithmetic_end_to_end", p.path("ta_end_to_end_s").asDouble(), "s"),
                Figure.cost("ties_end_to_end", p.path("ties_end_to_end_s").asDouble(), "s"));

        double ta = (Double) r.get("ta_end_to_end_s"), copy = (Double) r.get("copy_s");
        var notes = List.of(
                String.format(java.util.Locale.ROOT, "task arithmetic takes %.2fx the time of a plain copy of the same bytes (goal: within 1.5x)", ta / copy),
                String.format(java.util.Locale.ROOT, "without the final fsync (the peer has none; the engine starts writeback while merging, so"
                                + " most of the flush overlaps the merge and is not in the fsync part): task arithmetic %.4f s, TIES %.4f s",
                        ta - (Double) r.get("ta_fsync_s"), (Double) r.get("ties_end_to_end_s") - (Double) r.get("ties_fsync_s")),
                "heap peak = sum of heap pools' peaks during one TIES merge (an upper bound: counts uncollected garbage); direct = native"
                        + " buffers; mapped = input files mapped (page cache, not heap); peak_rss also counts the JVM's committed heap and touched mapped pages",
                "NumPy is single-threaded by nature; Polymath uses " + ctx.threads() + " threads. Outputs are bit-identical (see the peer tests).");
        return new BenchResult(name(), description(), new BenchSide("polymath", polySettings, polyFigures),
                new BenchSide("numpy_merge.py", peerSettings, peerFigures), null, notes);
    }

    /** Peak resident set of this JVM (VmHWM), in MB; NaN where /proc is absent. */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        } catch (Exception ignored) {
            // not Linux
        }
        return Double.NaN;
    }
}
