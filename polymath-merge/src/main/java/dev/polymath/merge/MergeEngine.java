package dev.polymath.merge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.polymath.core.run.CodeVersion;
import dev.polymath.core.safetensors.DType;
import dev.polymath.core.safetensors.SafetensorsCheckpoint;
import dev.polymath.core.safetensors.SafetensorsLayout;
import dev.polymath.core.safetensors.SafetensorsWriter;
import dev.polymath.core.safetensors.TensorInfo;
import dev.polymath.core.safetensors.TensorSpec;
import dev.polymath.core.util.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streaming merger. The output header and every tensor's offset are computed before any data is written;
 * each tensor is processed in fixed-size element chunks read from all inputs (memory-mapped), merged and
 * written straight to its final position with positional writes, so peak memory is
 * O(threads x (inputs + 1) x chunk) whatever the model size. Statistics passes (top-k histograms, norms)
 * reread the inputs chunk by chunk instead of materializing anything. Chunks run in parallel on a fixed
 * number of threads; results never depend on the thread count. The output folder is built as a hidden
 * sibling and published in one rename.
 */
public final class MergeEngine implements AutoCloseable {
    public static final int DEFAULT_CHUNK = 1 << 20;
    public static final long DEFAULT_SHARD_BYTES = 5_000_000_000L;
    /** Shared (thread-safe once configured): building a mapper per run costs milliseconds of a 16M-parameter merge. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern LAYER = Pattern.compile("(?:^|\\.)(\\d+)(?:\\.|$)");

    /**
     * @param block elements per block within a chunk (0: {@link #BLOCK}); blocks keep a chunk's inputs in the
     *              CPU cache and never change results (statistics are per chunk, blocks arrive in order)
     */
    public record Options(int threads, long seed, int chunkSize, long maxShardBytes, DropMask dropMask, int block) {
        public Options {
            if (threads < 1) throw new IllegalArgumentException("threads must be >= 1");
            if (chunkSize < 1) throw new IllegalArgumentException("chunk size must be >= 1");
            if (block < 0) throw new IllegalArgumentException("block must be >= 0");
        }

        public Options(int threads, long seed, int chunkSize, long maxShardBytes, DropMask dropMask) {
            this(threads, seed, chunkSize, maxShardBytes, dropMask, 0);
        }

        public static Options defaults() {
            return new Options(Math.max(1, Runtime.getRuntime().availableProcessors()), 0, DEFAULT_CHUNK, DEFAULT_SHARD_BYTES, null, 0);
        }

        public Options withThreads(int t) { return new Options(t, seed, chunkSize, maxShardBytes, dropMask, block); }
        public Options withSeed(long s) { return new Options(threads, s, chunkSize, maxShardBytes, dropMask, block); }
        public Options withChunk(int c) { return new Options(threads, seed, c, maxShardBytes, dropMask, block); }
        public Options withShardBytes(long b) { return new Options(threads, seed, chunkSize, b, dropMask, block); }
        public Options withDropMask(DropMask d) { return new Options(threads, seed, chunkSize, maxShardBytes, d, block); }
        public Options withBlock(int b) { return new Options(threads, seed, chunkSize, maxShardBytes, dropMask, b); }

        int blockElements() { return Math.min(chunkSize, block > 0 ? block : BLOCK); }
    }

    /** One output tensor: merged (float) or copied raw from the reference model (non-float types). */
    record Item(String name, TensorInfo ref, DType outType, boolean merged, TensorContext ctx) {}

    /** {@code fsyncSeconds}: the part of {@code seconds} spent forcing the output to disk (included in seconds). */
    public record Result(Path out, int tensors, long elements, long bytesRead, long bytesWritten, double seconds,
                         Map<String, Object> config, List<Map<String, Object>> stats, double fsyncSeconds) {}

    private final MergeConfig cfg;
    private final MergeMethod method;
    private final Options opt;
    private final SafetensorsCheckpoint base;
    private final List<SafetensorsCheckpoint> models = new ArrayList<>();
    private final List<MergeConfig.ModelEntry> entries = new ArrayList<>();
    private final List<Item> items = new ArrayList<>();
    private final Map<String, Object> resolvedGlobal;
    private final DropMask dropMask;
    private long bytesRead;

