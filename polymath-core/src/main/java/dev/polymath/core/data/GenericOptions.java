package dev.polymath.core.data;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.MetricSpec;
import dev.polymath.core.task.Target;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Field (JSONL) or column (CSV) names for the generic loaders {@link JsonlLoader} and {@link CsvLoader}.
 *
 * @param textField  the input text (required)
 * @param pairField  a second input text for sentence-pair tasks, or null
 * @param labelField the target: a class label (classification), a number (regression), several labels
 *                   (multi-label: a JSON array, or in CSV a {@code ;}-separated list), or one or more reference
 *                   outputs (generation: a string or a JSON array)
 * @param kind       the kind of task built
 */
public record GenericOptions(String textField, String pairField, String labelField, TaskKind kind) {

    public GenericOptions {
        Objects.requireNonNull(textField, "textField");
        Objects.requireNonNull(labelField, "labelField");
        Objects.requireNonNull(kind, "kind");
        if (kind == TaskKind.TAGGING || kind == TaskKind.MULTIPLE_CHOICE) {
            throw new IllegalArgumentException("the generic loaders build classification, multi-label, regression"
                    + " or generation tasks, not " + kind.id());
        }
    }

    /** {@code text} and {@code label}, classification. */
    public static GenericOptions defaults() {
        return new GenericOptions("text", null, "label", TaskKind.CLASSIFICATION);
    }

    public GenericOptions withText(String field) { return new GenericOptions(field, pairField, labelField, kind); }
    public GenericOptions withPair(String field) { return new GenericOptions(textField, field, labelField, kind); }
    public GenericOptions withLabel(String field) { return new GenericOptions(textField, pairField, field, kind); }
    public GenericOptions withKind(TaskKind k) { return new GenericOptions(textField, pairField, labelField, k); }

    /** Default metrics of a kind: accuracy + macro-F1, macro-F1, spearman + pearson + mse, exact-match. */
    public List<MetricSpec> metrics() {
        return switch (kind) {
            case CLASSIFICATION -> List.of(MetricSpec.higher("accuracy"), MetricSpec.higher("macro-f1"));
            case MULTI_LABEL -> List.of(MetricSpec.higher("macro-f1"));
            case REGRESSION -> List.of(MetricSpec.higher("spearman"), MetricSpec.higher("pearson"), MetricSpec.lower("mse"));
            default -> List.of(MetricSpec.higher("exact-match"));
        };
    }

    /** Builds one example from raw values; {@code targets} holds one value, or several for a list. */
    Example example(Path file, long line, String id, String text, String pair, List<String> targets, boolean isList) {
        Target target = switch (kind) {
            case CLASSIFICATION -> {
                if (isList || targets.size() != 1) {
                    throw new DataFormatException(file, line, labelField, "expected one class label, got a list");
                }
                if (targets.get(0).isBlank()) throw new DataFormatException(file, line, labelField, "empty label");
                yield new Target.Label(targets.get(0).strip());
            }
            case MULTI_LABEL -> new Target.Labels(new LinkedHashSet<>(targets.stream().map(String::strip)
                    .filter(s -> !s.isEmpty()).toList()));
            case REGRESSION -> {
                if (isList || targets.size() != 1) throw new DataFormatException(file, line, labelField, "expected a number, got a list");
                try {
                    yield new Target.Score(Double.parseDouble(targets.get(0).strip()));
                } catch (NumberFormatException e) {
                    throw new DataFormatException(file, line, labelField, "not a number: '" + targets.get(0) + "'");
                }
            }
            default -> {
                if (targets.isEmpty()) throw new DataFormatException(file, line, labelField, "no reference output");
                yield new Target.Text(targets);
            }
        };
        List<String> texts = pair == null ? List.of(text) : List.of(text, pair);
        return new Example(id, texts, null, List.of(), target, Map.of());
    }

    /** Builds a task from its splits; classification and multi-label labels are sorted. */
    Task task(String name, Map<String, List<Example>> splits, String description) {
        var b = Task.builder(name, kind).metrics(metrics()).category(name).instruction(description);
        if (kind == TaskKind.CLASSIFICATION || kind == TaskKind.MULTI_LABEL) {
            var labels = new TreeSet<String>();
            for (var l : splits.values()) {
                for (Example e : l) {
                    if (e.target() instanceof Target.Label x) labels.add(x.label());
                    if (e.target() instanceof Target.Labels x) labels.addAll(x.labels());
                }
            }
            b.labels(new ArrayList<>(labels));
        }
        return LoaderSupport.splits(b, splits).build();
    }
}
