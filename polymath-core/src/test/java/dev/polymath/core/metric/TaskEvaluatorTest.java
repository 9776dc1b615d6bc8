package dev.polymath.core.metric;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.MetricSpec;
import dev.polymath.core.task.Target;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskEvaluatorTest {
    static final double EPS = 1e-12;
    static final List<String> LABELS = List.of("c0", "c1", "c2");

    /** The 3-class case of ClassificationMetricsTest as a task. */
    static Task threeClass() {
        int[] gold = ClassificationMetricsTest.GOLD;
        var ex = new ArrayList<Example>();
        for (int i = 0; i < gold.length; i++) ex.add(Example.classification("test:" + i, "text " + i, LABELS.get(gold[i])));
        return Task.builder("three", TaskKind.CLASSIFICATION).labels(LABELS)
                .metrics(MetricSpec.higher("macro-f1"), MetricSpec.higher("accuracy"), MetricSpec.higher("f1[c2]"),
                        MetricSpec.higher("mean-f1[c0,c1]"), MetricSpec.higher("macro-recall"))
                .split(Task.TEST, ex).build();
    }

    static List<Target> labels(int[] idx) {
        var out = new ArrayList<Target>();
        for (int i : idx) out.add(new Target.Label(LABELS.get(i)));
        return out;
    }

    @Test
    void classificationInTaskOrder() {
        Map<String, Double> r = new TaskEvaluator().evaluate(threeClass(), Task.TEST, labels(ClassificationMetricsTest.PRED));
        assertEquals(List.of("macro-f1", "accuracy", "f1[c2]", "mean-f1[c0,c1]", "macro-recall"), List.copyOf(r.keySet()));
        assertEquals(38.0 / 63.0, r.get("macro-f1"), EPS);
        assertEquals(0.6, r.get("accuracy"), EPS);
        assertEquals(2.0 / 3.0, r.get("f1[c2]"), EPS);
        assertEquals(4.0 / 7.0, r.get("mean-f1[c0,c1]"), EPS); // both 4/7
        assertEquals(11.0 / 18.0, r.get("macro-recall"), EPS);
    }

    @Test
    void unknownPredictedLabel() {
        var preds = new ArrayList<>(labels(ClassificationMetricsTest.PRED));
        preds.set(0, new Target.Label("banana")); // was a correct c0
        var e = assertThrows(IllegalArgumentException.class, () -> new TaskEvaluator().evaluate(threeClass(), Task.TEST, preds));
        assertEquals("task 'three' split 'test': macro-f1: predicted label 'banana' for example test:0 is not one of the task's labels [c0, c1, c2]",
                e.getMessage());
        var r = new TaskEvaluator(TaskEvaluator.UnknownLabels.COUNT_AS_WRONG).evaluate(threeClass(), Task.TEST, preds);
        assertEquals(0.5, r.get("accuracy"), EPS); // 5 of 10 right now
    }

    @Test
    void lengthMismatchAndWrongTargetKind() {
        Task t = threeClass();
        var e = assertThrows(IllegalArgumentException.class, () -> new TaskEvaluator().evaluate(t, Task.TEST, List.of(new Target.Label("c0"))));
        assertEquals("task 'three' split 'test': 10 examples but 1 predictions", e.getMessage());
        var preds = new ArrayList<>(labels(ClassificationMetricsTest.PRED));
        preds.set(3, new Target.Score(1.0));
        e = assertThrows(IllegalArgumentException.class, () -> new TaskEvaluator().evaluate(t, Task.TEST, preds));
        assertEquals("task 'three' split 'test': macro-f1 needs Label predictions, but the prediction for example test:3 is Score",
                e.getMessage());
    }

    @Test
    void regression() {
        Task t = Task.builder("sts", TaskKind.REGRESSION)
                .metrics(MetricSpec.higher("pearson"), MetricSpec.lower("mse"), MetricSpec.lower("mae"))
                .split(Task.TEST, List.of(Example.pair("0", "a", "b", 1), Example.pair("1", "a", "b", 2), Example.pair("2", "a", "b", 3)))
                .build();
        var r = new TaskEvaluator().evaluate(t, Task.TEST, List.of(new Target.Score(2), new Target.Score(4), new Target.Score(7)));
        assertEquals(15.0 / Math.sqrt(228), r.get("pearson"), EPS); // see RegressionMetricsTest
        assertEquals((1 + 4 + 16) / 3.0, r.get("mse"), EPS);       // errors 1 2 4
        assertEquals(7 / 3.0, r.get("mae"), EPS);
    }

    @Test
    void binaryAucFromScores() {
        // positive class = second label "irony"; same data as RocAucTest -> 7/9
        String[] gold = {"irony", "irony", "not", "not", "irony", "not"};
        double[] s = {0.9, 0.5, 0.5, 0.1, 0.3, 0.3};
        var ex = new ArrayList<Example>();
        var preds = new ArrayList<Target>();
        for (int i = 0; i < gold.length; i++) {
            ex.add(Example.classification("" + i, "t", gold[i]));
            preds.add(new Target.Score(s[i]));
        }
        Task t = Task.builder("irony", TaskKind.CLASSIFICATION).labels(List.of("not", "irony"))
                .metrics(MetricSpec.higher("auc")).split(Task.TEST, ex).build();
        assertEquals(7.0 / 9.0, new TaskEvaluator().evaluate(t, Task.TEST, preds).get("auc"), EPS);
    }

    @Test
    void multipleChoice() {
        Task t = Task.builder("mc", TaskKind.MULTIPLE_CHOICE).metrics(MetricSpec.higher("accuracy"))
                .split(Task.TEST, List.of(
                        Example.multipleChoice("0", "q", List.of("a", "b"), 1),
                        Example.multipleChoice("1", "q", List.of("a", "b", "c", "d"), 3),
                        Example.multipleChoice("2", "q", List.of("a", "b", "c"), 0)))
                .build();
        var r = new TaskEvaluator().evaluate(t, Task.TEST, List.of(new Target.Choice(1), new Target.Choice(2), new Target.Choice(0)));
        assertEquals(2.0 / 3.0, r.get("accuracy"), EPS);
        var e = assertThrows(IllegalArgumentException.class, () ->
                new TaskEvaluator().evaluate(t, Task.TEST, List.of(new Target.Choice(2), new Target.Choice(2), new Target.Choice(0))));
        assertEquals("task 'mc' split 'test': accuracy: example 0 has 2 choices but the prediction is choice 2", e.getMessage());
    }

    @Test
    void generationMatchesAnyReference() {
        Task t = Task.builder("qa", TaskKind.GENERATION).metrics(MetricSpec.higher("exact-match"))
                .split(Task.TEST, List.of(Example.generation("0", "q", List.of("Paris")),
                        Example.generation("1", "q", List.of("4", "four"))))
                .build();
        var r = new TaskEvaluator().evaluate(t, Task.TEST,
                List.of(new Target.Text(List.of(" Paris ")), new Target.Text(List.of("five"))));
        assertEquals(0.5, r.get("exact-match"), EPS);
    }

    @Test
    void taggingTokenAccuracyAndUnsupportedMetric() {
        var ex = List.of(Example.tagging("0", List.of("a", "b", "c"), List.of("O", "B", "I")),
                Example.tagging("1", List.of("d"), List.of("O")));
        Task t = Task.builder("slots", TaskKind.TAGGING).metrics(MetricSpec.higher("accuracy")).split(Task.TEST, ex).build();
        // 4 tokens, 3 right
        var r = new TaskEvaluator().evaluate(t, Task.TEST,
                List.of(new Target.Tags(List.of("O", "B", "O")), new Target.Tags(List.of("O"))));
        assertEquals(0.75, r.get("accuracy"), EPS);
        Task f1 = Task.builder("slots", TaskKind.TAGGING).metrics(MetricSpec.higher("macro-f1")).split(Task.TEST, ex).build();
        var e = assertThrows(IllegalArgumentException.class, () -> new TaskEvaluator().evaluate(f1, Task.TEST,
                List.of(new Target.Tags(List.of("O", "B", "O")), new Target.Tags(List.of("O")))));
        assertEquals("task 'slots' split 'test': metric 'macro-f1' cannot be computed for a tagging task; supported: accuracy (token accuracy)",
                e.getMessage());
    }

    @Test
    void multiLabelSubsetAccuracy() {
        var ex = List.of(
                new Example("0", List.of("x"), null, List.of(), new Target.Labels(Set.of("a", "b")), Map.of()),
                new Example("1", List.of("y"), null, List.of(), new Target.Labels(Set.of("a")), Map.of()));
        Task t = Task.builder("ml", TaskKind.MULTI_LABEL).metrics(MetricSpec.higher("accuracy")).split(Task.TEST, ex).build();
        var r = new TaskEvaluator().evaluate(t, Task.TEST,
                List.of(new Target.Labels(Set.of("b", "a")), new Target.Labels(Set.of("a", "b"))));
        assertEquals(0.5, r.get("accuracy"), EPS);
    }

    @Test
    void unknownSplitListsKnownOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> new TaskEvaluator().evaluate(threeClass(), "dev", List.of()));
        assertTrue(e.getMessage().contains("has no split 'dev'"), e.getMessage());
    }
}
