package dev.polymath.text.bert;

import dev.polymath.core.safetensors.DType;
import dev.polymath.core.safetensors.SafetensorsWriter;
import dev.polymath.core.util.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves a {@link BertModel} as a Hugging Face / sentence-transformers folder: {@code model.safetensors} (F32,
 * {@code BertModel} parameter names, adapters merged, {@code format=pt} metadata), {@code config.json},
 * {@code tokenizer.json}, and the sentence-transformers files ({@code modules.json},
 * {@code sentence_bert_config.json}, {@code 1_Pooling/config.json}) for mean pooling + normalization. The folder
 * is built next to the target and published in one rename. {@link BertSource#fromFolder} reads it back, and so do
 * {@code transformers.AutoModel.from_pretrained} and {@code sentence_transformers.SentenceTransformer}.
 */
public final class BertCheckpoint {
    private BertCheckpoint() {}

    public static final String WEIGHTS_FILE = SafetensorsWriter.SINGLE_FILE;

    /** Writes the model (adapters merged) with {@code tokenizerJson} into {@code dir}, replacing it if it exists. */
    public static void save(BertModel model, byte[] tokenizerJson, int maxSeqLength, Path dir) {
        save(model.exportWeights(), model.config(), tokenizerJson, maxSeqLength, dir);
    }

    public static void save(BertWeights weights, BertConfig config, byte[] tokenizerJson, int maxSeqLength, Path dir) {
        save(weights, config, tokenizerJson, maxSeqLength, dir, Map.of());
    }

    /**
     * As {@link #save(BertWeights, BertConfig, byte[], int, Path)}, plus text files ({@code name -> content}, e.g. a
     * provenance record) written into the folder before it is published, so they appear with the weights or not at all.
     */
    public static void save(BertWeights weights, BertConfig config, byte[] tokenizerJson, int maxSeqLength, Path dir, Map<String, String> extraFiles) {
        weights.validate(config);
        for (String name : extraFiles.keySet()) {
            if (files().contains(name) || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
                throw new IllegalArgumentException("extra checkpoint file '" + name + "' would clash with the folder's own files or leave it");
            }
        }
        var tensors = new ArrayList<SafetensorsWriter.Tensor>();
        for (var e : weights.tensors().entrySet()) {
            tensors.add(SafetensorsWriter.Tensor.ofFloats(e.getKey(), DType.F32, e.getValue().shape(), e.getValue().data()));
        }
        Path abs = dir.toAbsolutePath().normalize();
        Path staging = abs.resolveSibling("." + abs.getFileName() + ".partial");
        try {
            AtomicFiles.deleteRecursively(staging);
            Files.createDirectories(staging);
            SafetensorsWriter.write(staging.resolve(WEIGHTS_FILE), tensors, Map.of("format", "pt", "producer", "polymath"));
            write(staging.resolve("config.json"), config.toJson());
            Files.write(staging.resolve("tokenizer.json"), tokenizerJson);
            write(staging.resolve("sentence_bert_config.json"), "{\n  \"max_seq_length\": " + maxSeqLength + ",\n  \"do_lower_case\": false\n}\n");
            write(staging.resolve("modules.json"), """
                    [
                      {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                      {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                      {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}
                    ]
                    """);
            Files.createDirectories(staging.resolve("1_Pooling"));
            write(staging.resolve("1_Pooling").resolve("config.json"), "{\n  \"word_embedding_dimension\": " + config.hiddenSize()
                    + ",\n  \"pooling_mode_cls_token\": false,\n  \"pooling_mode_mean_tokens\": true,\n"
                    + "  \"pooling_mode_max_tokens\": false,\n  \"pooling_mode_mean_sqrt_len_tokens\": false\n}\n");
            Files.createDirectories(staging.resolve("2_Normalize"));
            for (var e : extraFiles.entrySet()) write(staging.resolve(e.getKey()), e.getValue());
            AtomicFiles.publishDirectory(staging, abs);
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the model to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Writes the adapters alone ({@code <module>.lora_A.weight}, {@code .lora_B.weight}) to a safetensors file. */
    public static void saveAdapters(BertModel model, Path file) {
        if (!model.hasLora()) throw new IllegalStateException("the model has no LoRA adapters");
        var tensors = new ArrayList<SafetensorsWriter.Tensor>();
        for (var e : model.loraTensors().entrySet()) {
            tensors.add(SafetensorsWriter.Tensor.ofFloats(e.getKey(), DType.F32, e.getValue().shape(), e.getValue().data()));
        }
        var meta = new LinkedHashMap<String, String>();
        meta.put("format", "pt");
        meta.put("lora_rank", Integer.toString(model.loraConfig().rank()));
        meta.put("lora_alpha", Double.toString(model.loraConfig().alpha()));
        SafetensorsWriter.write(file, tensors, meta);
    }

    private static void write(Path p, String s) throws IOException {
        Files.writeString(p, s, StandardCharsets.UTF_8);
    }

    /** The file names a saved folder holds (for messages and tests). */
    public static List<String> files() {
        return List.of(WEIGHTS_FILE, "config.json", "tokenizer.json", "sentence_bert_config.json", "modules.json", "1_Pooling/config.json");
    }
}
