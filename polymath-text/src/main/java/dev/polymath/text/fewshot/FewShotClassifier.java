package dev.polymath.text.fewshot;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.polymath.core.run.CodeVersion;
import dev.polymath.core.safetensors.DType;
import dev.polymath.core.safetensors.SafetensorsFile;
import dev.polymath.core.safetensors.SafetensorsWriter;
import dev.polymath.core.util.AtomicFiles;
import dev.polymath.text.FloatMatrix;
import dev.polymath.text.encoder.EncoderIdentity;
import dev.polymath.text.encoder.SentenceEncoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fitted few-shot text classifier: a method's head over a sentence encoder's embeddings, with one immutable
 * {@link LabelIndex}. Saved as a folder: {@code config.json} (method, labels, encoder identity, settings) and
 * {@code head.safetensors} (the head's tensors), written atomically.
 */
public final class FewShotClassifier {
    public static final String CONFIG = "config.json";
    public static final String HEAD = "head.safetensors";

    private final FewShotMethod method;
    private final LabelIndex index;
    private final FittedHead head;
    private final EncoderIdentity encoder;
    private final String model;

    private FewShotClassifier(FewShotMethod method, LabelIndex index, FittedHead head, EncoderIdentity encoder, String model) {
        this.method = method;
        this.index = index;
        this.head = head;
        this.encoder = encoder;
        this.model = model;
    }

    /**
     * Fits {@code method} on labelled support texts. {@code pool} (unlabelled texts, may be empty) feeds the
     * methods that use one; {@code model} names the encoder for the saved config (e.g. {@code minilm}).
     */
    public static FewShotClassifier fit(SentenceEncoder enc, String model, FewShotMethod method, List<String> texts,
                                        List<String> labels, List<String> pool, long seed) {
        if (texts.size() != labels.size()) throw new IllegalArgumentException(texts.size() + " support texts but " + labels.size() + " labels");
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null || texts.get(i).isBlank()) throw new IllegalArgumentException("support example " + i + " has an empty text");
        }
        if (texts.isEmpty() && !method.zeroShot()) {
            throw new IllegalArgumentException("method " + method.name() + " needs labelled examples; the support set is empty");
        }
        LabelIndex index = LabelIndex.of(labels);
        if (index.size() < 2) {
            throw new IllegalArgumentException("the support set has a single class '" + (index.size() == 1 ? index.label(0) : "")
                    + "'; a classifier needs at least 2");
        }
        FloatMatrix poolEmb = method.usesPool() && !pool.isEmpty() ? enc.encode(pool) : null;
        return fit(enc, model, method, index, texts.isEmpty() ? null : enc.encode(texts), index.indicesOf(labels), poolEmb, seed);
    }

    /** Zero-shot: only the label names (or descriptions) are known. */
    public static FewShotClassifier fitLabels(SentenceEncoder enc, String model, List<String> labelNames) {
        LabelIndex index = LabelIndex.of(labelNames);
        if (index.size() < 2) throw new IllegalArgumentException("zero-shot classification needs at least 2 labels, got " + index.size());
        return fit(enc, model, new ZeroShotMethod(), index, null, new int[0], null, 0);
    }

    /** Fits on embeddings already computed (the evaluation harness embeds each text once). */
    public static FewShotClassifier fit(SentenceEncoder enc, String model, FewShotMethod method, LabelIndex index, FloatMatrix support,
                                 int[] labels, FloatMatrix pool, long seed) {
        FloatMatrix labelEmb = method.needsLabelEmbeddings() ? enc.encode(Support.describe(index)) : null;
        var head = method.fit(new Support(support, labels, index, labelEmb, method.usesPool() ? pool : null, seed));
        return new FewShotClassifier(method, index, head, enc.identity(), model);
    }

    public FewShotMethod method() { return method; }
    public LabelIndex labels() { return index; }
    public EncoderIdentity encoder() { return encoder; }
    public String model() { return model; }
    FittedHead head() { return head; }

    /** Class probabilities per text, columns in {@link #labels()} order. */
    public double[][] predictProba(SentenceEncoder enc, List<String> texts) {
        checkEncoder(enc);
        return head.probabilities(enc.encode(texts));
    }

    public double[][] predictProba(FloatMatrix embeddings) {
        return head.probabilities(embeddings);
    }

    public List<String> predict(SentenceEncoder enc, List<String> texts) {
        return labelsOf(predictProba(enc, texts));
    }

    public List<String> predict(FloatMatrix embeddings) {
        return labelsOf(head.probabilities(embeddings));
    }

    private List<String> labelsOf(double[][] p) {
        var out = new ArrayList<String>(p.length);
        for (double[] row : p) out.add(index.label(Softmax.argmax(row)));
        return out;
    }

    private void checkEncoder(SentenceEncoder enc) {
        if (!enc.identity().equals(encoder)) {
            throw new IllegalArgumentException("this classifier was fitted on encoder " + encoder.describe()
                    + " but is being used with " + enc.identity().describe());
        }
    }

    /** Writes {@code dir} atomically (a crash leaves the previous folder, or none). */
    public void save(Path dir) {
        save(dir, staging -> {});
    }

    /** Writes more files into the folder before it is published (e.g. a fine-tuned encoder). */
    @FunctionalInterface
    interface Extra {
        void write(Path staging) throws IOException;
    }

    void save(Path dir, Extra extra) {
        Path abs = dir.toAbsolutePath().normalize();
        Path staging = abs.resolveSibling("." + abs.getFileName() + ".partial");
        try {
            AtomicFiles.deleteRecursively(staging);
            Files.createDirectories(staging);
            var tensors = new ArrayList<SafetensorsWriter.Tensor>();
            head.tensors().forEach((name, t) -> tensors.add(SafetensorsWriter.Tensor.ofFloats(name, DType.F32, t.shape(), t.values())));
            SafetensorsWriter.write(staging.resolve(HEAD), tensors, Map.of("format", "polymath-fewshot"));
            var cfg = new LinkedHashMap<String, Object>();
            cfg.put("method", method.name());
            cfg.put("labels", index.labels());
            var e = new LinkedHashMap<String, Object>();
            e.put("model", model);
            e.put("sha256", encoder.modelChecksum());
            e.put("pooling", encoder.pooling().id());
            e.put("normalize", encoder.normalize());
            e.put("max_length", encoder.maxLength());
            e.put("dimension", encoder.dimension());
            cfg.put("encoder", e);
            cfg.put("settings", head.settings());
            cfg.put("polymath_version", CodeVersion.current());
            AtomicFiles.writeString(staging.resolve(CONFIG),
                    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(cfg));
            extra.write(staging);
            AtomicFiles.publishDirectory(staging, abs);
        } catch (IOException ex) {
            throw new UncheckedIOException("could not save few-shot classifier to " + dir + ": " + ex.getMessage(), ex);
        }
    }

    /** Reads a folder written by {@link #save}; {@code encoder} must be the identity it was fitted with. */
    @SuppressWarnings("unchecked")
    public static FewShotClassifier load(Path dir, EncoderIdentity encoder) {
        Path cfgFile = dir.resolve(CONFIG);
        if (!Files.isRegularFile(cfgFile)) throw new dev.polymath.core.data.MissingDataException("no " + CONFIG + " in " + dir + " (not a saved few-shot classifier)");
        Map<String, Object> cfg;
        try {
            cfg = new ObjectMapper().readValue(cfgFile.toFile(), Map.class);
        } catch (IOException e) {
            throw new dev.polymath.core.data.DataFormatException(cfgFile, 0, "", "not valid JSON: " + e.getMessage(), e);
        }
        String methodName = field(cfg, "method", String.class, cfgFile);
        List<String> labels = field(cfg, "labels", List.class, cfgFile);
        Map<String, Object> enc = field(cfg, "encoder", Map.class, cfgFile);
        Map<String, Object> settings = field(cfg, "settings", Map.class, cfgFile);
        java.util.Objects.requireNonNull(encoder, "encoder identity");
        if (!encoder.modelChecksum().equals(enc.get("sha256")) || !encoder.pooling().id().equals(enc.get("pooling"))
                || !Boolean.valueOf(encoder.normalize()).equals(enc.get("normalize"))) {
            throw new IllegalArgumentException(dir + " was fitted with encoder sha256=" + enc.get("sha256") + " pooling="
                    + enc.get("pooling") + " normalize=" + enc.get("normalize") + ", not the one given (" + encoder.describe() + ")");
        }
        var tensors = new LinkedHashMap<String, FittedHead.Tensor>();
        try (var f = SafetensorsFile.open(dir.resolve(HEAD))) {
            for (var t : f.tensors().values()) {
                long n = t.numel();
                float[] v = new float[(int) n];
                f.readFloats(t, 0, v, 0, (int) n);
                tensors.put(t.name(), new FittedHead.Tensor(t.shape(), v));
            }
        }
        FewShotMethod m = FewShotMethods.get(methodName);
        var index = LabelIndex.of(labels);
        if (!index.labels().equals(labels)) throw new dev.polymath.core.data.DataFormatException(cfgFile, 0, "labels", "labels are not sorted and distinct");
        return new FewShotClassifier(m, index, m.load(tensors, settings), encoder, String.valueOf(enc.get("model")));
    }

    /** The encoder model named in a saved classifier's config (so the CLI can open the right encoder). */
    @SuppressWarnings("unchecked")
    public static String savedModel(Path dir) {
        try {
            Map<String, Object> cfg = new ObjectMapper().readValue(dir.resolve(CONFIG).toFile(), Map.class);
            Object enc = cfg.get("encoder");
            return enc instanceof Map<?, ?> m ? String.valueOf(m.get("model")) : "minilm";
        } catch (IOException e) {
            throw new dev.polymath.core.data.DataFormatException(dir.resolve(CONFIG), 0, "", "not readable: " + e.getMessage(), e);
        }
    }

    private static <T> T field(Map<String, Object> cfg, String name, Class<T> type, Path file) {
        Object v = cfg.get(name);
        if (!type.isInstance(v)) throw new dev.polymath.core.data.DataFormatException(file, 0, name, "missing or not a " + type.getSimpleName());
        return type.cast(v);
    }
}
