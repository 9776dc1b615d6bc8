package dev.polymath.merge;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.polymath.core.data.DataFormatException;
import dev.polymath.core.safetensors.DType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The supported subset of a mergekit YAML config: {@code merge_method}, {@code base_model},
 * {@code models[].model} with optional {@code parameters}, global {@code parameters}, {@code dtype} and
 * {@code out_dtype}. Model references are paths (a .safetensors file or a model folder), relative to the
 * config file's folder. {@code slices}/{@code modules} and Hugging Face repository ids are refused clearly.
 */
public record MergeConfig(Path source, String mergeMethod, ModelRef baseModel, List<ModelEntry> models,
                          Map<String, ParamSetting> parameters, DType dtype, DType outDtype) {

    public record ModelRef(String reference, Path path) {}

    public record ModelEntry(ModelRef model, Map<String, ParamSetting> parameters) {}

    private static final Set<String> KNOWN = Set.of("merge_method", "base_model", "models", "parameters", "dtype", "out_dtype",
            "tokenizer_source", "tokenizer", "chat_template", "name");

    public static MergeConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            if (e instanceof java.nio.file.NoSuchFileException) {
                throw new dev.polymath.core.data.MissingDataException("merge config " + file.toAbsolutePath() + " does not exist");
            }
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file);
    }

    public static MergeConfig parse(String yaml, Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (JacksonException e) {
            throw new DataFormatException(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(), null, "not valid YAML: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) throw new DataFormatException(file, 0, null, "a merge config must be a YAML mapping");
        Path dir = file == null ? Path.of("") : file.toAbsolutePath().getParent();
        for (var it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (k.equals("slices") || k.equals("modules")) throw new DataFormatException(file, 0, k, "'" + k + "' configs are not supported yet; list the models under 'models:'");
            if (!KNOWN.contains(k)) throw new DataFormatException(file, 0, k, "unknown key (supported: merge_method, base_model, models, parameters, dtype, out_dtype)");
        }
        JsonNode m = root.get("merge_method");
        if (m == null || !m.isTextual()) throw new DataFormatException(file, 0, "merge_method", "missing or not a string");
        ModelRef base = root.hasNonNull("base_model") ? ref(root.get("base_model"), dir, file, "base_model") : null;
        JsonNode ms = root.get("models");
        if (ms == null || !ms.isArray() || ms.isEmpty()) throw new DataFormatException(file, 0, "models", "missing or empty: list the models to merge");
        var models = new ArrayList<ModelEntry>();
        int i = 0;
        for (JsonNode e : ms) {
            String w = "models[" + i++ + "]";
            if (!e.isObject() || !e.has("model")) throw new DataFormatException(file, 0, w, "each entry needs 'model'");
            for (var it = e.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!k.equals("model") && !k.equals("parameters")) throw new DataFormatException(file, 0, w + "." + k, "unknown key (expected model, parameters)");
            }
            models.add(new ModelEntry(ref(e.get("model"), dir, file, w + ".model"), params(e.get("parameters"), file, w + ".parameters")));
        }
        return new MergeConfig(file, m.textValue(), base, List.copyOf(models), params(root.get("parameters"), file, "parameters"),
                dtype(root.get("dtype"), file, "dtype"), dtype(root.get("out_dtype"), file, "out_dtype"));
    }

    private static ModelRef ref(JsonNode n, Path dir, Path file, String where) {
        if (!n.isTextual() || n.textValue().isBlank()) throw new DataFormatException(file, 0, where, "must be a path to a .safetensors file or model folder");
        String s = n.textValue();
        Path p = dir.resolve(s).normalize();
        if (!Files.exists(p)) {
            String hint = s.matches("[\\w.-]+/[\\w.-]+") && !s.endsWith(".safetensors")
                    ? " (Hugging Face repository ids are not downloaded; give a local path)" : "";
            throw new DataFormatException(file, 0, where, "no model at " + p + hint);
        }
        return new ModelRef(s, p);
    }

    private static Map<String, ParamSetting> params(JsonNode n, Path file, String where) {
        var out = new LinkedHashMap<String, ParamSetting>();
        if (n == null || n.isNull()) return out;
        if (!n.isObject()) throw new DataFormatException(file, 0, where, "must be a mapping of parameter names to values");
        for (var it = n.fields(); it.hasNext(); ) {
            var e = it.next();
            try {
                out.put(e.getKey(), ParamSetting.parse(e.getValue(), where + "." + e.getKey()));
            } catch (IllegalArgumentException ex) {
                throw new DataFormatException(file, 0, where + "." + e.getKey(), ex.getMessage());
            }
        }
        return out;
    }

    private static DType dtype(JsonNode n, Path file, String where) {
        if (n == null || n.isNull()) return null;
        try {
            DType d = DType.parseLenient(n.asText());
            if (!d.isFloatWritable()) throw new IllegalArgumentException("dtype " + d + " cannot be a merge dtype (use float32, float16 or bfloat16)");
            return d;
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(file, 0, where, e.getMessage());
        }
    }
}
