package dev.polymath.core.task;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/** The gold answer of an {@link Example}; one record per {@link TaskKind}. */
public sealed interface Target {

    TaskKind kind();

    /** Single class label. */
    record Label(String label) implements Target {
        public Label { Objects.requireNonNull(label, "label"); }
        public TaskKind kind() { return TaskKind.CLASSIFICATION; }
    }

    /** Several labels at once. */
    record Labels(Set<String> labels) implements Target {
        public Labels { labels = Set.copyOf(labels); }
        public TaskKind kind() { return TaskKind.MULTI_LABEL; }
    }

    /** A real-valued score (e.g. STS-B similarity 0..5). */
    record Score(double value) implements Target {
        public TaskKind kind() { return TaskKind.REGRESSION; }
    }

    /** One tag per input token (e.g. BIO slot tags). */
    record Tags(List<String> tags) implements Target {
        public Tags { tags = List.copyOf(tags); }
        public TaskKind kind() { return TaskKind.TAGGING; }
    }

    /** Index of the correct option in {@link Example#choices()}. */
    record Choice(int index) implements Target {
        public Choice {
            if (index < 0) throw new IllegalArgumentException("choice index must be >= 0, got " + index);
        }
        public TaskKind kind() { return TaskKind.MULTIPLE_CHOICE; }
    }

    /** One or more acceptable reference outputs. */
    record Text(List<String> references) implements Target {
        public Text { references = List.copyOf(references); }
        public TaskKind kind() { return TaskKind.GENERATION; }
    }
}
