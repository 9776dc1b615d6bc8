package dev.polymath.core.sample;

import dev.polymath.core.task.TaskSuite;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PoolTest {

    @Test
    void episodePoolIsTheSameEveryTime() {
        var task = Fixtures.uniform("pooled", 20, 30);
        var a = EpisodePool.first(EpisodeSampler.over(task).shape(5, 5, 15).seed(600).build(), 600);
        var b = EpisodePool.first(EpisodeSampler.over(task).shape(5, 5, 15).seed(600).build(), 600);
        assertEquals(600, a.size());
        assertEquals(a.episodes(), b.episodes());
        assertEquals(a.fingerprint(), b.fingerprint());
        assertEquals(16, a.fingerprint().length());
        assertTrue(EpisodeStats.of(a.episodes()).balanced());
        var c = EpisodePool.first(EpisodeSampler.over(task).shape(5, 5, 15).seed(601).build(), 600);
        assertNotEquals(a.fingerprint(), c.fingerprint());
        // a longer pool starts with the shorter one
        var longer = EpisodePool.first(EpisodeSampler.over(task).shape(5, 5, 15).seed(600).build(), 700);
        assertEquals(a.episodes(), longer.episodes().subList(0, 600));
        assertTrue(a.toString().startsWith("600 episodes (5-way 5-shot 15-query episodes from pooled/train"), a.toString());
        assertThrows(UnsupportedOperationException.class, () -> a.episodes().clear());
    }

    @Test
    void taskPoolIsStableAndCyclingIsBalanced() {
        TaskSuite suite = Fixtures.suite();
        var a = TaskPool.first(TaskSampler.cycling(suite, 5), 80);
        var b = TaskPool.first(TaskSampler.cycling(suite, 5), 80);
        assertEquals(a.taskNames(), b.taskNames());
        assertEquals(a.fingerprint(), b.fingerprint());
        var counts = new HashMap<String, Integer>();
        for (String n : a.taskNames()) counts.merge(n, 1, Integer::sum);
        assertEquals(8, counts.size());
        counts.values().forEach(n -> assertEquals(10, n));
        assertNotEquals(a.taskNames(), TaskPool.first(TaskSampler.cycling(suite, 6), 80).taskNames());
        // per-draw seeds are distinct and reproducible
        assertEquals(80, a.draws().stream().mapToLong(TaskDraw::seed).distinct().count());
        assertEquals(a.get(17), TaskSampler.cycling(suite, 5).draw(17));

        var u = TaskPool.first(TaskSampler.uniform(suite, 5), 40);
        assertEquals(u.taskNames(), TaskPool.first(TaskSampler.uniform(suite, 5), 40).taskNames());
    }

    @Test
    void weightedTaskSamplerFollowsWeights() {
        var tasks = List.of(Fixtures.uniform("x", 2, 2), Fixtures.uniform("y", 2, 2), Fixtures.uniform("z", 2, 2));
        var s = TaskSampler.weighted(tasks, new double[] {3, 1, 0}, 8);
        int[] seen = new int[3];
        for (int i = 0; i < 4000; i++) seen[s.pick(i)]++;
        assertEquals(0, seen[2]);
        assertEquals(0.75, seen[0] / 4000.0, 0.03);
        assertThrows(IllegalArgumentException.class, () -> TaskSampler.weighted(tasks, new double[] {0, 0, 0}, 1));
        assertThrows(IllegalArgumentException.class, () -> TaskSampler.weighted(tasks, new double[] {1, -1, 0}, 1));
    }
}
