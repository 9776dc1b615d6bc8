package dev.polymath.nn.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import dev.polymath.core.bench.BenchContext;
import dev.polymath.core.bench.BenchResult;
import dev.polymath.core.bench.BenchSide;
import dev.polymath.core.bench.Benchmark;
import dev.polymath.core.bench.Figure;
import dev.polymath.core.bench.PeerScript;
import dev.polymath.core.util.Seeds;
import dev.polymath.nn.Engines;
import dev.polymath.nn.NativeAllocator;
import dev.polymath.nn.NativeMemory;
import dev.polymath.nn.mtl.MtlStep;
import dev.polymath.nn.mtl.TaskLoss;
import dev.polymath.nn.mtl.arch.Architectures;
import dev.polymath.nn.mtl.arch.Backbones;
import dev.polymath.nn.mtl.arch.MtlNet;
import dev.polymath.nn.mtl.arch.NetSpec;
import dev.polymath.nn.mtl.weighting.Weighting;
import dev.polymath.nn.mtl.weighting.WeightingRegistry;
import dev.polymath.nn.optim.Adam;

import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code polymath bench mtl-step}: training steps per second of a hard-parameter-sharing MLP (784-256-256 ReLU,
 * two 10-way heads, summed cross-entropy, Adam lr 1e-3, batch 256, a pool of 16 random batches), Polymath's
 * {@link MtlStep} against {@code torch_mtl_step.py} on identical work, in the same invocation and with the same
 * thread count. Options: {@code method=ew|pcgrad} (pcgrad adds the per-task-gradient path; the peer has no
 * PCGrad), {@code steps}/{@code repeats}/{@code warmup}/{@code batch} (timing), {@code soak=N} (N more steps
 * with resident memory at start and end), {@code peer_ld_library_path=DIR} (BLAS for the peer),
 * {@code peer_threads=N} and {@code peer_openblas_threads=N} (the peer's own thread settings, e.g. its fastest
 * 2-core setting: torch 1 thread, OpenBLAS 2).
 */
public final class MtlStepBenchmark implements Benchmark {
    @Override
    public String name() {
        return "mtl-step";
    }

    @Override
    public String description() {
        return "multi-task training step (HPS MLP 784-256-256, 2 heads, Adam, batch 256): steps/s vs PyTorch";
    }

