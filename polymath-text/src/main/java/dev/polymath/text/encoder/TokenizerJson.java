package dev.polymath.text.encoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Facts read from a Hugging Face {@code tokenizer.json} without running it. */
public final class TokenizerJson {
    private TokenizerJson() {}

    /**
     * The number of ids the tokenizer can produce: one more than the largest id in {@code model.vocab} and
     * {@code added_tokens}. {@code label} names the file in error messages.
     */
    public static int vocabularySize(byte[] json, String label) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new ModelLoadException(label + " is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) throw new ModelLoadException(label + " is not a tokenizer.json object");
        long max = -1;
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            for (var e : vocab.properties()) max = Math.max(max, e.getValue().asLong(-1));
        } else if (vocab.isArray()) { // Unigram: [[piece, score], ...], ids are positions
            max = vocab.size() - 1L;
        } else {
            throw new ModelLoadException(label + " has no model.vocab; is it a Hugging Face tokenizer.json?");
        }
        for (JsonNode t : root.path("added_tokens")) max = Math.max(max, t.path("id").asLong(-1));
        if (max < 0) throw new ModelLoadException(label + " has an empty vocabulary");
        return Math.toIntExact(max + 1);
    }
}
