package dev.polymath.nn.mtl.suite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.polymath.core.metric.ScoreTable;
import dev.polymath.core.util.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Finished runs of a comparison on disk, so single-task baselines are trained once per (task, seed) and reused
 * by later comparisons with the same settings, and a long grid can be run in several sittings:
 * {@code <dir>/<suite>/<fingerprint>/<name>.json} with the validation and test figures, the settings, and
 * extra fields (e.g. the weight trajectory). The fingerprint hashes every setting that changes a result
 * (sizes, data seed, encoder, epochs, batch, learning rate, ...).
 */
public final class ResultStore {
    /** One run's figures; {@code extra} holds whatever else the writer stored (read back as JSON). */
    public record Entry(ScoreTable validation, ScoreTable test, JsonNode extra) {}

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Path dir;

    public ResultStore(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** A short stable hash of the settings (insertion order matters; use a fixed order). */
    public static String fingerprint(Map<String, ?> settings) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsBytes(settings));
            return HexFormat.of().formatHex(h, 0, 6);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path file(String suite, String fingerprint, String name) {
        return dir.resolve(suite).resolve(fingerprint).resolve(name.replaceAll("[^A-Za-z0-9._+()-]", "_") + ".json");
    }

    /** Where a run in progress keeps its checkpoint ({@code last.safetensors}) until its result is stored. */
    public Path checkpointDir(String suite, String fingerprint, String name) {
        return dir.resolve(suite).resolve(fingerprint).resolve("checkpoints").resolve(name.replaceAll("[^A-Za-z0-9._+()-]", "_"));
    }

    public Optional<Entry> read(String suite, String fingerprint, String name) {
        Path f = file(suite, fingerprint, name);
        if (!Files.exists(f)) return Optional.empty();
        try {
            JsonNode root = JSON.readTree(Files.readString(f));
            return Optional.of(new Entry(table("validation", root.path("validation"), f), table("test", root.path("test"), f), root.path("extra")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read stored result " + f, e);
        }
    }

    public void write(String suite, String fingerprint, String name, ScoreTable validation, ScoreTable test,
                      Map<String, ?> settings, Map<String, ?> extra) {
        var root = new LinkedHashMap<String, Object>();
        root.put("name", name);
        root.put("settings", settings);
        root.put("validation", validation == null ? null : validation.values());
        root.put("test", test.values());
        root.put("extra", extra);
        try {
            AtomicFiles.writeString(file(suite, fingerprint, name), JSON.writeValueAsString(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ScoreTable table(String label, JsonNode node, Path file) {
        if (node.isNull() || node.isMissingNode()) {
            if (label.equals("test")) throw new IllegalArgumentException(file + ": no 'test' figures");
            return null;
        }
        var b = ScoreTable.builder(label);
        node.fields().forEachRemaining(t -> t.getValue().fields().forEachRemaining(m -> {
            if (!m.getValue().isNumber()) throw new IllegalArgumentException(file + ": " + label + "." + t.getKey() + "." + m.getKey() + " is not a number");
            b.put(t.getKey(), m.getKey(), m.getValue().asDouble());
        }));
        return b.build();
    }
}