    public MergeEngine(MergeConfig cfg, Options opt) {
        this.cfg = cfg;
        this.opt = opt;
        this.method = MethodRegistry.get(cfg.mergeMethod());
        this.dropMask = opt.dropMask() != null ? opt.dropMask() : DropMask.seeded(opt.seed());
        checkParamNames();
        if (method.requiresBase() && cfg.baseModel() == null) {
            throw new IllegalArgumentException("merge_method " + method.name() + " needs base_model");
        }
        base = cfg.baseModel() == null ? null : SafetensorsCheckpoint.open(cfg.baseModel().path());
        for (var e : cfg.models()) {
            if (base != null && method.baseIsSeparate() && samePath(e.model().path(), cfg.baseModel().path())) continue;
            entries.add(e);
            models.add(SafetensorsCheckpoint.open(e.model().path()));
        }
        if (models.size() < method.minModels()) {
            throw new IllegalArgumentException(method.name() + " needs at least " + method.minModels() + " model(s) besides the base model, found " + models.size());
        }
        if (models.size() > method.maxModels()) {
            throw new IllegalArgumentException(method.name() + " takes at most " + method.maxModels() + " model(s) besides the base model, found " + models.size());
        }
        resolvedGlobal = resolveGlobal("", 0);
        buildItems();
    }

