package dev.polymath.core.task;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class TaskTest {

    private static Task intents() {
        return Task.builder("toy", TaskKind.CLASSIFICATION)
                .metrics(MetricSpec.higher("accuracy"))
                .split(Task.TRAIN, List.of(
                        Example.classification("train:0", "hi", "greet"),
                        Example.classification("train:1", "bye", "leave"),
                        Example.classification("train:2", "hello", "greet")))
                .split(Task.TEST, List.of(Example.classification("test:0", "ciao", "leave")))
                .build();
    }

    @Test
    void builderCollectsLabelsInFirstSeenOrder() {
        Task t = intents();
        assertEquals(List.of("greet", "leave"), t.labels());
        assertEquals(1, t.labelIndex("leave"));
        assertEquals("accuracy", t.primaryMetric().name());
    }

    @Test
    void byLabelGroupsInLabelOrder() {
        var g = intents().byLabel(Task.TRAIN);
        assertEquals(List.of("greet", "leave"), List.copyOf(g.keySet()));
        assertEquals(List.of("train:0", "train:2"), g.get("greet").stream().map(Example::id).toList());
    }

    @Test
    void unknownSplitAndLabelAreNamed() {
        Task t = intents();
        var e = assertThrows(IllegalArgumentException.class, () -> t.split("validation"));
        assertTrue(e.getMessage().contains("'toy'") && e.getMessage().contains("[train, test]"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> t.labelIndex("order_pizza"));
        assertTrue(e2.getMessage().contains("order_pizza"), e2.getMessage());
    }

    @Test
    void taskWithoutMetricIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new Task("x", TaskKind.REGRESSION, List.of(), "", "", List.of(), Map.of()));
    }

    @Test
    void suiteLooksUpTasksAndListsKnownNames() {
        var suite = new TaskSuite("s", "", List.of(intents(), intents().withName("other").withCategory("c2")));
        assertSame(suite.tasks().get(1), suite.task("other"));
        var e = assertThrows(IllegalArgumentException.class, () -> suite.task("nope"));
        assertTrue(e.getMessage().contains("toy, other"), e.getMessage());
        assertEquals(List.of("", "c2"), List.copyOf(suite.byCategory().keySet()));
        assertThrows(IllegalArgumentException.class, () -> new TaskSuite("d", "", List.of(intents(), intents())));
    }

    @Test
    void exampleFactoriesCheckShapes() {
        assertThrows(IllegalArgumentException.class,
                () -> Example.tagging("t", List.of("a", "b"), List.of("O")));
        assertThrows(IllegalArgumentException.class,
                () -> Example.multipleChoice("q", "?", List.of("a", "b"), 2));
        var mc = Example.multipleChoice("q", "?", List.of("a", "b"), 1);
        assertEquals(new Target.Choice(1), mc.target());
        assertThrows(IllegalStateException.class, mc::label);
    }
}
