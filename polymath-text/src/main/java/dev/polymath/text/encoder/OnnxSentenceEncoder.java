package dev.polymath.text.encoder;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.polymath.text.FloatMatrix;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A BERT-family sentence encoder on ONNX Runtime: tokenizes a list of texts in one native call, sorts them by
 * token length, runs batches padded to the longest text in each batch (at most {@code batchSize} texts and
 * {@code batchTokens} padded positions, so batches of long texts hold fewer of them), pools the last hidden state with the
 * attention mask (mean) or takes [CLS], optionally L2-normalizes, and returns the vectors in input order.
 *
 * <p>Inputs are found by name: {@code input_ids} and {@code attention_mask} are required, {@code token_type_ids}
 * is fed (all zeros) when the graph has it. The output used is {@code last_hidden_state} (or
 * {@code token_embeddings}, else the first rank-3 float output). With n threads, n workers run whole batches
 * side by side on one ONNX Runtime session (one intra-op thread each).
 *
 * <p>Empty texts are allowed and encode as {@code [CLS] [SEP]} (what sentence-transformers does); null texts are
 * rejected. Texts longer than the max length are truncated; each {@code encode} call logs one warning with the
 * count, and {@link #stats()} keeps the total. One encoder may be used by one thread at a time.
 */
public final class OnnxSentenceEncoder implements SentenceEncoder {
    private static final System.Logger LOG = System.getLogger(OnnxSentenceEncoder.class.getName());

    private final ModelSource source;
    private final EncoderSettings settings;
    private final int maxLength;
    private final int threads;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final TextTokenizer tokenizer;
    private final String outputName;
    private final boolean hasTokenTypes;
    private final boolean int32Inputs;
    /** One set of input buffers per worker; a worker takes one for a whole encode call. */
    private final LinkedBlockingQueue<OnnxInputBuffers> freeBuffers = new LinkedBlockingQueue<>();
    /** Runs batches concurrently when threads > 1; null for one thread (batches run on the caller). */
    private final ExecutorService workers;
    private final Set<String> outputNames;
    private final int dimension;
    private final EncoderIdentity identity;
    private EncodeStats stats = EncodeStats.ZERO;

    private OnnxSentenceEncoder(ModelSource source, EncoderSettings settings) {
        if (settings.precision() != Precision.FP32) {
            throw new IllegalArgumentException("precision " + settings.precision().id() + " runs on the DJL/PyTorch encoder, not ONNX Runtime (no bf16 MatMul on its CPU provider)");
        }
        this.source = source;
        this.settings = settings;
        source.validate();
        this.maxLength = settings.maxLength() == 0 ? source.defaultMaxLength() : settings.maxLength();
        long positions = positionRows(source);
        if (positions > 0 && maxLength > positions) {
            throw new ModelLoadException("max length " + maxLength + " exceeds the " + positions + " positions of " + source.onnxLabel());
        }
        this.threads = settings.effectiveThreads();
        this.env = OrtEnvironment.getEnvironment();
        OrtSession s = null;
        TextTokenizer t = null;
        try {
            var opts = new OrtSession.SessionOptions();
            // Parallel over batches, not within one: each worker runs whole batches on one core. MiniLM-sized
            // matrices are too small for ONNX Runtime's intra-op pool to keep two cores busy (it synchronizes after
            // every one of a layer's ~15 operators); whole batches side by side scale with the cores.
            opts.setIntraOpNumThreads(1);
            opts.setInterOpNumThreads(1);
            opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            s = env.createSession(source.onnxBytes(), opts);
            opts.close();
            Map<String, NodeInfo> inputs = s.getInputInfo();
            if (!inputs.containsKey("input_ids") || !inputs.containsKey("attention_mask")) {
                throw new ModelLoadException(source.onnxLabel() + " has inputs " + inputs.keySet()
                        + "; a BERT-family encoder needs input_ids and attention_mask (and optionally token_type_ids)");
            }
            for (String in : inputs.keySet()) {
                if (!Set.of("input_ids", "attention_mask", "token_type_ids").contains(in)) {
                    throw new ModelLoadException(source.onnxLabel() + " has an input '" + in + "' this encoder cannot feed; inputs: " + inputs.keySet());
                }
            }
            this.hasTokenTypes = inputs.containsKey("token_type_ids");
            OnnxJavaType idType = ((TensorInfo) inputs.get("input_ids").getInfo()).type;
            if (idType != OnnxJavaType.INT64 && idType != OnnxJavaType.INT32) {
                throw new ModelLoadException(source.onnxLabel() + " input_ids has type " + idType + "; expected int64 or int32");
            }
            this.int32Inputs = idType == OnnxJavaType.INT32;
            Map<String, NodeInfo> outputs = s.getOutputInfo();
            String out = null;
            for (String cand : List.of("last_hidden_state", "token_embeddings")) if (outputs.containsKey(cand)) { out = cand; break; }
            if (out == null) {
                for (var e : outputs.entrySet()) {
                    if (e.getValue().getInfo() instanceof TensorInfo ti && ti.getShape().length == 3 && ti.type == OnnxJavaType.FLOAT) { out = e.getKey(); break; }
                }
            }
            if (out == null) throw new ModelLoadException(source.onnxLabel() + " has no [batch, seq, hidden] float output; outputs: " + outputs.keySet());
            this.outputName = out;
            this.outputNames = Set.of(out);
            for (int i = 0; i < threads; i++) freeBuffers.add(new OnnxInputBuffers(int32Inputs));
            long[] shape = ((TensorInfo) outputs.get(out).getInfo()).getShape();
            this.session = s;
            t = TextTokenizer.fromJson(source.tokenizerJson(), source.tokenizerLabel());
            this.tokenizer = t;
            this.dimension = shape[2] > 0 ? (int) shape[2] : probeDimension();
        } catch (OrtException e) {
            closeQuietly(s, t);
            throw new ModelLoadException("ONNX Runtime could not load " + source.onnxLabel() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(s, t);
            throw e;
        }
        this.identity = new EncoderIdentity(source.checksum(), settings.pooling(), settings.normalize(), maxLength, dimension);
        this.workers = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
            Thread th = new Thread(r, "polymath-onnx-encoder");
            th.setDaemon(true);
            return th;
        }) : null;
    }

    /** Opens {@code source} with {@code settings}; fails with {@link ModelLoadException} naming the file at fault. */
    public static OnnxSentenceEncoder open(ModelSource source, EncoderSettings settings) {
        return new OnnxSentenceEncoder(source, settings);
    }

    /** The built-in all-MiniLM-L6-v2 with default settings. */
    public static OnnxSentenceEncoder miniLm() {
        return open(ModelSource.builtinMiniLm(), EncoderSettings.defaults());
    }

    private static long positionRows(ModelSource source) {
        for (var e : source.initializerShapes().entrySet()) {
            if (e.getKey().contains("position_embeddings") && e.getValue().length == 2) return e.getValue()[0];
        }
        return -1;
    }

    private int probeDimension() throws OrtException {
        var tokens = tokenizer.encode(List.of(""), maxLength);
        float[][] holder = new float[1][];
        int[] dimHolder = new int[1];
        OnnxInputBuffers buffers = freeBuffers.remove();
        try {
            runBatch(buffers, new long[][] {tokens.ids()[0]}, new int[] {0}, holder, dimHolder);
        } finally {
            freeBuffers.add(buffers);
        }
        return dimHolder[0];
    }

    private static void closeQuietly(OrtSession s, TextTokenizer t) {
        try { if (s != null) s.close(); } catch (OrtException ignored) { /* closing after a failure */ }
        if (t != null) t.close();
    }

    @Override
    public FloatMatrix encode(List<String> texts, ProgressListener progress) {
        long start = System.nanoTime();
        int n = texts.size();
        float[] out = new float[Math.multiplyExact(n, dimension)];
        if (n == 0) return new FloatMatrix(0, dimension, out);
        TextTokenizer.Tokens tokens = tokenizer.encode(texts, maxLength);
        long[][] ids = tokens.ids();
        // Longest first: similar lengths share a batch (little padding), and an out-of-memory shows at once.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Integer.compare(ids[b].length, ids[a].length));
        // With fewer texts than workers x batch size, smaller batches keep every worker busy.
        int rowCap = Math.min(settings.batchSize(), Math.ceilDiv(n, threads));
        var bounds = new ArrayList<int[]>();
        long realTokens = 0, padded = 0;
        for (int from = 0; from < n; ) {
            int longest = ids[order[from]].length;
            int to = Math.min(n, from + Math.min(rowCap, settings.textsPerBatch(longest)));
            bounds.add(new int[] {from, to});
            padded += (long) (to - from) * longest;
            for (int k = from; k < to; k++) realTokens += ids[order[k]].length;
            from = to;
        }
        int batches = bounds.size();
        var next = new AtomicInteger();
        var done = new AtomicInteger();
        float[][] pooledHolder = {out};
        int workerCount = Math.min(threads, batches);
        Callable<Void> work = () -> {
            OnnxInputBuffers buffers = freeBuffers.take();
            try {
                int[] dimHolder = new int[1];
                for (int bi; (bi = next.getAndIncrement()) < batches; ) {
                    int from = bounds.get(bi)[0], to = bounds.get(bi)[1];
                    long[][] batch = new long[to - from][];
                    int[] rows = new int[to - from];
                    for (int k = from; k < to; k++) {
                        batch[k - from] = ids[order[k]];
                        rows[k - from] = order[k];
                    }
                    try {
                        runBatch(buffers, batch, rows, pooledHolder, dimHolder);
                    } catch (OrtException | RuntimeException e) {
                        next.set(batches); // the other workers stop after their current batch
                        if (e instanceof RuntimeException re) throw re;
                        throw new IllegalStateException("ONNX Runtime failed on a batch of " + batch.length + " texts of up to "
                                + batch[0].length + " tokens: " + e.getMessage(), e);
                    }
                    synchronized (done) {
                        progress.onProgress(done.addAndGet(to - from), n);
                    }
                }
                return null;
            } finally {
                freeBuffers.add(buffers);
            }
        };
        EncodingTasks.runAll(workers, java.util.Collections.nCopies(Math.max(workerCount, 1), work));
        if (settings.normalize()) for (int i = 0; i < n; i++) Pooler.l2Normalize(out, i * dimension, dimension);
        if (tokens.truncated() > 0) {
            LOG.log(System.Logger.Level.WARNING, "{0} of {1} texts were longer than {2} tokens (longest {3}) and were truncated",
                    tokens.truncated(), n, maxLength, tokens.longestBeforeTruncation());
        }
        stats = stats.plus(n, realTokens, padded, tokens.truncated(), tokens.longestBeforeTruncation(), batches, System.nanoTime() - start);
        return new FloatMatrix(n, dimension, out);
    }

    /**
     * Runs one batch (texts of possibly different lengths, padded here to the longest) and pools row b into
     * {@code outHolder[0]} at row {@code rows[b]}; when {@code outHolder[0]} is null only the dimension is learned.
     */
    private void runBatch(OnnxInputBuffers inputBuffers, long[][] batch, int[] rows, float[][] outHolder, int[] dimHolder) throws OrtException {
        int b = batch.length;
        int seq = inputBuffers.fill(batch);
        long[] shape = {b, seq};
        var inputs = new HashMap<String, OnnxTensor>();
        try {
            inputs.put("input_ids", inputBuffers.ids(env, shape));
            inputs.put("attention_mask", inputBuffers.mask(env, shape));
            if (hasTokenTypes) inputs.put("token_type_ids", inputBuffers.types(env, shape));
            try (OrtSession.Result result = session.run(inputs, outputNames)) {
                OnnxValue v = result.get(outputName).orElseThrow(() -> new IllegalStateException("ONNX Runtime returned no " + outputName));
                OnnxTensor t = (OnnxTensor) v;
                long[] outShape = t.getInfo().getShape();
                int dim = (int) outShape[2];
                dimHolder[0] = dim;
                if (outHolder[0] == null) return;
                FloatBuffer fb = t.getFloatBuffer();
                float[] hidden;
                if (fb.hasArray() && fb.arrayOffset() == 0 && fb.remaining() == fb.array().length) {
                    hidden = fb.array();
                } else {
                    hidden = new float[fb.remaining()];
                    fb.get(hidden);
                }
                long[] mask = new long[b * seq];
                for (int i = 0; i < b; i++) Arrays.fill(mask, i * seq, i * seq + batch[i].length, 1L);
                Pooler.pool(settings.pooling(), hidden, mask, b, seq, dim, outHolder[0], rows);
            }
        } finally {
            for (OnnxTensor t : inputs.values()) t.close();
        }
    }

    @Override
    public int dimension() { return dimension; }

    @Override
    public EncoderIdentity identity() { return identity; }

    public ModelSource source() { return source; }
    public EncoderSettings settings() { return settings; }
    /** The max length in force (the setting, or the model's default). */
    public int maxLength() { return maxLength; }
    public int threads() { return threads; }
    public TextTokenizer tokenizer() { return tokenizer; }
    public EncodeStats stats() { return stats; }

    /** A one-line description for logs and reports. */
    public String describe() {
        return source.name() + " sha256=" + source.checksum().substring(0, 12) + " dim=" + dimension + " pooling=" + settings.pooling().id()
                + " normalize=" + settings.normalize() + " maxLength=" + maxLength + " batch=" + settings.batchSize()
                + (settings.batchTokens() > 0 ? " batchTokens=" + settings.batchTokens() : "") + " threads=" + threads;
    }

    @Override
    public void close() {
        if (workers != null) workers.shutdownNow();
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("could not close ONNX session: " + e.getMessage(), e);
        } finally {
            tokenizer.close();
        }
    }
}
