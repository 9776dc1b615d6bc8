package dev.polymath.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generic JSON Lines loader for users' own data: one JSON object per line (blank lines skipped), with
 * configurable text / pair / label field names ({@link GenericOptions}). Field names may be dotted paths
 * into nested objects ({@code meta.label}). Files may be gzip-compressed. Errors name file, line and field.
 */
public final class JsonlLoader {
    private JsonlLoader() {}

    /** Examples of one file, ids {@code split:index}. */
    public static List<Example> read(Path file, String split, GenericOptions o) {
        var out = new ArrayList<Example>();
        DataFiles.forEachLine(file, (line, text) -> {
            if (text.isBlank()) return;
            JsonNode node = DataFiles.readJsonLine(file, line, text);
            if (!node.isObject()) throw new DataFormatException(file, line, "json", "expected a JSON object per line");
            String t = value(file, line, node, o.textField());
            String p = o.pairField() == null ? null : value(file, line, node, o.pairField());
            JsonNode target = path(node, o.labelField());
            if (target == null || target.isNull()) throw new DataFormatException(file, line, o.labelField(), "missing");
            var targets = new ArrayList<String>();
            if (target.isArray()) {
                for (JsonNode v : target) {
                    if (!v.isValueNode()) throw new DataFormatException(file, line, o.labelField(), "expected scalar values in the list");
                    targets.add(v.asText());
                }
            } else if (target.isValueNode()) {
                targets.add(target.asText());
            } else {
                throw new DataFormatException(file, line, o.labelField(), "expected a value or a list, got an object");
            }
            out.add(o.example(file, line, split + ":" + out.size(), t, p, targets, target.isArray()));
        });
        return out;
    }

    /** A task from several files, one per split (map order kept). */
    public static Task load(String name, Map<String, Path> splitFiles, GenericOptions o) {
        var splits = new LinkedHashMap<String, List<Example>>();
        splitFiles.forEach((split, file) -> splits.put(split, read(DataFiles.require(file), split, o)));
        return o.task(name, splits, "");
    }

    /** A task from one file; the split is named after the file ({@code train.jsonl} → train, else test). */
    public static Task load(Path file, GenericOptions o) {
        String split = CsvLoader.splitOf(file, ".jsonl");
        String name = CsvLoader.stem(file, ".jsonl");
        return load(name, Map.of(split, file), o);
    }

    private static JsonNode path(JsonNode node, String field) {
        JsonNode cur = node.get(field);
        if (cur != null || !field.contains(".")) return cur;
        cur = node;
        for (String part : field.split("\\.")) {
            cur = cur == null ? null : cur.get(part);
        }
        return cur;
    }

    private static String value(Path file, long line, JsonNode node, String field) {
        JsonNode v = path(node, field);
        if (v == null || v.isNull()) throw new DataFormatException(file, line, field, "missing");
        if (!v.isValueNode()) throw new DataFormatException(file, line, field, "expected a string, got " + v.getNodeType());
        return v.asText();
    }
}
