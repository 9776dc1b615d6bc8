package dev.polymath.nn.meta.icl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.polymath.core.util.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Shape of a general-purpose in-context learner: tokens are {@code (x_t, onehot(y_{t-1}))} with
 * {@code x_t} of width {@code inputDim} and {@code labels} classes; a pre-LN causal transformer of
 * {@code layers} blocks, width {@code dModel}, {@code heads} attention heads, feed-forward width {@code ffn},
 * learned positions up to {@code maxLength} tokens.
 */
public record IclModelConfig(int inputDim, int labels, int dModel, int layers, int heads, int ffn, int maxLength) {
    public static final String FORMAT = "polymath-gpicl-1";

    public IclModelConfig {
        positive("inputDim", inputDim);
        positive("labels", labels);
        positive("dModel", dModel);
        positive("layers", layers);
        positive("heads", heads);
        positive("ffn", ffn);
        positive("maxLength", maxLength);
        if (labels < 2) throw new IllegalArgumentException("labels must be >= 2, got " + labels);
        if (dModel % heads != 0) throw new IllegalArgumentException("dModel " + dModel + " is not divisible by heads " + heads);
    }

    private static void positive(String name, int v) {
        if (v <= 0) throw new IllegalArgumentException(name + " must be > 0, got " + v);
    }

    /** Width of one input token. */
    public int tokenDim() {
        return inputDim + labels;
    }

    public String describe() {
        return "causal pre-LN transformer: " + layers + " layers, d_model " + dModel + ", " + heads + " heads, ffn " + ffn
                + ", tokens (x[" + inputDim + "], onehot(y_prev)[" + labels + "]), up to " + maxLength + " tokens";
    }

    /** Writes {@code config.json} atomically. */
    public void write(Path file) {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("format", FORMAT);
        n.put("input_dim", inputDim);
        n.put("labels", labels);
        n.put("d_model", dModel);
        n.put("layers", layers);
        n.put("heads", heads);
        n.put("ffn", ffn);
        n.put("max_length", maxLength);
        try {
            byte[] bytes = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
            AtomicFiles.write(file, out -> out.write(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static IclModelConfig read(Path file) {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!FORMAT.equals(n.path("format").asText())) {
            throw new IllegalArgumentException(file + ": field 'format' is '" + n.path("format").asText() + "', expected '" + FORMAT + "'");
        }
        return new IclModelConfig(field(file, n, "input_dim"), field(file, n, "labels"), field(file, n, "d_model"),
                field(file, n, "layers"), field(file, n, "heads"), field(file, n, "ffn"), field(file, n, "max_length"));
    }

    private static int field(Path file, JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || !v.canConvertToInt()) throw new IllegalArgumentException(file + ": field '" + name + "' is missing or not an integer");
        return v.asInt();
    }
}
