package dev.polymath.core.metric;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Metric values per task and metric name, e.g. a model's test results or a single-task baseline: task →
 * (metric → value), both in insertion order. {@code label} says whose values these are ("single-task
 * baseline", "multi-task") and appears in error messages.
 */
public record ScoreTable(String label, Map<String, Map<String, Double>> values) {

    public ScoreTable {
        Objects.requireNonNull(label, "label");
        var copy = new LinkedHashMap<String, Map<String, Double>>();
        values.forEach((t, m) -> copy.put(t, Collections.unmodifiableMap(new LinkedHashMap<>(m))));
        values = Collections.unmodifiableMap(copy);
    }

    /** The value of one task's metric; a missing entry is an error naming the table, task and metric. */
    public double value(String task, String metric) {
        var perTask = values.get(task);
        if (perTask == null) {
            throw new IllegalArgumentException(label + " has no values for task '" + task + "' (it has tasks " + values.keySet() + ")");
        }
        Double v = perTask.get(metric);
        if (v == null) {
            throw new IllegalArgumentException(label + " has no value for task '" + task + "' metric '" + metric
                    + "' (it has " + perTask.keySet() + ")");
        }
        return v;
    }

    public static Builder builder(String label) {
        return new Builder(label);
    }

    public static final class Builder {
        private final String label;
        private final Map<String, Map<String, Double>> values = new LinkedHashMap<>();

        private Builder(String label) {
            this.label = label;
        }

        public Builder put(String task, String metric, double value) {
            values.computeIfAbsent(task, k -> new LinkedHashMap<>()).put(metric, value);
            return this;
        }

        /** All metrics of one task, e.g. the output of {@link TaskEvaluator#evaluate}. */
        public Builder putAll(String task, Map<String, Double> metrics) {
            values.computeIfAbsent(task, k -> new LinkedHashMap<>()).putAll(metrics);
            return this;
        }

        public ScoreTable build() {
            return new ScoreTable(label, values);
        }
    }
}
