package dev.polymath.text.encoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Where a BERT-family sentence encoder comes from: the ONNX graph, its tokenizer.json, and what the folder's
 * config says. Two kinds:
 * <ul>
 *   <li>a {@linkplain BuiltinEncoder built-in} name ({@code minilm}, {@code bge-small}): the ONNX graph and tokenizer
 *       shipped as class-path resources in a langchain4j embeddings jar; nothing is downloaded.</li>
 *   <li>a local Hugging Face folder with {@code tokenizer.json} and {@code model.onnx} (or {@code onnx/model.onnx}),
 *       optionally {@code config.json} and {@code sentence_bert_config.json}.</li>
 * </ul>
 * {@link #validate()} checks that every id the tokenizer can produce has a row in the model's word-embedding table.
 */
public final class ModelSource {
    public static final String MINILM = "minilm";

    private final String name;
    private final byte[] onnx;
    private final String onnxLabel;
    private final byte[] tokenizerJson;
    private final String tokenizerLabel;
    private final Integer configVocabSize;
    private final String configLabel;
    private final int defaultMaxLength;
    private volatile String checksum;
    private volatile Map<String, long[]> initializerShapes;

    ModelSource(String name, byte[] onnx, String onnxLabel, byte[] tokenizerJson, String tokenizerLabel,
                Integer configVocabSize, String configLabel, int defaultMaxLength) {
        this.name = name;
        this.onnx = onnx;
        this.onnxLabel = onnxLabel;
        this.tokenizerJson = tokenizerJson;
        this.tokenizerLabel = tokenizerLabel;
        this.configVocabSize = configVocabSize;
        this.configLabel = configLabel;
        this.defaultMaxLength = defaultMaxLength;
    }

    /** A built-in name ({@code minilm}, {@code bge-small}) or a folder path. */
    public static ModelSource resolve(String spec) {
        if (spec == null || spec.isBlank()) throw new IllegalArgumentException("no model given; " + BuiltinEncoder.hint() + " or give a Hugging Face model folder");
        var builtin = BuiltinEncoder.find(spec);
        return builtin.isPresent() ? builtin(builtin.get()) : fromFolder(Path.of(spec.trim()));
    }

    /** all-MiniLM-L6-v2 from the langchain4j jar on the class path. */
    public static ModelSource builtinMiniLm() {
        return builtin(BuiltinEncoder.MINILM);
    }

    /** A built-in encoder from its jar on the class path. */
    public static ModelSource builtin(BuiltinEncoder b) {
        return new ModelSource(b.name(), resource(b.onnx(), b), "classpath:" + b.onnx(), resource(b.tokenizer(), b),
                "classpath:" + b.tokenizer(), null, null, b.maxLength());
    }

    private static byte[] resource(String name, BuiltinEncoder b) {
        ClassLoader cl = ModelSource.class.getClassLoader();
        try (InputStream in = cl.getResourceAsStream(name)) {
            if (in == null) {
                throw new ModelLoadException("built-in model resource '" + name + "' of '" + b.name() + "' is not on the class path; "
                        + "it ships in " + b.artifact() + " (a dependency of polymath-text)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read class-path resource " + name + ": " + e.getMessage(), e);
        }
    }

    /** A local Hugging Face model folder. */
    public static ModelSource fromFolder(Path folder) {
        Path dir = folder.toAbsolutePath().normalize();
        if (!Files.exists(dir)) throw new ModelLoadException("model folder " + dir + " does not exist (" + BuiltinEncoder.hint() + ")");
        if (!Files.isDirectory(dir)) throw new ModelLoadException("model " + dir + " is not a folder; expected a Hugging Face model folder with tokenizer.json and model.onnx");
        Path tokenizer = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizer)) {
            String hint = Files.exists(dir.resolve("vocab.txt")) ? " (it has vocab.txt; save the fast tokenizer with tokenizer.save_pretrained() to get tokenizer.json)" : "";
            throw new ModelLoadException("model folder " + dir + " has no tokenizer.json" + hint);
        }
        Path onnxFile = dir.resolve("model.onnx");
        if (!Files.isRegularFile(onnxFile) && Files.isRegularFile(dir.resolve("onnx").resolve("model.onnx"))) {
            onnxFile = dir.resolve("onnx").resolve("model.onnx");
        }
        if (!Files.isRegularFile(onnxFile)) {
            boolean st = Files.exists(dir.resolve("model.safetensors")) || Files.exists(dir.resolve("pytorch_model.bin"));
            throw new ModelLoadException("model folder " + dir + " has no model.onnx (nor onnx/model.onnx)"
                    + (st ? "; it has PyTorch/safetensors weights, which this ONNX Runtime encoder cannot run: export the model to ONNX first"
                          + " (e.g. optimum-cli export onnx --model <folder> <out>)" : ""));
        }
        Integer vocab = null;
        String configLabel = null;
        int maxLen = 512;
        Path config = dir.resolve("config.json");
        ObjectMapper om = new ObjectMapper();
        if (Files.isRegularFile(config)) {
            configLabel = config.toString();
            JsonNode c = readJson(om, config);
            if (c.hasNonNull("vocab_size")) vocab = c.get("vocab_size").asInt();
            if (c.hasNonNull("max_position_embeddings")) maxLen = Math.min(512, c.get("max_position_embeddings").asInt());
        }
        Path sbert = dir.resolve("sentence_bert_config.json");
        if (Files.isRegularFile(sbert)) {
            JsonNode s = readJson(om, sbert);
            if (s.hasNonNull("max_seq_length")) maxLen = s.get("max_seq_length").asInt();
        }
        try {
            return new ModelSource(dir.toString(), Files.readAllBytes(onnxFile), onnxFile.toString(),
                    Files.readAllBytes(tokenizer), tokenizer.toString(), vocab, configLabel, Math.max(2, maxLen));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read model files in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode readJson(ObjectMapper om, Path p) {
        try {
            return om.readTree(p.toFile());
        } catch (IOException e) {
            throw new ModelLoadException(p + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Checks that the tokenizer's ids fit the model's word-embedding table, read from the ONNX initializer
     * {@code *word_embeddings*} or, when the graph does not name it, config.json's {@code vocab_size}.
     *
     * @return the number of embedding rows checked against, or -1 when neither source tells it
     */
    public long validate() {
        int tokVocab = TokenizerJson.vocabularySize(tokenizerJson, tokenizerLabel);
        long rows = OnnxInitializers.wordEmbeddingRows(initializerShapes());
        String rowsFrom = onnxLabel + " (word_embeddings initializer)";
        if (rows < 0 && configVocabSize != null) {
            rows = configVocabSize;
            rowsFrom = configLabel + " (vocab_size)";
        }
        if (rows >= 0 && tokVocab > rows) {
            throw new ModelLoadException("vocabulary mismatch: " + tokenizerLabel + " produces token ids up to " + (tokVocab - 1)
                    + " (" + tokVocab + " tokens) but " + rowsFrom + " has only " + rows
                    + " embedding rows; the tokenizer does not belong to this model");
        }
        return rows;
    }

    Map<String, long[]> initializerShapes() {
        if (initializerShapes == null) initializerShapes = OnnxInitializers.shapes(onnx);
        return initializerShapes;
    }

    /** SHA-256 of the ONNX bytes, lower-case hex. */
    public String checksum() {
        String c = checksum;
        if (c == null) {
            try {
                c = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(onnx));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            checksum = c;
        }
        return c;
    }

    public String name() { return name; }
    public byte[] onnxBytes() { return onnx; }
    public String onnxLabel() { return onnxLabel; }
    public byte[] tokenizerJson() { return tokenizerJson; }
    public String tokenizerLabel() { return tokenizerLabel; }
    public int defaultMaxLength() { return defaultMaxLength; }

    @Override
    public String toString() {
        return name + " (" + onnxLabel + ")";
    }
}
