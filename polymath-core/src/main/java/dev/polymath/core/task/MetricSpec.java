package dev.polymath.core.task;

import java.util.Objects;

/**
 * A metric a task is judged by, with its direction. {@code name} is a key of the metric registry
 * (e.g. {@code accuracy}, {@code macro-f1}, {@code f1[ironic]}, {@code spearman}).
 */
public record MetricSpec(String name, boolean higherIsBetter) {
    public MetricSpec {
        Objects.requireNonNull(name, "name");
    }

    public static MetricSpec higher(String name) { return new MetricSpec(name, true); }

    public static MetricSpec lower(String name) { return new MetricSpec(name, false); }
}
