package dev.polymath.nn.mtl.suite;

import dev.polymath.core.data.TweetEvalLoader;
import dev.polymath.core.metric.TaskEvaluator;
import dev.polymath.core.task.Example;
import dev.polymath.core.task.MetricSpec;
import dev.polymath.core.task.Target;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import dev.polymath.core.task.TaskSuite;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The stance task's metric follows TweetEval's official evaluation script: the five targets' test labels and
 * predictions are concatenated, and the score is the mean of the F1 of "against" and "favor" over the pooled
 * set. On the hand-made case below that is 28/39; averaging per target would give 2/3 instead.
 */
class TweetEvalStanceMetricTest {
    /** Per target: gold labels and predictions (A = against, F = favor, N = none), two or three test tweets. */
    private static final Map<String, String[]> CASE = Map.of(
            "abortion", new String[] {"AAF", "AAF"},  // per target: against 1, favor 1
            "atheism", new String[] {"AF", "FA"},     // 0, 0
            "climate", new String[] {"AFN", "AFA"},   // 2/3, 1
            "feminist", new String[] {"AF", "AN"},    // 1, 0
            "hillary", new String[] {"AF", "AF"});    // 1, 1

    @Test
    void stanceIsScoredOnThePooledTargetsAsTheOfficialScriptDoes() {
        var tasks = new ArrayList<Task>();
        for (String target : TweetEvalLoader.STANCE_TARGETS) {
            String gold = CASE.get(target)[0];
            var test = new ArrayList<Example>();
            for (int i = 0; i < gold.length(); i++) test.add(Example.classification(Integer.toString(i), "tweet " + i, label(gold.charAt(i))));
            tasks.add(Task.builder(TweetEvalLoader.NAME + "/stance/" + target, TaskKind.CLASSIFICATION).labels(List.of("none", "against", "favor"))
                    .category("stance").metrics(MetricSpec.higher("mean-f1[favor,against]"), MetricSpec.higher("accuracy"))
                    .split(Task.TRAIN, test).split(Task.VALIDATION, test).split(Task.TEST, test).build());
        }
        Task stance = TweetEvalSuite.stance(new TaskSuite(TweetEvalLoader.NAME, "hand-made", tasks));
        var predicted = new ArrayList<Target>();
        for (String target : TweetEvalLoader.STANCE_TARGETS) {
            for (char c : CASE.get(target)[1].toCharArray()) predicted.add(new Target.Label(label(c)));
        }
        assertEquals(12, stance.size(Task.TEST));
        assertEquals("climate: tweet 2", stance.split(Task.TEST).get(7).text(), "targets in order, texts prefixed with their target");
        Map<String, Double> scores = new TaskEvaluator().evaluate(stance, Task.TEST, predicted);
        // pooled: against 5 TP / 7 predicted / 6 gold -> F1 10/13; favor 3 / 4 / 5 -> 6/9; mean 28/39
        assertEquals(28.0 / 39.0, scores.get("mean-f1[favor,against]"), 1e-12);
        assertEquals(8.0 / 12.0, scores.get("accuracy"), 1e-12);
    }

    private static String label(char c) {
        return switch (c) {
            case 'A' -> "against";
            case 'F' -> "favor";
            default -> "none";
        };
    }
}
