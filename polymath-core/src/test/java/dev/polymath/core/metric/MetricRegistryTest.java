package dev.polymath.core.metric;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.MetricSpec;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricRegistryTest {

    static Task stance() {
        return Task.builder("stance", TaskKind.CLASSIFICATION)
                .labels(List.of("none", "against", "favor"))
                .metrics(MetricSpec.higher("mean-f1[favor,against]"), MetricSpec.higher("f1[favor]"))
                .split(Task.TEST, List.of(Example.classification("t:0", "x", "none")))
                .build();
    }

    @Test
    void resolvesPlainNames() {
        assertInstanceOf(Accuracy.class, MetricRegistry.resolve("accuracy"));
        assertInstanceOf(MacroF1.class, MetricRegistry.resolve("macro-f1"));
        assertInstanceOf(MacroRecall.class, MetricRegistry.resolve("macro-recall"));
        assertInstanceOf(MeanSquaredError.class, MetricRegistry.resolve("mse"));
        assertInstanceOf(MeanAbsoluteError.class, MetricRegistry.resolve("mae"));
        assertInstanceOf(Pearson.class, MetricRegistry.resolve("pearson"));
        assertInstanceOf(Spearman.class, MetricRegistry.resolve("spearman"));
        assertInstanceOf(RocAuc.class, MetricRegistry.resolve("auc"));
        assertEquals(ExactMatch.trimmed(), MetricRegistry.resolve("exact-match"));
        assertEquals(new Ndcg(10), MetricRegistry.resolve("ndcg@10"));
        assertEquals("ndcg@5", MetricRegistry.resolve("ndcg@5").name());
    }

    @Test
    void resolvesLabelsThroughTheTask() {
        Task t = stance();
        var f1 = MetricRegistry.resolve("f1[favor]", t);
        assertEquals(new ClassF1("favor", 2), f1);
        assertEquals("f1[favor]", f1.name());
        var mean = (MeanClassF1) MetricRegistry.resolve("mean-f1[favor, against]", t);
        assertEquals(List.of("favor", "against"), mean.labels());
        assertEquals(2, mean.classIndices()[0]);
        assertEquals(1, mean.classIndices()[1]);
        assertEquals("mean-f1[favor,against]", mean.name());
        assertEquals(2, MetricRegistry.forTask(t).size());
    }

    @Test
    void unknownNameListsKnownOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> MetricRegistry.resolve("f2"));
        assertEquals("unknown metric 'f2'; known metrics: accuracy, macro-f1, f1[<label>], mean-f1[<label>,<label>,...], "
                + "macro-recall, mse, mae, pearson, spearman, auc, ndcg@<k>, exact-match", e.getMessage());
    }

    @Test
    void labelErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> MetricRegistry.resolve("f1[irony]"));
        assertTrue(e.getMessage().contains("names a label; resolve it against a task"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MetricRegistry.resolve("f1[irony]", stance()));
        assertTrue(e.getMessage().startsWith("metric 'f1[irony]': task 'stance' has no label 'irony'"), e.getMessage());
        assertTrue(e.getMessage().endsWith("labels: [none, against, favor]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MetricRegistry.resolve("ndcg@ten"));
        assertTrue(e.getMessage().contains("is not an integer"), e.getMessage());
    }

    @Test
    void specDirectionMustAgree() {
        Task t = stance();
        assertFalse(MetricRegistry.resolve(MetricSpec.lower("mse"), t).higherIsBetter());
        var e = assertThrows(IllegalArgumentException.class, () -> MetricRegistry.resolve(MetricSpec.higher("mse"), t));
        assertEquals("task 'stance': metric 'mse' is declared higher-is-better but mse is lower-is-better", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MetricRegistry.resolve(MetricSpec.lower("accuracy"), t));
        assertEquals("task 'stance': metric 'accuracy' is declared lower-is-better but accuracy is higher-is-better", e.getMessage());
    }
}
