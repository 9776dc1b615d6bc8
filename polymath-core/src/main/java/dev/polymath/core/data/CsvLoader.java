package dev.polymath.core.data;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import org.apache.commons.csv.CSVFormat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generic CSV loader for users' own data: RFC-4180 CSV (or TSV with {@code delimiter '\t'}) with a header line,
 * the text / pair / label columns named by {@link GenericOptions}. Multi-label targets are {@code ;}-separated.
 * Files may be gzip-compressed. A column missing from the header is reported at line 1; a record without
 * that field at its own line.
 */
public final class CsvLoader {
    private CsvLoader() {}

    static CSVFormat format(char delimiter) {
        return CSVFormat.RFC4180.builder().setDelimiter(delimiter).setHeader().setSkipHeaderRecord(true)
                .setIgnoreEmptyLines(true).get();
    }

    public static List<Example> read(Path file, String split, GenericOptions o) {
        return read(file, split, o, file.toString().matches(".*\\.tsv(\\.gz)?$") ? '\t' : ',');
    }

    public static List<Example> read(Path file, String split, GenericOptions o, char delimiter) {
        CSVFormat fmt = format(delimiter);
        var header = LoaderSupport.header(file, fmt);
        var needed = new ArrayList<String>(List.of(o.textField(), o.labelField()));
        if (o.pairField() != null) needed.add(1, o.pairField());
        for (String col : needed) {
            if (!header.contains(col)) throw new DataFormatException(file, 1, col, "no such column in the header " + header);
        }
        var out = new ArrayList<Example>();
        LoaderSupport.forEachRecord(file, fmt, (line, rec) -> {
            String text = LoaderSupport.column(file, line, rec, o.textField(), true);
            String pair = o.pairField() == null ? null : LoaderSupport.column(file, line, rec, o.pairField(), true);
            String target = LoaderSupport.column(file, line, rec, o.labelField(), o.kind() != dev.polymath.core.task.TaskKind.CLASSIFICATION);
            boolean list = o.kind() == dev.polymath.core.task.TaskKind.MULTI_LABEL;
            List<String> targets = list ? List.of(target.split(";")) : List.of(target);
            out.add(o.example(file, line, split + ":" + out.size(), text, pair, targets, list));
        });
        return out;
    }

    /** A task from several files, one per split (map order kept). */
    public static Task load(String name, Map<String, Path> splitFiles, GenericOptions o) {
        var splits = new LinkedHashMap<String, List<Example>>();
        splitFiles.forEach((split, file) -> splits.put(split, read(DataFiles.require(file), split, o)));
        return o.task(name, splits, "");
    }

    /** A task from one file; the split is named after the file ({@code train.csv} → train, else test). */
    public static Task load(Path file, GenericOptions o) {
        String ext = file.toString().matches(".*\\.tsv(\\.gz)?$") ? ".tsv" : ".csv";
        return load(stem(file, ext), Map.of(splitOf(file, ext), file), o);
    }

    static String stem(Path file, String ext) {
        String base = DataFiles.baseName(file);
        return base.endsWith(ext) ? base.substring(0, base.length() - ext.length()) : base;
    }

    /** train/valid/test-like stems map to split names; anything else is {@code test}. */
    static String splitOf(Path file, String ext) {
        String split = FolderLayoutLoader.splitName(stem(file, ext));
        return List.of(Task.TRAIN, Task.VALIDATION, Task.TEST).contains(split) ? split : Task.TEST;
    }
}
