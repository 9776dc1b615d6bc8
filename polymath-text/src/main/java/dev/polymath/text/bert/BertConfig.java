package dev.polymath.text.bert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.polymath.text.encoder.ModelLoadException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The shape of a BERT encoder, with Hugging Face's {@code config.json} field names. Only the GELU activation
 * (exact, erf-based) and absolute position embeddings are supported.
 *
 * @param hiddenDropout    dropout after the embeddings and each sub-layer, applied only in training forwards
 * @param attentionDropout dropout on the attention probabilities, applied only in training forwards
 */
public record BertConfig(int vocabSize, int hiddenSize, int numLayers, int numHeads, int intermediateSize,
                         int maxPositions, int typeVocabSize, double layerNormEps,
                         double hiddenDropout, double attentionDropout) {

    public BertConfig {
        if (vocabSize < 1 || hiddenSize < 1 || numLayers < 0 || numHeads < 1 || intermediateSize < 1 || maxPositions < 2 || typeVocabSize < 1) {
            throw new IllegalArgumentException("invalid BERT configuration " + this);
        }
        if (hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("hidden size " + hiddenSize + " is not a multiple of the " + numHeads + " attention heads");
        }
        if (!(layerNormEps > 0)) throw new IllegalArgumentException("layer_norm_eps must be > 0, got " + layerNormEps);
        if (hiddenDropout < 0 || hiddenDropout >= 1 || attentionDropout < 0 || attentionDropout >= 1) {
            throw new IllegalArgumentException("dropout probabilities must be in [0, 1)");
        }
    }

    /** all-MiniLM-L6-v2 (the bundled ONNX export's shapes; see REFERENCE.md). */
    public static BertConfig miniLmL6() {
        return new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12, 0.1, 0.1);
    }

    public int headSize() {
        return hiddenSize / numHeads;
    }

    public BertConfig withLayers(int layers) {
        return new BertConfig(vocabSize, hiddenSize, layers, numHeads, intermediateSize, maxPositions, typeVocabSize,
                layerNormEps, hiddenDropout, attentionDropout);
    }

    public BertConfig withDropout(double hidden, double attention) {
        return new BertConfig(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxPositions, typeVocabSize,
                layerNormEps, hidden, attention);
    }

    /** Reads a Hugging Face {@code config.json}; refuses non-BERT activations and position embeddings. */
    public static BertConfig read(Path configJson) {
        JsonNode c;
        try {
            c = new ObjectMapper().readTree(configJson.toFile());
        } catch (IOException e) {
            throw new ModelLoadException("could not read " + configJson + ": " + e.getMessage(), e);
        }
        if (c == null || !c.isObject()) throw new ModelLoadException(configJson + " is not a JSON object");
        String type = c.path("model_type").asText("bert");
        if (!type.equals("bert")) {
            throw new ModelLoadException(configJson + ": model_type '" + type + "' is not supported; the trainable encoder implements BERT");
        }
        String act = c.path("hidden_act").asText("gelu");
        if (!act.equals("gelu")) {
            throw new ModelLoadException(configJson + ": hidden_act '" + act + "' is not supported (only 'gelu', the exact erf form)");
        }
        String pos = c.path("position_embedding_type").asText("absolute");
        if (!pos.equals("absolute")) {
            throw new ModelLoadException(configJson + ": position_embedding_type '" + pos + "' is not supported (only 'absolute')");
        }
        try {
            return new BertConfig(
                    required(c, "vocab_size", configJson), required(c, "hidden_size", configJson),
                    required(c, "num_hidden_layers", configJson), required(c, "num_attention_heads", configJson),
                    required(c, "intermediate_size", configJson), c.path("max_position_embeddings").asInt(512),
                    c.path("type_vocab_size").asInt(2), c.path("layer_norm_eps").asDouble(1e-12),
                    c.path("hidden_dropout_prob").asDouble(0.1), c.path("attention_probs_dropout_prob").asDouble(0.1));
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(configJson + ": " + e.getMessage(), e);
        }
    }

    private static int required(JsonNode c, String field, Path file) {
        JsonNode n = c.get(field);
        if (n == null || !n.canConvertToInt()) throw new ModelLoadException(file + ": missing or non-integer '" + field + "'");
        return n.asInt();
    }

    /** A Hugging Face {@code config.json} for {@code BertModel} with these shapes. */
    public String toJson() {
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode o = om.createObjectNode();
        o.putArray("architectures").add("BertModel");
        o.put("attention_probs_dropout_prob", attentionDropout);
        o.put("classifier_dropout", (String) null);
        o.put("gradient_checkpointing", false);
        o.put("hidden_act", "gelu");
        o.put("hidden_dropout_prob", hiddenDropout);
        o.put("hidden_size", hiddenSize);
        o.put("initializer_range", 0.02);
        o.put("intermediate_size", intermediateSize);
        o.put("layer_norm_eps", layerNormEps);
        o.put("max_position_embeddings", maxPositions);
        o.put("model_type", "bert");
        o.put("num_attention_heads", numHeads);
        o.put("num_hidden_layers", numLayers);
        o.put("pad_token_id", 0);
        o.put("position_embedding_type", "absolute");
        o.put("torch_dtype", "float32");
        o.put("type_vocab_size", typeVocabSize);
        o.put("use_cache", true);
        o.put("vocab_size", vocabSize);
        try {
            return om.writeValueAsString(o) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
