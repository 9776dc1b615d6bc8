package dev.polymath.core.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polymath.core.data.DataPaths;
import dev.polymath.core.task.Example;
import dev.polymath.core.task.MetricSpec;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * End to end on real data: the DNNC few-shot split of CLINC150 (150 intents x 10 examples, aligned
 * {@code seq.in} / {@code label} files), read directly here. Skipped when the files are absent.
 */
class ClincEpisodesTest {

    private static Task task;
    private static Map<String, String> domainOf;

    private static Path clincDir() {
        Path found = DataPaths.find("clinc150");
        if (found != null) return found;
        Path shared = Path.of("/work/shared/data/clinc150");
        return Files.isDirectory(shared) ? shared : null;
    }

    @BeforeAll
    static void load() throws IOException {
        Path dir = clincDir();
        assumeTrue(dir != null && Files.exists(dir.resolve("dnnc_splits/train_10/seq.in")),
                "CLINC150 DNNC split files not available");
        List<String> texts = Files.readAllLines(dir.resolve("dnnc_splits/train_10/seq.in"));
        List<String> labels = Files.readAllLines(dir.resolve("dnnc_splits/train_10/label"));
        assertEquals(texts.size(), labels.size(), "seq.in and label are aligned");
        var examples = new ArrayList<Example>();
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i).isBlank()) continue;
            examples.add(Example.classification("train:" + i, texts.get(i).strip(), labels.get(i).strip()));
        }
        task = Task.builder("clinc150", TaskKind.CLASSIFICATION).metrics(MetricSpec.higher("accuracy"))
                .split(Task.TRAIN, examples).build();
        domainOf = new LinkedHashMap<>();
        Path domains = dir.resolve("domains.json");
        if (Files.exists(domains)) {
            Map<?, ?> json = new ObjectMapper().readValue(domains.toFile(), Map.class);
            json.forEach((domain, intents) -> ((List<?>) intents).forEach(i -> domainOf.put((String) i, (String) domain)));
        }
    }

    @Test
    void fiveWayEpisodesOverTheFewShotSplit() {
        assertEquals(150, task.labels().size());
        var sampler = EpisodeSampler.over(task).shape(5, 5, 5).seed(2024).build();
        var pool = EpisodePool.first(sampler, 600);
        for (Episode e : pool.episodes()) EpisodeSamplerTest.assertWellFormed(e, task, sampler.spec());
        assertEquals(pool.fingerprint(), EpisodePool.first(EpisodeSampler.over(task).shape(5, 5, 5).seed(2024).build(), 600)
                .fingerprint());
        var stats = EpisodeStats.of(pool.episodes());
        assertTrue(stats.balanced());
        assertEquals(150, stats.classesUsed()); // 600 x 5 class slots cover all 150 intents
        System.out.print("[clinc150 dnnc train_10] " + pool + "\n" + stats.format());
    }

    @Test
    void impossibleShotCountNamesTheIntent() {
        var ex = assertThrows(IllegalArgumentException.class, () -> EpisodeSampler.over(task).shape(5, 10, 5).build());
        String first = task.labels().get(0);
        assertEquals("cannot draw 10-shot + 5-query examples from class '" + first + "' of task 'clinc150': it has 10"
                + " examples in split 'train'", ex.getMessage());
    }

    @Test
    void domainClassSplitForMetaLearning() {
        assumeTrue(domainOf.keySet().containsAll(task.labels()), "domains.json missing or incomplete");
        var split = ClassSplit.byGroups(task.labels(), domainOf, 5, 2, 3, 11);
        assertEquals(75, split.train().size());
        assertEquals(30, split.validation().size());
        assertEquals(45, split.test().size());
        var trainDomains = new HashSet<String>();
        split.train().forEach(c -> trainDomains.add(domainOf.get(c)));
        split.test().forEach(c -> assertFalse(trainDomains.contains(domainOf.get(c)), "domain leaks into meta-test"));
        var metaTest = EpisodeSampler.over(task).shape(5, 1, 5).classes(split.test()).seed(1).build();
        for (Episode e : metaTest.episodes(0, 200)) assertTrue(split.test().containsAll(e.classes()));
        System.out.println("[clinc150 domains] " + split);
    }
}