    private static boolean samePath(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    private void checkParamNames() {
        var known = method.params().stream().map(ParamDef::name).toList();
        for (String k : cfg.parameters().keySet()) {
            if (!known.contains(k)) throw new IllegalArgumentException("parameters." + k + ": not a parameter of " + method.name() + " (known: " + String.join(", ", known) + ")");
        }
        int i = 0;
        for (var e : cfg.models()) {
            for (String k : e.parameters().keySet()) {
                var def = method.params().stream().filter(p -> p.name().equals(k)).findFirst();
                if (def.isEmpty()) throw new IllegalArgumentException("models[" + i + "].parameters." + k + ": not a parameter of " + method.name() + " (known: " + String.join(", ", known) + ")");
                if (!def.get().perModel()) throw new IllegalArgumentException("models[" + i + "].parameters." + k + ": '" + k + "' is a global parameter of " + method.name() + "; set it under the top-level parameters");
            }
            i++;
        }
    }

    private SafetensorsCheckpoint reference() { return base != null ? base : models.get(0); }

    private String modelLabel(int i) { return entries.get(i).model().reference(); }

    private void buildItems() {
        var ref = reference();
        List<String> names = ref.names();
        int maxLayer = -1;
        for (String n : names) maxLayer = Math.max(maxLayer, layerIndex(n));
        for (String n : names) {
            TensorInfo ri = ref.info(n);
            for (int i = 0; i < models.size(); i++) {
                var mk = models.get(i);
                if (!mk.contains(n)) throw new IllegalArgumentException("tensor '" + n + "' is missing from " + modelLabel(i));
                TensorInfo mi = mk.info(n);
                if (!Arrays.equals(mi.shape(), ri.shape())) {
                    throw new IllegalArgumentException("tensor '" + n + "' has shape " + Arrays.toString(mi.shape()) + " in " + modelLabel(i)
                            + " but " + Arrays.toString(ri.shape()) + " in the reference model");
                }
                if (ri.dtype().isFloat() != mi.dtype().isFloat()) {
                    throw new IllegalArgumentException("tensor '" + n + "' is " + mi.dtype() + " in " + modelLabel(i) + " but " + ri.dtype() + " in the reference model");
                }
                if (mi.dtype().isQuantized()) throw new IllegalArgumentException("tensor '" + n + "' of " + modelLabel(i) + " has quantized dtype " + mi.dtype() + "; dequantize first");
            }
            if (ri.dtype().isQuantized()) throw new IllegalArgumentException("tensor '" + n + "' has quantized dtype " + ri.dtype() + "; dequantize first");
            if (!ri.dtype().isFloat()) {
                items.add(new Item(n, ri, ri.dtype(), false, null));
                continue;
            }
            DType out = cfg.outDtype() != null ? cfg.outDtype() : cfg.dtype() != null ? cfg.dtype()
                    : ri.dtype().isFloatWritable() ? ri.dtype() : DType.F32;
            int li = layerIndex(n);
            double t = li < 0 ? 0 : maxLayer > 0 ? (double) li / maxLayer : 1;
            var ctx = new TensorContext(n, ri.shape(), opt.chunkSize(), t, resolveGlobal(n, t), resolvePerModel(n, t), base != null,
                    opt.seed(), dropMask, null);
            items.add(new Item(n, ri, out, true, ctx));
        }
    }

    /** Layer index: the first purely numeric dotted component of the name (model.layers.12.mlp -> 12), or -1. */
    static int layerIndex(String name) {
        Matcher m = LAYER.matcher(name);
        if (!m.find()) return -1;
        try {
            return Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private Map<String, Object> resolveGlobal(String tensor, double t) {
        var out = new LinkedHashMap<String, Object>();
        for (ParamDef p : method.params()) {
            if (p.perModel()) continue;
            Object v = evaluate(cfg.parameters().get(p.name()), tensor, t);
            String where = tensor.isEmpty() ? "" : " for tensor '" + tensor + "'";
            if (v == null) v = p.defaultValue();
            if (v == null) throw new IllegalArgumentException("missing required parameter '" + p.name() + "'" + where + " of " + method.name());
            out.put(p.name(), p.coerce(v, where));
        }
        return out;
    }

    private List<Map<String, Object>> resolvePerModel(String tensor, double t) {
        var list = new ArrayList<Map<String, Object>>();
        for (int i = 0; i < entries.size(); i++) {
            var out = new LinkedHashMap<String, Object>();
            for (ParamDef p : method.params()) {
                if (!p.perModel()) continue;
                Object v = evaluate(entries.get(i).parameters().get(p.name()), tensor, t);
                if (v == null) v = evaluate(cfg.parameters().get(p.name()), tensor, t);
                if (v == null) v = p.defaultValue();
                String where = " for model " + modelLabel(i) + (tensor.isEmpty() ? "" : " tensor '" + tensor + "'");
                if (v == null) throw new IllegalArgumentException("missing required parameter '" + p.name() + "'" + where);
                out.put(p.name(), p.coerce(v, where));
            }
            list.add(out);
        }
        return list;
    }

    private static Object evaluate(ParamSetting s, String tensor, double t) {
        return s == null ? null : s.evaluate(tensor, t);
    }

    // ------------------------------------------------------------------------------------------------------
    // Dry run

    /** The per-tensor plan with predicted peak memory and I/O, as text. */
    public String plan() {
        var sb = new StringBuilder();
        int inputs = models.size() + (base != null ? 1 : 0);
        sb.append(String.format("merge_method %s, %d model(s)%s, %d thread(s), chunk %d elements, seed %d%n", method.name(), models.size(),
                base != null ? " + base" : "", opt.threads(), opt.chunkSize(), opt.seed()));
        method.modes(resolvedGlobal).forEach((k, v) -> sb.append("  ").append(k).append(": ").append(v).append('\n'));
        sb.append(String.format("%-48s %-16s %-11s %6s %6s %12s %12s%n", "tensor", "shape", "dtype", "chunks", "passes", "read_bytes", "write_bytes"));
        long totalRead = 0, totalWrite = 0;
        int maxPasses = 0;
        long merged = 0;
        for (Item it : items) {
            long inBytes = it.ref().byteLength();
            long read, write = it.ref().numel() * it.outType().size();
            int passes = 0, chunks = 1;
            if (it.merged()) {
                passes = method.job(it.ctx()).maxPasses();
                chunks = it.ctx().chunks;
                read = (long) (passes + 1) * inputs * inBytes;
                merged += it.ref().numel();
                maxPasses = Math.max(maxPasses, passes);
            } else {
                read = inBytes;
            }
            totalRead += read;
            totalWrite += write;
            sb.append(String.format("%-48s %-16s %-11s %6d %6d %12d %12d%n", it.name(), Arrays.toString(it.ref().shape()),
                    it.ref().dtype() + (it.merged() ? "->" + it.outType() : " copy"), chunks, passes, read, write));
        }
        int modelPasses = modelLevelPasses();
        long modelRead = 0;
        for (Item it : items) if (it.merged()) modelRead += (long) modelPasses * inputs * it.ref().byteLength();
        totalRead += modelRead;
        int blk = opt.blockElements();
        // per worker: block arrays for the inputs and the output, the job's scratch (models + 4), the direct write buffer
        long perWorker = (long) blk * 4 * (inputs + 1) + (long) blk * 4 * (models.size() + 4) + (long) blk * 4;
        long hist = maxPasses >= 2 || modelPasses > 0 ? (long) models.size() * 2 * (TopKSelection.HI + TopKSelection.LO) * 8 : 0;
        long peak = opt.threads() * (perWorker + hist);
        sb.append(String.format("model-wide passes: %d (read %d bytes)%n", modelPasses, modelRead));
        sb.append(String.format("tensors: %d (%d merged elements); read %.3f GB, write %.3f GB%n", items.size(), merged, totalRead / 1e9, totalWrite / 1e9));
        sb.append(String.format("predicted peak working memory: %.1f MB (%d thread(s) x (%d inputs + output + scratch) x block %d floats + histograms), independent of model size; inputs are memory-mapped%n",
                peak / 1e6, opt.threads(), inputs, blk));
        return sb.toString();
    }

    private int modelLevelPasses() {
        if (method instanceof GlobalTies) return 3;
        if (method instanceof GeneralizedTaskArithmetic && "model".equals(resolvedGlobal.get("topk_scope"))) return 2;
        return 0;
    }

    // ------------------------------------------------------------------------------------------------------
    // Run

    /** Elements per block: the inputs of a block (and the job's scratch) stay in the CPU cache. */
    static final int BLOCK = Integer.getInteger("polymath.merge.block", 16384);

    private final class Worker {
        final int block;
        final float[] base;
        final float[][] x;
        final float[] out;
        final ByteBuffer buf;
        final Chunk ch = new Chunk();

        Worker(int block, int m, boolean hasBase, int maxOutBytes) {
            this.block = block;
            base = hasBase ? new float[block] : null;
            x = new float[m][block];
            out = new float[block];
            buf = ByteBuffer.allocateDirect(block * maxOutBytes).order(ByteOrder.LITTLE_ENDIAN);
            ch.x = x;
        }

        /** Starts chunk {@code c} of {@code ctx}: clears the per-chunk state. */
        Chunk begin(TensorContext ctx, int c) {
            ch.ctx = ctx;
            ch.index = c;
            ch.state = null;
            return ch;
        }

        /** Loads elements {@code [off, off + len)} of the current chunk (offsets within the chunk). */
        Chunk load(int off, int len) {
            TensorContext ctx = ch.ctx;
            ch.start = ctx.chunkStart(ch.index) + off;
            ch.len = len;
            if (base != null) {
                MergeEngine.this.base.readFloats(ctx.name, ch.start, base, 0, len);
                ch.base = base;
            } else {
                ch.base = null;
            }
            for (int i = 0; i < x.length; i++) models.get(i).readFloats(ctx.name, ch.start, x[i], 0, len);
            return ch;
        }
    }

    private interface Unit {
        void run(Worker w, int index) throws IOException;
    }

    /** Runs {@code n} units on the worker threads (inline when n == 1). */
    private void parallel(ExecutorService pool, Worker[] workers, int n, Unit unit) {
        if (n <= 1 || workers.length == 1) {
            try {
                for (int i = 0; i < n; i++) unit.run(workers[0], i);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        var futures = new ArrayList<Future<?>>();
        for (int t = 0; t < Math.min(workers.length, n); t++) {
            Worker w = workers[t];
            futures.add(pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < n; ) unit.run(w, i);
                return null;
            }));
        }
        for (var f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException r) throw r;
                if (c instanceof IOException io) throw new UncheckedIOException(io);
                if (c instanceof Error err) throw err;
                throw new IllegalStateException(c);
            }
        }
    }

