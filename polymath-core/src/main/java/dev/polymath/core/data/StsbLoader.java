package dev.polymath.core.data;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.MetricSpec;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import dev.polymath.core.task.TaskSuite;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * STS Benchmark: one sentence-pair regression task {@code stsb} (similarity 0..5), metrics {@code spearman}
 * (primary) and {@code pearson}. Files {@code sts-{train,dev,test}.csv[.gz]} are TAB-separated without header
 * or quoting (genre, file, year, id, score, sentence1, sentence2[, extra fields]); columns 5-7 are used and extra
 * trailing fields are ignored. Splits train/validation/test = 5749/1500/1379. Meta {@code genre}.
 */
public final class StsbLoader {
    private StsbLoader() {}

    public static final String NAME = "stsb";

    public static TaskSuite load() {
        return load(DataPaths.locate(NAME));
    }

    public static TaskSuite load(Path dir) {
        var b = Task.builder(NAME, TaskKind.REGRESSION)
                .instruction("Rate how similar in meaning the two sentences are, from 0 (unrelated) to 5 (equivalent).")
                .category("similarity")
                .metrics(MetricSpec.higher("spearman"), MetricSpec.higher("pearson"));
        String[][] splits = {{"train", Task.TRAIN}, {"dev", Task.VALIDATION}, {"test", Task.TEST}};
        for (String[] s : splits) b.split(s[1], read(DataFiles.require(dir.resolve("sts-" + s[0] + ".csv")), s[1]));
        return new TaskSuite(NAME, "STS Benchmark: sentence-pair semantic similarity, scores 0-5", List.of(b.build()));
    }

    static List<Example> read(Path file, String split) {
        var out = new ArrayList<Example>();
        DataFiles.forEachLine(file, (line, text) -> {
            if (text.isBlank()) return;
            String[] f = text.split("\t", -1);
            if (f.length < 7) {
                String[] names = {"genre", "file", "year", "id", "score", "sentence1", "sentence2"};
                throw new DataFormatException(file, line, names[f.length], "missing (line has " + f.length
                        + " TAB-separated fields, need 7)");
            }
            double score;
            try {
                score = Double.parseDouble(f[4].strip());
            } catch (NumberFormatException e) {
                throw new DataFormatException(file, line, "score", "not a number: '" + f[4] + "'");
            }
            if (!(score >= 0 && score <= 5)) throw new DataFormatException(file, line, "score", "outside 0..5: " + score);
            out.add(Example.pair(split + ":" + out.size(), f[5], f[6], score).withMeta(Map.of("genre", f[0])));
        });
        return out;
    }
}
