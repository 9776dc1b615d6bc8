package dev.polymath.text.bert;

import dev.polymath.text.encoder.EncodingTasks;
import dev.polymath.text.FloatMatrix;
import dev.polymath.text.encoder.EncoderIdentity;
import dev.polymath.text.encoder.EncoderSettings;
import dev.polymath.text.encoder.ModelLoadException;
import dev.polymath.text.encoder.Precision;
import dev.polymath.text.encoder.ProgressListener;
import dev.polymath.text.encoder.SentenceEncoder;
import dev.polymath.text.encoder.TextTokenizer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link SentenceEncoder} over a (possibly fine-tuned) {@link BertModel} on DJL: tokenizes in one native call,
 * sorts by length, runs batches padded to their longest text (at most the settings' texts and padded tokens per batch), pools and normalizes as the settings say. Its
 * identity hashes the current weights, so an embedding cache never serves vectors of an older version of the
 * model. One thread at a time.
 */
public final class BertSentenceEncoder implements SentenceEncoder {
    private final BertModel model;
    /** {@code model}, then one more copy per extra worker (owned encoders with more than one thread only). */
    private final List<BertModel> workerModels;
    private final ExecutorService workers;
    private final long openedVersion;
    private final boolean ownsModel;
    private final TextTokenizer tokenizer;
    private final EncoderSettings settings;
    private final int maxLength;
    private long hashedVersion = -1;
    private String checksum;

    private BertSentenceEncoder(List<BertModel> models, boolean ownsModel, TextTokenizer tokenizer, EncoderSettings settings, int defaultMaxLength) {
        this.model = models.get(0);
        this.workerModels = List.copyOf(models);
        this.openedVersion = model.version();
        this.ownsModel = ownsModel;
        this.tokenizer = tokenizer;
        this.settings = settings;
        this.maxLength = settings.maxLength() == 0 ? defaultMaxLength : settings.maxLength();
        if (maxLength > model.config().maxPositions()) {
            throw new ModelLoadException("max length " + maxLength + " exceeds the " + model.config().maxPositions() + " positions of the model");
        }
        this.workers = models.size() > 1 ? Executors.newFixedThreadPool(models.size(), r -> {
            Thread th = new Thread(r, "polymath-bert-encoder");
            th.setDaemon(true);
            return th;
        }) : null;
    }

    /** A new model from {@code source} on the settings' threads (PyTorch intra-op), owned (closed) by the encoder; it may be trained. */
    public static BertSentenceEncoder open(BertSource source, EncoderSettings settings) {
        return open(source, settings, 1, settings.effectiveThreads());
    }

    /**
     * For inference only: with n threads the encoder holds n copies of the model and runs n batches side by side, one
     * PyTorch thread each, as the ONNX encoder does (MiniLM-sized matrices keep one core busy better than they split
     * over two). PyTorch's thread count is per process and set by its first user, so call this before anything else in
     * the process uses PyTorch with more threads. If {@link #model()} is trained or given adapters anyway, the encoder
     * falls back to that one model.
     */
    public static BertSentenceEncoder openForInference(BertSource source, EncoderSettings settings) {
        return open(source, settings, settings.effectiveThreads(), 1);
    }

    private static BertSentenceEncoder open(BertSource source, EncoderSettings settings, int copies, int threadsEach) {
        var models = new ArrayList<BertModel>();
        try {
            for (int i = 0; i < copies; i++) models.add(source.newModel(threadsEach));
            return new BertSentenceEncoder(models, true, TextTokenizer.fromJson(source.tokenizerJson(), source.tokenizerLabel()),
                    settings, source.defaultMaxLength());
        } catch (RuntimeException e) {
            models.forEach(BertModel::close);
            throw e;
        }
    }

    /** Encodes with {@code model} (not closed by the encoder: keep training it, the identity follows). */
    public static BertSentenceEncoder over(BertModel model, BertSource source, EncoderSettings settings) {
        return new BertSentenceEncoder(List.of(model), false, TextTokenizer.fromJson(source.tokenizerJson(), source.tokenizerLabel()),
                settings, source.defaultMaxLength());
    }

    @Override
    public FloatMatrix encode(List<String> texts, ProgressListener progress) {
        int n = texts.size(), dim = dimension();
        float[] out = new float[Math.multiplyExact(n, dim)];
        if (n == 0) return new FloatMatrix(0, dim, out);
        long[][] ids = tokenize(texts);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Integer.compare(ids[b].length, ids[a].length));
        // The copies hold the weights as opened: once the first model is trained (or has adapters), only it is used.
        List<BertModel> usable = model.version() == openedVersion && !model.hasLora() ? workerModels : List.of(model);
        var bounds = new ArrayList<int[]>();
        int rowCap = Math.min(settings.batchSize(), Math.ceilDiv(n, usable.size())); // small inputs: a batch for every worker
        for (int from = 0, to; from < n; from = to) {
            to = Math.min(n, from + Math.min(rowCap, settings.textsPerBatch(ids[order[from]].length))); // longest first
            bounds.add(new int[] {from, to});
        }
        var next = new AtomicInteger();
        var done = new AtomicInteger();
        int workerCount = Math.min(usable.size(), bounds.size());
        var tasks = new ArrayList<Callable<Void>>();
        for (int w = 0; w < workerCount; w++) {
            BertModel m = usable.get(w);
            tasks.add(() -> {
                for (int b; (b = next.getAndIncrement()) < bounds.size(); ) {
                    int from = bounds.get(b)[0], to = bounds.get(b)[1];
                    long[][] batch = new long[to - from][];
                    for (int k = from; k < to; k++) batch[k - from] = ids[order[k]];
                    float[] v;
                    try {
                        v = m.encode(batch, settings.pooling(), settings.normalize(), settings.precision());
                    } catch (RuntimeException e) {
                        next.set(bounds.size()); // the other workers stop after their current batch
                        throw e;
                    }
                    for (int k = from; k < to; k++) System.arraycopy(v, (k - from) * dim, out, order[k] * dim, dim);
                    synchronized (done) {
                        progress.onProgress(done.addAndGet(to - from), n);
                    }
                }
                return null;
            });
        }
        EncodingTasks.runAll(workers, tasks);
        return new FloatMatrix(n, dim, out);
    }

    /** Token ids of {@code texts} (special tokens added, truncated to the max length). */
    public long[][] tokenize(List<String> texts) {
        return tokenizer.encode(texts, maxLength).ids();
    }

    @Override
    public int dimension() {
        return model.config().hiddenSize();
    }

    @Override
    public EncoderIdentity identity() {
        // bf16 vectors differ slightly from float32 ones: a cache must keep them apart.
        String id = settings.precision() == Precision.FP32 ? checksum() : checksum() + "-" + settings.precision().id();
        return new EncoderIdentity(id, settings.pooling(), settings.normalize(), maxLength, dimension());
    }

    /** SHA-256 of the current weights (adapters merged) as little-endian float32 in name order, prefixed {@code djl-bert-}. */
    public synchronized String checksum() {
        if (checksum == null || hashedVersion != model.version()) {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                for (var e : new java.util.TreeMap<>(model.exportWeights().tensors()).entrySet()) {
                    md.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    float[] d = e.getValue().data();
                    ByteBuffer b = ByteBuffer.allocate(d.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    b.asFloatBuffer().put(d);
                    md.update(b.array());
                }
                checksum = "djl-bert-" + HexFormat.of().formatHex(md.digest());
                hashedVersion = model.version();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return checksum;
    }

    public BertModel model() { return model; }
    public TextTokenizer tokenizer() { return tokenizer; }
    public EncoderSettings settings() { return settings; }
    public int maxLength() { return maxLength; }

    @Override
    public void close() {
        try {
            if (workers != null) workers.shutdownNow();
            tokenizer.close();
        } finally {
            if (ownsModel) workerModels.forEach(BertModel::close);
        }
    }
}
