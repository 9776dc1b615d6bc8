package dev.polymath.text.bert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polymath.text.encoder.BuiltinEncoder;
import dev.polymath.text.encoder.ModelLoadException;
import dev.polymath.text.encoder.ModelSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Everything needed to build a trainable {@link BertModel} and its tokenizer:
 * <ul>
 *   <li>a {@linkplain BuiltinEncoder built-in} name ({@code minilm}, {@code bge-small}): its weights read from the ONNX
 *       export in the langchain4j jar (the very bytes the ONNX encoder runs);</li>
 *   <li>a Hugging Face folder with {@code config.json}, {@code tokenizer.json} and {@code model.safetensors}
 *       (or a sharded index, or any single {@code .safetensors}; else {@code model.onnx}); a folder written by
 *       {@link BertCheckpoint#save} is one.</li>
 * </ul>
 */
public record BertSource(String name, BertConfig config, BertWeights weights, byte[] tokenizerJson,
                         String tokenizerLabel, int defaultMaxLength) {

    /** This model with other weights (same architecture and tokenizer), named after them ({@code name+label}). */
    public BertSource withWeights(BertWeights w) {
        return new BertSource(name + "+" + w.label(), config, w, tokenizerJson, tokenizerLabel, defaultMaxLength);
    }

    public static BertSource resolve(String spec) {
        if (spec == null || spec.isBlank()) throw new IllegalArgumentException("no model given; use " + BuiltinEncoder.names() + " or a Hugging Face model folder");
        var builtin = BuiltinEncoder.find(spec);
        return builtin.isPresent() ? builtin(builtin.get()) : fromFolder(Path.of(spec.trim()));
    }

    /** all-MiniLM-L6-v2 from the ONNX export on the class path. */
    public static BertSource builtinMiniLm() {
        return builtin(BuiltinEncoder.MINILM);
    }

    /** A built-in encoder from the ONNX export on the class path. */
    public static BertSource builtin(BuiltinEncoder b) {
        ModelSource src = ModelSource.builtin(b);
        BertConfig c = BertConfig.miniLmL6().withLayers(b.layers());
        BertWeights w = BertWeights.fromOnnx(src.onnxBytes(), src.onnxLabel()).validate(c);
        return new BertSource(b.name(), c, w, src.tokenizerJson(), src.tokenizerLabel(), src.defaultMaxLength());
    }

    public static BertSource fromFolder(Path folder) {
        Path dir = folder.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) throw new ModelLoadException("model folder " + dir + " does not exist or is not a folder (use " + BuiltinEncoder.names() + " for a built-in encoder)");
        Path config = dir.resolve("config.json");
        if (!Files.isRegularFile(config)) throw new ModelLoadException("model folder " + dir + " has no config.json");
        Path tokenizer = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizer)) throw new ModelLoadException("model folder " + dir + " has no tokenizer.json");
        BertConfig c = BertConfig.read(config);
        BertWeights w;
        if (hasSafetensors(dir)) {
            w = BertWeights.fromSafetensors(dir);
        } else {
            Path onnx = Files.isRegularFile(dir.resolve("model.onnx")) ? dir.resolve("model.onnx") : dir.resolve("onnx").resolve("model.onnx");
            if (!Files.isRegularFile(onnx)) {
                throw new ModelLoadException("model folder " + dir + " has no model.safetensors (nor model.onnx)"
                        + (Files.exists(dir.resolve("pytorch_model.bin")) ? "; it has pytorch_model.bin, which cannot be read here: re-save it with"
                        + " model.save_pretrained(folder, safe_serialization=True)" : ""));
            }
            try {
                w = BertWeights.fromOnnx(Files.readAllBytes(onnx), onnx.toString());
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + onnx + ": " + e.getMessage(), e);
            }
        }
        w.validate(c);
        int maxLen = Math.min(512, c.maxPositions());
        Path sbert = dir.resolve("sentence_bert_config.json");
        if (Files.isRegularFile(sbert)) {
            try {
                JsonNode s = new ObjectMapper().readTree(sbert.toFile());
                if (s.hasNonNull("max_seq_length")) maxLen = Math.min(c.maxPositions(), s.get("max_seq_length").asInt());
            } catch (IOException e) {
                throw new ModelLoadException(sbert + " is not valid JSON: " + e.getMessage(), e);
            }
        }
        try {
            return new BertSource(dir.toString(), c, w, Files.readAllBytes(tokenizer), tokenizer.toString(), Math.max(2, maxLen));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + tokenizer + ": " + e.getMessage(), e);
        }
    }

    private static boolean hasSafetensors(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".safetensors") || n.equals("model.safetensors.index.json");
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A model with these weights on the PyTorch engine. */
    public BertModel newModel(int threads) {
        return BertModel.create(config, weights, threads);
    }
}
