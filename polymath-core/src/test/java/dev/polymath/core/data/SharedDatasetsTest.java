package dev.polymath.core.data;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.Target;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import dev.polymath.core.task.TaskSuite;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Datasets that are not bundled (licence or size): tested when ../shared/data (or POLYMATH_DATA) has them,
 * skipped with the reason otherwise.
 */
class SharedDatasetsTest {

    static Path shared(String folder) {
        Path p = DataPaths.find(folder);
        assumeTrue(p != null, "skipped: '" + folder + "' is not bundled and was not found in " + DataPaths.searched()
                + " (set POLYMATH_DATA to the shared data folder to run this test)");
        return p;
    }

    @Test
    void tweeteval() {
        TaskSuite s = TweetEvalLoader.load(shared("tweeteval"));
        assertEquals(11, s.size());
        // train / validation / test per task, from SOURCE.txt
        Map<String, int[]> counts = Map.ofEntries(
                Map.entry("emoji", new int[] {45000, 5000, 50000}),
                Map.entry("emotion", new int[] {3257, 374, 1421}),
                Map.entry("hate", new int[] {9000, 1000, 2970}),
                Map.entry("irony", new int[] {2862, 955, 784}),
                Map.entry("offensive", new int[] {11916, 1324, 860}),
                Map.entry("sentiment", new int[] {0, 2000, 12284}),
                Map.entry("stance/abortion", new int[] {587, 66, 280}),
                Map.entry("stance/atheism", new int[] {461, 52, 220}),
                Map.entry("stance/climate", new int[] {355, 40, 169}),
                Map.entry("stance/feminist", new int[] {597, 67, 285}),
                Map.entry("stance/hillary", new int[] {620, 69, 295}));
        Map<String, Integer> classes = Map.of("emoji", 20, "emotion", 4, "hate", 2, "irony", 2, "offensive", 2,
                "sentiment", 3);
        counts.forEach((name, c) -> {
            Task t = s.task("tweeteval/" + name);
            assertEquals(c[0], t.size("train"), name + " train");
            assertEquals(c[1], t.size("validation"), name + " validation");
            assertEquals(c[2], t.size("test"), name + " test");
            assertEquals(classes.getOrDefault(name, 3), t.labels().size(), name);
        });
        assertFalse(s.task("tweeteval/sentiment").hasSplit("train"));
        assertEquals("f1[irony]", s.task("tweeteval/irony").primaryMetric().name());
        assertEquals(List.of("non_irony", "irony"), s.task("tweeteval/irony").labels());
        assertEquals("mean-f1[favor,against]", s.task("tweeteval/stance/hillary").primaryMetric().name());
        assertEquals(List.of("none", "against", "favor"), s.task("tweeteval/stance/hillary").labels());
        assertEquals("macro-recall", s.task("tweeteval/sentiment").primaryMetric().name());
        assertEquals("macro-f1", s.task("tweeteval/emoji").primaryMetric().name());
        assertEquals("red_heart", s.task("tweeteval/emoji").labels().get(0));
    }

    @Test
    void naturalInstructions() {
        TaskSuite s = NaturalInstructionsLoader.load(shared("natural-instructions-v1"));
        assertEquals(48, s.size());
        long instances = 0;
        for (Task t : s.tasks()) {
            assertEquals(TaskKind.GENERATION, t.kind());
            assertFalse(t.instruction().isBlank(), t.name());
            instances += t.size("train") + t.size("validation") + t.size("test");
        }
        assertEquals(123_635, instances);
        Set<String> cats = Set.copyOf(s.tasks().stream().map(Task::category).toList());
        assertTrue(cats.containsAll(Set.of("mctaco", "qasc", "winogrande", "cosmosqa", "multirc", "ropes",
                "essential_terms", "miscellaneous")), cats.toString());
        assertEquals("winogrande", NaturalInstructionsLoader.category("subtask029_winogrande_full_object"));
        assertEquals("miscellaneous", NaturalInstructionsLoader.category("subtask046_miscellaenous_question_typing"));
        Task t = s.task("natural-instructions/subtask003_mctaco_question_generation_event_duration");
        assertFalse(t.split("examples").isEmpty());
        assertTrue(t.instruction().startsWith("In this task, we ask you to write a question"));
    }

    @Test
    void cola() {
        Task t = ColaLoader.load(shared("cola")).task("cola");
        assertEquals(8551, t.size("train"));
        assertEquals(527, t.size("validation"));
        assertEquals(516, t.size("validation_ood"));
        assertEquals(List.of("unacceptable", "acceptable"), t.labels());
    }

    @Test
    void shopbench() {
        TaskSuite s = ShopBenchLoader.load(shared("shopbench-dev-sample"));
        assertEquals(18, s.size());
        assertEquals(96, DatasetCatalog.totalExamples(s));
    }

    @Test
    void fashionMnist() {
        Path dir = FashionMnistLoader.find();
        assumeTrue(dir != null, "skipped: Fashion-MNIST not found in " + FashionMnistLoader.candidates()
                + " (apt-get install dataset-fashion-mnist)");
        var splits = FashionMnistLoader.read(dir);
        var train = splits.get("train");
        var test = splits.get("test");
        assertEquals(60000, train.n());
        assertEquals(10000, test.n());
        assertEquals(28, train.rows());
        assertEquals(28, train.cols());
        assertEquals(60000 * 784, train.pixels().length);
        int[] perClass = new int[10];
        for (byte b : train.labels()) perClass[b]++;
        for (int c : perClass) assertEquals(6000, c);
        Task small = FashionMnistLoader.task(dir, 100);
        assertEquals(100, small.size("train"));
        assertEquals(10, small.labels().size());
        Example e = small.split("train").get(0);
        assertEquals(784, e.features().length);
        assertEquals(FashionMnistLoader.CLASSES.get(train.label(0)), ((Target.Label) e.target()).label());
    }
}
