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
 * CoLA (not bundled: no open licence). One binary task {@code cola}, labels {@code unacceptable} (0) and
 * {@code acceptable} (1). TAB-separated, no header: source, label, original annotation, sentence. Splits:
 * {@code train} = in_domain_train (8551), {@code validation} = in_domain_dev (527), {@code validation_ood} =
 * out_of_domain_dev (516). There is no test split: CoLA's test labels are not public.
 *
 * <p>CoLA's official metric is the Matthews correlation coefficient, which the metric registry does not have
 * yet; the task is scored by {@code accuracy} and {@code macro-f1} until it does.
 */
public final class ColaLoader {
    private ColaLoader() {}

    public static final String NAME = "cola";
    public static final String VALIDATION_OOD = "validation_ood";
    public static final List<String> LABELS = List.of("unacceptable", "acceptable");

    public static TaskSuite load() {
        return load(DataPaths.locate(NAME));
    }

    public static TaskSuite load(Path dir) {
        var b = Task.builder(NAME, TaskKind.CLASSIFICATION)
                .labels(LABELS)
                .instruction("Decide whether the sentence is grammatically acceptable English.")
                .category("acceptability")
                .metrics(MetricSpec.higher("accuracy"), MetricSpec.higher("macro-f1"));
        b.split(Task.TRAIN, read(DataFiles.require(dir.resolve("in_domain_train.tsv")), Task.TRAIN));
        b.split(Task.VALIDATION, read(DataFiles.require(dir.resolve("in_domain_dev.tsv")), Task.VALIDATION));
        b.split(VALIDATION_OOD, read(DataFiles.require(dir.resolve("out_of_domain_dev.tsv")), VALIDATION_OOD));
        return new TaskSuite(NAME, "CoLA: Corpus of Linguistic Acceptability, binary grammaticality judgements",
                List.of(b.build()));
    }

    static List<Example> read(Path file, String split) {
        var out = new ArrayList<Example>();
        DataFiles.forEachLine(file, (line, text) -> {
            if (text.isBlank()) return;
            String[] f = text.split("\t", -1);
            if (f.length < 4) {
                String[] names = {"source", "label", "annotation", "sentence"};
                throw new DataFormatException(file, line, names[f.length], "missing (line has " + f.length
                        + " TAB-separated fields, need 4)");
            }
            String label = switch (f[1].strip()) {
                case "0" -> LABELS.get(0);
                case "1" -> LABELS.get(1);
                default -> throw new DataFormatException(file, line, "label", "expected 0 or 1, got '" + f[1] + "'");
            };
            out.add(Example.classification(split + ":" + out.size(), f[3], label).withMeta(Map.of("source", f[0])));
        });
        return out;
    }
}
