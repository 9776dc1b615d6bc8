package dev.polymath.text.bert;

import dev.polymath.text.FloatMatrix;
import dev.polymath.text.encoder.EncoderIdentity;
import dev.polymath.text.encoder.EncoderSettings;
import dev.polymath.text.encoder.ModelLoadException;
import dev.polymath.text.encoder.ProgressListener;
import dev.polymath.text.encoder.SentenceEncoder;
import dev.polymath.text.encoder.TextTokenizer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A {@link SentenceEncoder} over a (possibly fine-tuned) {@link BertModel} on DJL: tokenizes in one native call,
 * sorts by length, runs batches padded to their longest text, pools and normalizes as the settings say. Its
 * identity hashes the current weights, so an embedding cache never serves vectors of an older version of the
 * model. One thread at a time.
 */
public final class BertSentenceEncoder implements SentenceEncoder {
    private final BertModel model;
    private final boolean ownsModel;
    private final TextTokenizer tokenizer;
    private final EncoderSettings settings;
    private final int maxLength;
    private long hashedVersion = -1;
    private String checksum;

    private BertSentenceEncoder(BertModel model, boolean ownsModel, TextTokenizer tokenizer, EncoderSettings settings, int defaultMaxLength) {
        this.model = model;
        this.ownsModel = ownsModel;
        this.tokenizer = tokenizer;
        this.settings = settings;
        this.maxLength = settings.maxLength() == 0 ? defaultMaxLength : settings.maxLength();
        if (maxLength > model.config().maxPositions()) {
            throw new ModelLoadException("max length " + maxLength + " exceeds the " + model.config().maxPositions() + " positions of the model");
        }
    }

    /** A new model from {@code source}, owned (closed) by the encoder. */
    public static BertSentenceEncoder open(BertSource source, EncoderSettings settings) {
        BertModel m = source.newModel(settings.effectiveThreads());
        try {
            return new BertSentenceEncoder(m, true, TextTokenizer.fromJson(source.tokenizerJson(), source.tokenizerLabel()),
                    settings, source.defaultMaxLength());
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Encodes with {@code model} (not closed by the encoder: keep training it, the identity follows). */
    public static BertSentenceEncoder over(BertModel model, BertSource source, EncoderSettings settings) {
        return new BertSentenceEncoder(model, false, TextTokenizer.fromJson(source.tokenizerJson(), source.tokenizerLabel()),
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
        int bs = settings.batchSize();
        for (int from = 0; from < n; from += bs) {
            int to = Math.min(n, from + bs);
            long[][] batch = new long[to - from][];
            for (int k = from; k < to; k++) batch[k - from] = ids[order[k]];
            float[] v = model.encode(batch, settings.pooling(), settings.normalize());
            for (int k = from; k < to; k++) System.arraycopy(v, (k - from) * dim, out, order[k] * dim, dim);
            progress.onProgress(to, n);
        }
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
        return new EncoderIdentity(checksum(), settings.pooling(), settings.normalize(), maxLength, dimension());
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
            tokenizer.close();
        } finally {
            if (ownsModel) model.close();
        }
    }
}