    /** Runs a statistics pass over the given (tensor, chunk) units; order-dependent accumulators per unit, others per worker. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private void runPass(ExecutorService pool, Worker[] workers, Pass pass, List<TensorContext> ctxs, List<int[]> units) {
        int inputs = models.size() + (base != null ? 1 : 0);
        Object[] accs = new Object[pass.orderIndependent() ? workers.length : units.size()];
        for (int i = 0; i < accs.length; i++) accs[i] = pass.newAcc();
        var wIndex = new java.util.IdentityHashMap<Worker, Integer>();
        for (int i = 0; i < workers.length; i++) wIndex.put(workers[i], i);
        parallel(pool, workers, units.size(), (w, u) -> {
            int[] tc = units.get(u);
            TensorContext ctx = ctxs.get(tc[0]);
            Object acc = accs[pass.orderIndependent() ? wIndex.get(w) : u];
            w.begin(ctx, tc[1]);
            int len = ctx.chunkLen(tc[1]);
            for (int off = 0; off < len; off += w.block) pass.accumulate(w.load(off, pass.readLength(Math.min(w.block, len - off))), acc);
        });
        long bytes = 0;
        for (int[] tc : units) {
            int len = ctxs.get(tc[0]).chunkLen(tc[1]);
            for (int off = 0; off < len; off += workers[0].block) bytes += (long) pass.readLength(Math.min(workers[0].block, len - off)) * 4 * inputs;
        }
        synchronized (this) { bytesRead += bytes; }
        pass.finish(Arrays.asList(accs));
    }

    public Result run(Path outDir) {
        long t0 = System.nanoTime();
        Path abs = outDir.toAbsolutePath().normalize();
        Path staging = abs.resolveSibling("." + abs.getFileName() + ".partial");
        var metadata = new LinkedHashMap<String, String>();
        metadata.put("format", "pt");
        metadata.put("merge_method", method.name());
        metadata.put("merged_by", "polymath " + CodeVersion.current());
        var specs = items.stream().map(it -> new TensorSpec(it.name(), it.outType(), it.ref().shape())).toList();
        var shardPlan = SafetensorsWriter.planShards(specs, opt.maxShardBytes(), metadata);
        int maxOut = 4;
        for (Item it : items) maxOut = Math.max(maxOut, it.outType().size());
        ExecutorService pool = opt.threads() > 1 ? Executors.newFixedThreadPool(opt.threads(), r -> {
            Thread th = new Thread(r, "polymath-merge");
            th.setDaemon(true);
            return th;
        }) : null;
        var statsOut = new ArrayList<Map<String, Object>>();
        long bytesWritten = 0, elements = 0, fsyncNanos = 0;
        try {
            AtomicFiles.deleteRecursively(staging);
            Files.createDirectories(staging);
            Worker[] workers = new Worker[opt.threads()];
            for (int i = 0; i < workers.length; i++) workers[i] = new Worker(opt.blockElements(), models.size(), base != null, maxOut);

            // model-wide passes (global top-k)
            var mergedCtx = new ArrayList<TensorContext>();
            for (Item it : items) if (it.merged()) mergedCtx.add(it.ctx());
            var modelCtx = new TensorContext("", new long[] {0}, opt.chunkSize(), 0, resolvedGlobal, resolvePerModel("", 0), base != null,
                    opt.seed(), dropMask, null);
            var allUnits = new ArrayList<int[]>();
            long total = 0;
            for (int i = 0; i < mergedCtx.size(); i++) {
                for (int c = 0; c < mergedCtx.get(i).chunks; c++) if (mergedCtx.get(i).numel > 0) allUnits.add(new int[] {i, c});
                total += mergedCtx.get(i).numel;
            }
            long totalElements = total;
            Object modelLevel = method.prepare(new MergeMethod.ModelScan() {
                public void run(Pass<?> pass) { runPass(pool, workers, pass, mergedCtx, allUnits); }
                public long totalElements() { return totalElements; }
                public TensorContext modelContext() { return modelCtx; }
                public Path configDir() { return cfg.source() == null ? Path.of("").toAbsolutePath() : cfg.source().toAbsolutePath().getParent(); }
            });
            try {

            var channels = new FileChannel[shardPlan.fileNames().size()];
            for (int s = 0; s < channels.length; s++) {
                channels[s] = FileChannel.open(staging.resolve(shardPlan.fileNames().get(s)), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, StandardOpenOption.READ);
                SafetensorsWriter.writePrefix(channels[s], shardPlan.layouts().get(s));
            }
            try {
                try (EarlyWriteback wb = new EarlyWriteback(channels, EarlyWriteback.DEFAULT_STEP)) {
                for (Item it : items) {
                    int shard = shardPlan.shardOf(it.name());
                    FileChannel ch = channels[shard];
                    SafetensorsLayout layout = shardPlan.layouts().get(shard);
                    long pos0 = layout.position(it.name());
                    if (!it.merged()) {
                        byte[] raw = reference().file(it.name()).readAllBytes(it.name());
                        SafetensorsWriter.writeFully(ch, ByteBuffer.wrap(raw), pos0);
                        wb.wrote(raw.length);
                        bytesRead += raw.length;
                        bytesWritten += raw.length;
                        continue;
                    }
                    TensorContext ctx = it.ctx();
                    if (modelLevel != null) {
                        ctx = new TensorContext(ctx.name, ctx.shape, ctx.chunkSize, ctx.t, ctx.global, ctx.perModel, ctx.hasBase, ctx.seed, ctx.dropMask, modelLevel);
                    }
                    TensorJob job = method.job(ctx);
                    var units = new ArrayList<int[]>();
                    if (ctx.numel > 0) for (int c = 0; c < ctx.chunks; c++) units.add(new int[] {0, c});
                    var one = List.of(ctx);
                    Pass<?> p;
                    while ((p = job.nextPass()) != null) runPass(pool, workers, p, one, units);
                    StatsAcc[] st = new StatsAcc[units.size()];
                    final TensorContext fctx = ctx;
                    final DType outType = it.outType();
                    int inputs = models.size() + (base != null ? 1 : 0);
                    parallel(pool, workers, units.size(), (w, u) -> {
                        StatsAcc sa = new StatsAcc(models.size());
                        w.begin(fctx, u);
                        int len = fctx.chunkLen(u);
                        for (int off = 0; off < len; off += w.block) {
                            Chunk c = w.load(off, Math.min(w.block, len - off));
                            job.apply(c, w.out, sa);
                            w.buf.clear();
                            SafetensorsWriter.encode(w.out, 0, c.len, outType, w.buf);
                            w.buf.flip();
                            SafetensorsWriter.writeFully(ch, w.buf, pos0 + c.start * outType.size());
                            wb.wrote((long) c.len * outType.size());
                        }
                        st[u] = sa;
                    });
                    bytesRead += ctx.numel * 4L * inputs;
                    bytesWritten += ctx.numel * outType.size();
                    elements += ctx.numel;
                    StatsAcc sum = new StatsAcc(models.size());
                    for (StatsAcc s : st) sum.add(s);
                    statsOut.add(tensorStats(it, ctx, sum, job));
                }
                }
                long f0 = System.nanoTime();
                for (FileChannel c : channels) c.force(true);
                fsyncNanos = System.nanoTime() - f0;
            } finally {
                for (FileChannel c : channels) c.close();
            }
            } finally {
                if (modelLevel instanceof java.io.Closeable c) c.close();
            }
            if (shardPlan.sharded()) SafetensorsWriter.writeIndex(staging, shardPlan, Map.of());
            var config = resolvedConfig(modelLevel);
            var json = JSON;
            Files.writeString(staging.resolve("merge_config.json"), json.writeValueAsString(config) + "\n");
            var statsDoc = new LinkedHashMap<String, Object>();
            statsDoc.put("merge_method", method.name());
            statsDoc.put("models", entries.stream().map(e -> e.model().reference()).toList());
            statsDoc.put("tensors", statsOut);
            Files.writeString(staging.resolve("merge_stats.json"), json.writeValueAsString(statsDoc) + "\n");
            var ref = reference();
            if (Files.isDirectory(ref.source())) SafetensorsWriter.copyAuxiliaryFiles(ref.folder(), staging);
            AtomicFiles.publishDirectory(staging, abs);
            double secs = (System.nanoTime() - t0) / 1e9;
            return new Result(abs, items.size(), elements, bytesRead, bytesWritten, secs, config, statsOut, fsyncNanos / 1e9);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + outDir + ": " + e.getMessage(), e);
        } finally {
            if (pool != null) pool.shutdownNow();
            if (Files.exists(staging)) {
                try { AtomicFiles.deleteRecursively(staging); } catch (IOException ignored) { /* best effort */ }
            }
        }
    }

    private Map<String, Object> tensorStats(Item it, TensorContext ctx, StatsAcc s, TensorJob job) {
        var m = new LinkedHashMap<String, Object>();
        m.put("name", it.name());
        m.put("shape", it.ref().shape());
        m.put("numel", ctx.numel);
        m.put("t", ctx.t);
        m.put("parameters", ctx.global);
        m.put("model_parameters", ctx.perModel);
        int n = models.size();
        if (s.hasTaskVectors && s.count > 0) {
            double[] norms = new double[n];
            for (int i = 0; i < n; i++) norms[i] = Math.sqrt(s.sq[i]);
            m.put("task_vector_norms", norms);
            var cos = new ArrayList<Map<String, Object>>();
            for (int i = 0; i < n; i++) {
                for (int k = i + 1; k < n; k++) {
                    double den = norms[i] * norms[k];
                    cos.add(Map.of("a", i, "b", k, "cosine", den > 0 ? s.dot[i * n + k] / den : 0.0));
                }
            }
            m.put("task_vector_cosines", cos);
        }
        if (s.hasSparsity && s.count > 0) {
            double[] dens = new double[n];
            for (int i = 0; i < n; i++) dens[i] = (double) s.kept[i] / s.count;
            m.put("density_achieved", dens);
        }
        if (s.hasConsensus && s.count > 0) m.put("sign_conflict_rate", (double) s.conflicts / s.count);
        m.putAll(job.extraStats());
        return m;
    }

    /** The resolved config: inputs, method, parameters with defaults filled, modes, seed, version. */
    public Map<String, Object> resolvedConfig(Object modelLevel) {
        var c = new LinkedHashMap<String, Object>();
        c.put("merge_method", method.name());
        c.put("reference", method.reference());
        c.put("config_file", cfg.source() == null ? null : cfg.source().toString());
        c.put("base_model", cfg.baseModel() == null ? null : cfg.baseModel().path().toString());
        var om = JSON;
        var ms = new ArrayList<Object>();
        for (int i = 0; i < entries.size(); i++) {
            var e = new LinkedHashMap<String, Object>();
            e.put("model", entries.get(i).model().path().toString());
            ObjectNode given = om.createObjectNode();
            entries.get(i).parameters().forEach((k, v) -> given.set(k, v.toJson()));
            e.put("parameters_given", given);
            e.put("parameters_resolved_t0", resolvePerModel("", 0).get(i));
            ms.add(e);
        }
        c.put("models", ms);
        ObjectNode given = om.createObjectNode();
        cfg.parameters().forEach((k, v) -> given.set(k, v.toJson()));
        c.put("parameters_given", given);
        c.put("parameters_resolved_t0", resolvedGlobal);
        var defaults = new LinkedHashMap<String, Object>();
        for (ParamDef p : method.params()) defaults.put(p.name(), p.required() ? "required" : p.defaultValue());
        c.put("parameter_defaults", defaults);
        c.put("parameter_precedence", "model parameters > global parameters > method default; filters: first match; gradients over layer position t");
        c.put("modes", method.modes(resolvedGlobal));
        if (modelLevel instanceof GlobalTopK g) {
            c.put("model_topk", g.selection.describe());
            c.put("majority_sign", g.majoritySign);
        }
        c.put("dtype", cfg.dtype() == null ? null : cfg.dtype().name());
        c.put("out_dtype", cfg.outDtype() == null ? null : cfg.outDtype().name());
        c.put("compute_dtype", "F32");
        c.put("seed", opt.seed());
        c.put("dare_mask", opt.dropMask() == null ? "counter-based hash of (seed, tensor, model, index)" : "injected");
        c.put("threads", opt.threads());
        c.put("chunk_elements", opt.chunkSize());
        c.put("polymath_version", CodeVersion.current());
        ArrayNode arr = om.createArrayNode();
        arr.add("layer position t = index / (layers - 1) from the first numeric name component; 0 for other tensors");
        c.put("notes", arr);
        return c;
    }

    public MergeMethod method() { return method; }

    @Override
    public void close() {
        if (base != null) base.close();
        for (var m : models) m.close();
    }
}
