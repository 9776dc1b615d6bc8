package dev.polymath.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.polymath.core.task.Example;
import dev.polymath.core.task.MetricSpec;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import dev.polymath.core.task.TaskSuite;
import org.apache.commons.csv.CSVFormat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * BANKING77: one 77-way intent task {@code banking77}, labels in {@code categories.json} order.
 * Splits: {@code train} (10003, {@code train.csv}) and {@code test} (3080, {@code test.csv}), read as RFC-4180 CSV
 * with header {@code text,category}. When {@code dnnc_splits/} is present: {@code train_5}/{@code train_10}
 * (5/10 per intent), and {@code dnnc_train}/{@code dnnc_validation}/{@code dnnc_test} (8622/1540/3080; the
 * DNNC split of the original train into train + a held-out validation; its texts are lower-cased).
 * There is no {@code validation} split: the official data has none; use {@code dnnc_train} +
 * {@code dnnc_validation} when a validation set disjoint from training is needed.
 */
public final class Banking77Loader {
    private Banking77Loader() {}

    public static final String NAME = "banking77";
    static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();

    public static TaskSuite load() {
        return load(DataPaths.locate(NAME));
    }

    public static List<String> categories(Path dir) {
        Path file = DataFiles.require(dir.resolve("categories.json"));
        JsonNode root = DataFiles.readJson(file);
        if (!root.isArray()) throw new DataFormatException(file, 0, "json", "expected an array of category names");
        var out = new ArrayList<String>();
        for (JsonNode n : root) {
            if (!n.isTextual()) throw new DataFormatException(file, 0, "json", "expected category names, got " + n);
            out.add(n.asText());
        }
        return out;
    }

    public static TaskSuite load(Path dir) {
        List<String> labels = categories(dir);
        var known = new HashSet<>(labels);
        var splits = new LinkedHashMap<String, List<Example>>();
        splits.put(Task.TRAIN, readCsv(DataFiles.require(dir.resolve("train.csv")), Task.TRAIN, known));
        splits.put(Task.TEST, readCsv(DataFiles.require(dir.resolve("test.csv")), Task.TEST, known));
        Path dnnc = dir.resolve("dnnc_splits");
        String[][] extra = {{"train_5", "train_5"}, {"train_10", "train_10"}, {"train", "dnnc_train"},
                {"valid", "dnnc_validation"}, {"test", "dnnc_test"}};
        for (String[] e : extra) {
            Path d = dnnc.resolve(e[0]);
            if (!FolderLayoutLoader.isSplitFolder(d)) continue;
            for (var row : FolderLayoutLoader.readRows(d, false)) {
                if (!known.contains(row.label())) {
                    throw new DataFormatException(DataFiles.require(d.resolve(FolderLayoutLoader.LABEL)), row.line(),
                            FolderLayoutLoader.LABEL, "unknown category '" + row.label() + "' (not in categories.json)");
                }
            }
            splits.put(e[1], FolderLayoutLoader.readIntents(d, e[1]));
        }
        var task = LoaderSupport.splits(Task.builder(NAME, TaskKind.CLASSIFICATION)
                .labels(labels)
                .instruction("Classify the intent of the online-banking customer query (77 intents).")
                .category("banking")
                .metrics(MetricSpec.higher("accuracy"), MetricSpec.higher("macro-f1")), splits).build();
        return new TaskSuite(NAME, "BANKING77: fine-grained intent detection for online-banking queries, 77 intents",
                List.of(task));
    }

    static List<Example> readCsv(Path file, String split, java.util.Set<String> known) {
        var header = LoaderSupport.header(file, FORMAT);
        for (String col : List.of("text", "category")) {
            if (!header.contains(col)) {
                throw new DataFormatException(file, 1, col, "missing column in the header " + header);
            }
        }
        var out = new ArrayList<Example>();
        LoaderSupport.forEachRecord(file, FORMAT, (line, rec) -> {
            String text = LoaderSupport.column(file, line, rec, "text", false);
            String cat = LoaderSupport.column(file, line, rec, "category", false).strip();
            if (!known.contains(cat)) {
                throw new DataFormatException(file, line, "category", "unknown category '" + cat + "' (not in categories.json)");
            }
            out.add(Example.classification(split + ":" + out.size(), text, cat));
        });
        return out;
    }
}