    @Override
    public BenchResult run(BenchContext ctx) throws Exception {
        int threads = ctx.threads();
        int steps = Integer.parseInt(ctx.option("steps", ctx.quick() ? "30" : "200"));
        int repeats = Integer.parseInt(ctx.option("repeats", ctx.quick() ? "1" : "3"));
        int warmup = Integer.parseInt(ctx.option("warmup", ctx.quick() ? "5" : "20"));
        int batch = Integer.parseInt(ctx.option("batch", "256"));
        long soak = Long.parseLong(ctx.option("soak", "0"));
        String method = ctx.option("method", "ew");
        if (!method.equals("ew") && !method.equals("pcgrad")) {
            throw new IllegalArgumentException("method must be ew or pcgrad, got '" + method + "'");
        }
        var notes = new ArrayList<String>();
        var figures = new ArrayList<Figure>();
        var settings = new LinkedHashMap<String, Object>();

        Engines.pytorch(threads);
        JniUtils.setNumThreads(threads);
        settings.put("engine", "DJL 0.36.0 PyTorch " + Engines.pytorch(threads).getVersion() + " (MKL GEMM), JNI ops, no Trainer");
        settings.put("intra_op_threads", JniUtils.getNumThreads());
        settings.put("inter_op_threads", JniUtils.getNumInteropThreads());
        settings.put("optimizer", "Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-8), fused Java pass over the flat parameter vector");
        settings.put("batch", batch);
        settings.put("warmup_steps", warmup);
        settings.put("timed_steps", steps);
        settings.put("repeats", repeats);
        settings.put("jvm", System.getProperty("java.vm.name") + " " + Runtime.version());
        settings.put("jvm_args", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        settings.put("heap_max_mb", Runtime.getRuntime().maxMemory() >> 20);
        settings.put("malloc", NativeAllocator.state());
        settings.put("mkl_dispatch", dev.polymath.nn.MklCpuDispatch.state());

        try (NDManager root = Engines.pytorch(threads).newBaseManager()) {
            Workload ew = new Workload(root, batch, WeightingRegistry.create("ew"));
            Timing t = ew.time(warmup, steps, repeats);
            figures.add(Figure.rate("steps/s (median)", t.median(), "steps/s"));
            figures.add(Figure.rate("steps/s (best)", t.best(), "steps/s"));
            figures.add(Figure.cost("ms/step (median)", 1000.0 / t.median(), "ms"));
            settings.put("repeat_seconds", Arrays.toString(t.seconds()));
            settings.put("final_loss", String.format(java.util.Locale.ROOT, "%.4f", ew.lastLoss));
            Workload soakWork = ew;
            if (method.equals("pcgrad")) {
                Workload pc = new Workload(root, batch, WeightingRegistry.create("pcgrad"));
                soakWork = pc;
                Timing tp = pc.time(warmup, steps, repeats);
                figures.add(Figure.rate("pcgrad steps/s (median)", tp.median(), "steps/s"));
                figures.add(Figure.cost("pcgrad ms/step (median)", 1000.0 / tp.median(), "ms"));
                settings.put("pcgrad", "per-task gradients of the 267,264 shared parameters (float[2][P]) combined by "
                        + "the registry's PCGrad (seeded random task order) and written back");
                notes.add("pcgrad: the peer has no PCGrad; its steps/s is for the summed-loss step only.");
            }
            if (soak > 0) {
                System.gc();
                long before = NativeMemory.residentBytes();
                long peak = before;
                long t0 = System.nanoTime();
                long half = -1;
                for (long i = 0; i < soak; i++) {
                    soakWork.step();
                    if ((i & 255) == 0) peak = Math.max(peak, NativeMemory.residentBytes());
                    if (i == soak / 2) half = NativeMemory.residentBytes();
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                System.gc();
                long after = NativeMemory.residentBytes();
                figures.add(Figure.cost("RSS start of soak", before / 1048576.0, "MiB"));
                figures.add(Figure.cost("RSS end of soak", after / 1048576.0, "MiB"));
                figures.add(Figure.cost("RSS growth over soak", (after - before) / 1048576.0, "MiB"));
                figures.add(Figure.cost("RSS growth, second half of soak", (after - half) / 1048576.0, "MiB"));
                figures.add(Figure.rate("soak steps/s", soak / secs, "steps/s"));
                settings.put("soak_steps", soak + " (" + method + " step)");
                settings.put("soak_peak_rss_mib", String.format(java.util.Locale.ROOT, "%.1f", peak / 1048576.0));
                settings.put("soak_root_arrays", root.getManagedArrays().size());
                var args = ManagementFactory.getRuntimeMXBean().getInputArguments();
                boolean fixedHeap = args.stream().anyMatch(a -> a.startsWith("-Xms")) && args.stream().anyMatch(a -> a.startsWith("-Xmx"))
                        && args.contains("-XX:+AlwaysPreTouch");
                if (!fixedHeap) {
                    notes.add("soak: RSS includes the Java heap, which grows and shrinks with GC; for a native-memory figure run "
                            + "with a fixed, pre-touched heap: POLYMATH_JAVA_OPTS='-Xms1g -Xmx1g -XX:+AlwaysPreTouch'");
                }
            }
            ew.close();
            if (soakWork != ew) soakWork.close();
        }
        BenchSide polymath = new BenchSide("polymath", settings, figures);

        if (ctx.skipPeer()) return new BenchResult(name(), description(), polymath, null, "--no-peer", notes);
        String missing = PeerScript.missingPython("torch", "numpy");
        if (missing != null) return new BenchResult(name(), description(), polymath, null, missing, notes);
        PeerScript peer;
        try {
            peer = PeerScript.locate("torch_mtl_step.py");
        } catch (dev.polymath.core.data.MissingDataException e) {
            return new BenchResult(name(), description(), polymath, null, e.getMessage(), notes);
        }
        var env = new LinkedHashMap<String, String>();
        String ld = ctx.option("peer_ld_library_path", null);
        if (ld != null) env.put("LD_LIBRARY_PATH", ld);
        String blasThreads = ctx.option("peer_openblas_threads", null);
        if (blasThreads != null) env.put("OPENBLAS_NUM_THREADS", blasThreads);
        int peerThreads = Integer.parseInt(ctx.option("peer_threads", Integer.toString(threads)));
        if (peerThreads != threads || blasThreads != null) {
            notes.add("the peer ran with torch threads " + peerThreads + " and OPENBLAS_NUM_THREADS "
                    + (blasThreads == null ? "1 (script default)" : blasThreads) + ", Polymath with " + threads + " thread(s)");
        }
        ctx.log().println("mtl-step: running the peer " + peer.path() + " with " + threads + " thread(s)...");
        JsonNode j = peer.run(List.of("--threads", Integer.toString(peerThreads), "--steps", Integer.toString(steps),
                "--repeats", Integer.toString(repeats), "--warmup", Integer.toString(warmup), "--batch", Integer.toString(batch)),
                env, 3600);
        var pf = new ArrayList<Figure>();
        pf.add(Figure.rate("steps/s (median)", j.path("steps_per_s_median").asDouble(), "steps/s"));
        pf.add(Figure.rate("steps/s (best)", j.path("steps_per_s_best").asDouble(), "steps/s"));
        pf.add(Figure.cost("ms/step (median)", j.path("ms_per_step_median").asDouble(), "ms"));
        var ps = new LinkedHashMap<String, Object>();
        for (String k : List.of("torch", "python", "threads", "OPENBLAS_NUM_THREADS", "malloc", "OMP_WAIT_POLICY", "repeat_seconds", "final_loss")) {
            if (j.has(k)) ps.put(k, j.get(k).isTextual() ? j.get(k).asText() : j.get(k).toString());
        }
        ps.put("blas", ld != null ? "LD_LIBRARY_PATH=" + ld : systemBlas());
        if (ld == null && systemBlas().contains("/blas/")) {
            notes.add("the peer's torch links the reference (netlib) BLAS of this system, " + systemBlas()
                    + ", which is ~10x slower than OpenBLAS; the peers README assumes OpenBLAS-pthread. For a fair figure "
                    + "install libopenblas0-pthread or pass -o peer_ld_library_path=<dir with OpenBLAS's libblas.so.3>.");
        }
        return new BenchResult(name(), description(), polymath, new BenchSide("torch_mtl_step.py", ps, pf), null, notes);
    }

    private static String systemBlas() {
        try {
            return Path.of("/usr/lib/x86_64-linux-gnu/libblas.so.3").toRealPath().toString();
        } catch (Exception e) {
            return "unknown";
        }
    }

    record Timing(double[] seconds, int steps) {
        double median() {
            double[] s = seconds.clone();
            Arrays.sort(s);
            return steps / s[s.length / 2];
        }

        double best() {
            return steps / Arrays.stream(seconds).min().orElseThrow();
        }
    }

    /** The model, optimizer and data pool of the peer's workload. */
    static final class Workload implements AutoCloseable {
        final NDManager pool;
        final MtlNet net;
        final MtlStep step;
        final PtNDArray[] xs = new PtNDArray[16];
        final PtNDArray[][] ys = new PtNDArray[16][];
        long i;
        double lastLoss;

        Workload(NDManager root, int batch, Weighting weighting) {
            pool = root.newSubManager();
            var spec = new NetSpec(Backbones.mlp(784, 256, 256), List.of(10, 10), Map.of(), 0);
            net = Architectures.get("hps").build(spec, pool);
            weighting.reset(2, 0);
            step = new MtlStep(net, weighting, new Adam(net.parameters().size(), 1e-3), List.of(TaskLoss.CROSS_ENTROPY, TaskLoss.CROSS_ENTROPY),
                    List.of("task0", "task1"));
            SplittableRandom rng = Seeds.stream(0, "bench/mtl-step/data");
            for (int k = 0; k < 16; k++) {
                PtNDArray x = JniUtils.createEmptyNdArray((PtNDManager) pool, new Shape(batch, 784), DataType.FLOAT32, Device.cpu(), SparseFormat.DENSE);
                FloatBuffer fb = JniUtils.getByteBuffer(x, true).order(ByteOrder.nativeOrder()).asFloatBuffer();
                for (int e = 0; e < batch * 784; e++) fb.put(e, (float) gaussian(rng));
                xs[k] = x;
                ys[k] = new PtNDArray[2];
                for (int t = 0; t < 2; t++) {
                    PtNDArray y = JniUtils.createEmptyNdArray((PtNDManager) pool, new Shape(batch, 1), DataType.INT64, Device.cpu(), SparseFormat.DENSE);
                    LongBuffer lb = JniUtils.getByteBuffer(y, true).order(ByteOrder.nativeOrder()).asLongBuffer();
                    for (int e = 0; e < batch; e++) lb.put(e, rng.nextInt(10));
                    ys[k][t] = y;
                }
            }
        }

        void step() {
            int k = (int) (i % 16);
            var r = step.run(pool, xs[k], ys[k], i, 0);
            lastLoss = r.total();
            i++;
        }

        Timing time(int warmup, int steps, int repeats) {
            for (int w = 0; w < warmup; w++) step();
            double[] secs = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                for (int s = 0; s < steps; s++) step();
                secs[r] = (System.nanoTime() - t0) / 1e9;
            }
            return new Timing(secs, steps);
        }

        @Override
        public void close() {
            pool.close();
        }

        private static double gaussian(SplittableRandom r) {
            double u, v, s;
            do {
                u = r.nextDouble() * 2 - 1;
                v = r.nextDouble() * 2 - 1;
                s = u * u + v * v;
            } while (s >= 1 || s == 0);
            return u * Math.sqrt(-2 * Math.log(s) / s);
        }
    }
}
