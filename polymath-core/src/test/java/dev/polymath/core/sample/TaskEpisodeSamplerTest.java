package dev.polymath.core.sample;

import dev.polymath.core.task.TaskSuite;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class TaskEpisodeSamplerTest {

    private final TaskSuite suite = new TaskSuite("s", "", List.of(
            Fixtures.classification("t1", "A", 10, 10, 10, 10),
            Fixtures.classification("t2", "A", 6, 6, 6, 6, 6, 6),
            Fixtures.classification("t3", "B", 4, 4, 4)));

    @Test
    void episodesComeFromSeveralTasksAndAreWellFormed() {
        var s = TaskEpisodeSampler.over(suite).shape(3, 2, 2).seed(1).build();
        var perTask = new HashMap<String, Integer>();
        for (Episode e : s.episodes(0, 300)) {
            perTask.merge(e.task(), 1, Integer::sum);
            EpisodeSamplerTest.assertWellFormed(e, suite.task(e.task()), s.spec());
        }
        assertEquals(3, perTask.size());
        perTask.values().forEach(n -> assertEquals(100, n, 30));
        var again = TaskEpisodeSampler.over(suite).shape(3, 2, 2).seed(1).build();
        assertEquals(s.episode(123), again.episode(123));
        assertEquals(EpisodePool.first(s, 50).fingerprint(), EpisodePool.first(again, 50).fingerprint());
        var other = TaskEpisodeSampler.over(suite).shape(3, 2, 2).seed(2).build();
        assertNotEquals(EpisodePool.first(s, 50).fingerprint(), EpisodePool.first(other, 50).fingerprint());
    }

    @Test
    void cyclingVisitsEveryTaskOncePerRound() {
        var s = TaskEpisodeSampler.over(suite).shape(3, 1, 1).cycleTasks(true).seed(4).build();
        for (int round = 0; round < 10; round++) {
            var tasks = new HashSet<String>();
            for (int i = 0; i < 3; i++) tasks.add(s.episode(round * 3L + i).task());
            assertEquals(3, tasks.size());
        }
    }

    @Test
    void tasksWithTooFewClassesFailOrAreLeftOut() {
        var ex = assertThrows(IllegalArgumentException.class, () -> TaskEpisodeSampler.over(suite).shape(5, 1, 1).build());
        assertEquals("5-way episodes need 5 classes; task 't1' has 4 in split 'train'", ex.getMessage());

        var s = TaskEpisodeSampler.over(suite).shape(4, 1, 1).skipIneligibleTasks(true).build();
        assertEquals(List.of("t1", "t2"), s.tasks());
        assertEquals(Map.of("t3", "4-way episodes need 4 classes; task 't3' has 3 in split 'train'"), s.skippedTasks());
        for (Episode e : s.episodes(0, 50)) assertNotEquals("t3", e.task());

        var none = assertThrows(IllegalArgumentException.class,
                () -> TaskEpisodeSampler.over(suite).shape(7, 1, 1).skipIneligibleTasks(true).build());
        assertTrue(none.getMessage().startsWith("no task of suite 's' can yield 7-way 1-shot 1-query episodes"), none.getMessage());
    }

    @Test
    void perTaskClassRestriction() {
        var s = TaskEpisodeSampler.over(suite).shape(2, 1, 1).classes("t1", List.of("c0", "c1")).seed(3).build();
        for (Episode e : s.episodes(0, 100)) {
            if (e.task().equals("t1")) assertEquals(new HashSet<>(List.of("c0", "c1")), new HashSet<>(e.classes()));
        }
        assertThrows(IllegalArgumentException.class,
                () -> TaskEpisodeSampler.over(suite).classes("nope", List.of("c0")).build());
    }
}
