package dev.polymath.core.task;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A named task with its data and the metadata every method needs: what kind of answer it wants, its label
 * set (in a fixed order, so label indices are stable), an instruction, a category (for held-out-category
 * splits) and the metrics it is judged by, the first being primary.
 *
 * @param splits split name (train, validation, test, ...) to examples, in file order
 */
public record Task(String name, TaskKind kind, List<String> labels, String instruction, String category,
                   List<MetricSpec> metrics, Map<String, List<Example>> splits) {

    public static final String TRAIN = "train";
    public static final String VALIDATION = "validation";
    public static final String TEST = "test";

    public Task {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        labels = List.copyOf(labels);
        instruction = instruction == null ? "" : instruction;
        category = category == null ? "" : category;
        metrics = List.copyOf(metrics);
        if (metrics.isEmpty()) throw new IllegalArgumentException("task " + name + " declares no metric");
        var copy = new LinkedHashMap<String, List<Example>>();
        splits.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        splits = Collections.unmodifiableMap(copy);
    }

    public MetricSpec primaryMetric() {
        return metrics.get(0);
    }

    /** Examples of one split; an unknown split name lists the known ones. */
    public List<Example> split(String split) {
        var examples = splits.get(split);
        if (examples == null) {
            throw new IllegalArgumentException("task '" + name + "' has no split '" + split + "'; it has "
                    + splits.keySet());
        }
        return examples;
    }

    public boolean hasSplit(String split) {
        return splits.containsKey(split);
    }

    /** Index of a label in {@link #labels()}; an unknown label is an error naming the task. */
    public int labelIndex(String label) {
        int i = labels.indexOf(label);
        if (i < 0) {
            throw new IllegalArgumentException("task '" + name + "' has no label '" + label + "' (it has "
                    + labels.size() + " labels)");
        }
        return i;
    }

    /** Examples of a split grouped by class label, classes in label-set order, examples in file order. */
    public Map<String, List<Example>> byLabel(String split) {
        var grouped = new LinkedHashMap<String, List<Example>>();
        for (String l : labels) grouped.put(l, new ArrayList<>());
        for (Example e : split(split)) {
            grouped.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(e);
        }
        return grouped;
    }

    public int size(String split) {
        return splits.containsKey(split) ? splits.get(split).size() : 0;
    }

    /** Same task with different splits (e.g. after subsampling or held-out splitting). */
    public Task withSplits(Map<String, List<Example>> newSplits) {
        return new Task(name, kind, labels, instruction, category, metrics, newSplits);
    }

    public Task withName(String newName) {
        return new Task(newName, kind, labels, instruction, category, metrics, splits);
    }

    public Task withCategory(String newCategory) {
        return new Task(name, kind, labels, instruction, newCategory, metrics, splits);
    }

    /** Builder for loaders, which add examples split by split. */
    public static Builder builder(String name, TaskKind kind) {
        return new Builder(name, kind);
    }

    public static final class Builder {
        private final String name;
        private final TaskKind kind;
        private List<String> labels = List.of();
        private String instruction = "";
        private String category = "";
        private List<MetricSpec> metrics = List.of();
        private final Map<String, List<Example>> splits = new LinkedHashMap<>();

        private Builder(String name, TaskKind kind) {
            this.name = name;
            this.kind = kind;
        }

        public Builder labels(List<String> labels) { this.labels = labels; return this; }
        public Builder instruction(String instruction) { this.instruction = instruction; return this; }
        public Builder category(String category) { this.category = category; return this; }
        public Builder metrics(MetricSpec... metrics) { this.metrics = List.of(metrics); return this; }
        public Builder metrics(List<MetricSpec> metrics) { this.metrics = metrics; return this; }
        public Builder split(String split, List<Example> examples) { splits.put(split, examples); return this; }

        /** Builds; when no label set was given for a classification task, labels are collected in first-seen order. */
        public Task build() {
            var ls = labels;
            if (ls.isEmpty() && (kind == TaskKind.CLASSIFICATION || kind == TaskKind.MULTI_LABEL
                    || kind == TaskKind.TAGGING)) {
                var seen = new java.util.LinkedHashSet<String>();
                for (var examples : splits.values()) {
                    for (Example e : examples) {
                        switch (e.target()) {
                            case Target.Label l -> seen.add(l.label());
                            case Target.Labels l -> seen.addAll(new java.util.TreeSet<>(l.labels()));
                            case Target.Tags t -> seen.addAll(t.tags());
                            case null, default -> { }
                        }
                    }
                }
                ls = new ArrayList<>(seen);
            }
            return new Task(name, kind, ls, instruction, category, metrics, splits);
        }
    }
}
