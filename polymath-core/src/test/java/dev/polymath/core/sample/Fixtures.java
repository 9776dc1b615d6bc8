package dev.polymath.core.sample;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.MetricSpec;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import dev.polymath.core.task.TaskSuite;

import java.util.ArrayList;
import java.util.List;

/** Synthetic tasks for sampler tests. */
final class Fixtures {
    private Fixtures() {}

    /** A classification task whose class {@code c<i>} has {@code counts[i]} train examples, ids {@code train:<n>}. */
    static Task classification(String name, String category, int... counts) {
        var labels = new ArrayList<String>();
        var train = new ArrayList<Example>();
        int id = 0;
        for (int c = 0; c < counts.length; c++) labels.add("c" + c);
        // interleave classes so file order is not grouped
        int max = java.util.Arrays.stream(counts).max().orElse(0);
        for (int j = 0; j < max; j++) {
            for (int c = 0; c < counts.length; c++) {
                if (j < counts[c]) {
                    train.add(Example.classification("train:" + id, "text " + id + " of c" + c, "c" + c));
                    id++;
                }
            }
        }
        return Task.builder(name, TaskKind.CLASSIFICATION).labels(labels).category(category)
                .metrics(MetricSpec.higher("accuracy")).split(Task.TRAIN, train)
                .split(Task.TEST, List.of(Example.classification("test:0", "held", "c0"))).build();
    }

    /** {@code classes} classes with {@code perClass} train examples each. */
    static Task uniform(String name, int classes, int perClass) {
        int[] counts = new int[classes];
        java.util.Arrays.fill(counts, perClass);
        return classification(name, "", counts);
    }

    static Task regression(String name, String category, int n) {
        var train = new ArrayList<Example>();
        for (int i = 0; i < n; i++) train.add(Example.pair("train:" + i, "a" + i, "b" + i, i % 5));
        return Task.builder(name, TaskKind.REGRESSION).category(category).metrics(MetricSpec.higher("spearman"))
                .split(Task.TRAIN, train).build();
    }

    /** Categories A (3 tasks), B (2 tasks), C (1 task), D (2 tasks); mixed sizes. */
    static TaskSuite suite() {
        return new TaskSuite("synthetic", "test suite", List.of(
                classification("a1", "A", 10, 10, 10, 10, 10),
                classification("a2", "A", 8, 8, 8, 8, 8, 8),
                regression("a3", "A", 30),
                classification("b1", "B", 12, 9, 7, 20, 6),
                classification("b2", "B", 5, 5, 5, 5, 5, 5, 5),
                classification("c1", "C", 6, 6, 6, 6, 6),
                classification("d1", "D", 40, 3, 3),
                regression("d2", "D", 11)));
    }
}
