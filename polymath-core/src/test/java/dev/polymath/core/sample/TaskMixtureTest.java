package dev.polymath.core.sample;

import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskSuite;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class TaskMixtureTest {

    private static final long[] SIZES = {100, 10, 1};
    private static final double EPS = 1e-9;

    private static void assertProbs(double[] expected, MixingStrategy s) {
        double[] p = s.probabilities(SIZES);
        assertEquals(expected.length, p.length);
        for (int i = 0; i < p.length; i++) assertEquals(expected[i], p[i], EPS, s + " task " + i);
        assertEquals(1.0, Arrays.stream(p).sum(), EPS);
    }

    @Test
    void probabilitiesMatchHandComputedValues() {
        assertProbs(new double[] {100 / 111.0, 10 / 111.0, 1 / 111.0}, MixingStrategy.proportional());
        assertProbs(new double[] {50 / 61.0, 10 / 61.0, 1 / 61.0}, MixingStrategy.examplesCapped(50));
        assertProbs(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, MixingStrategy.uniform());
        // T = 2 on capped sizes: sqrt(50), sqrt(10), sqrt(1)
        double z = Math.sqrt(50) + Math.sqrt(10) + 1;
        assertProbs(new double[] {Math.sqrt(50) / z, Math.sqrt(10) / z, 1 / z}, MixingStrategy.temperature(2, 50));
        assertArrayEquals(new double[] {0.6294712, 0.2815081, 0.0890207}, MixingStrategy.temperature(2, 50).probabilities(SIZES), 1e-6);
        // T = 2 without a cap: sqrt(100)=10, sqrt(10), 1
        double z2 = 10 + Math.sqrt(10) + 1;
        assertProbs(new double[] {10 / z2, Math.sqrt(10) / z2, 1 / z2}, MixingStrategy.temperature(2));
        // limits: T = 1 is proportional (capped when a cap is given), T = infinity is uniform
        assertProbs(MixingStrategy.proportional().probabilities(SIZES), MixingStrategy.temperature(1));
        assertProbs(MixingStrategy.examplesCapped(50).probabilities(SIZES), MixingStrategy.temperature(1, 50));
        assertProbs(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, MixingStrategy.temperature(Double.POSITIVE_INFINITY));
        double[] hot = MixingStrategy.temperature(1000).probabilities(SIZES);
        assertEquals(1 / 3.0, hot[0], 0.01);
    }

    @Test
    void emptyTasksGetNothing() {
        long[] sizes = {5, 0, 5};
        for (var s : List.of(MixingStrategy.proportional(), MixingStrategy.uniform(), MixingStrategy.examplesCapped(3),
                MixingStrategy.temperature(Double.POSITIVE_INFINITY))) {
            double[] p = s.probabilities(sizes);
            assertEquals(0.0, p[1], s.toString());
            assertEquals(0.5, p[0], EPS, s.toString());
        }
        assertThrows(IllegalArgumentException.class, () -> MixingStrategy.uniform().probabilities(new long[] {0, 0}));
    }

    @Test
    void textFormRoundTrips() {
        for (String s : List.of("proportional", "uniform", "examples-capped:50", "temperature:2", "temperature:2:50",
                "temperature:1.5:3000")) {
            assertEquals(s, MixingStrategy.parse(s).toString());
        }
        assertEquals(MixingStrategy.temperature(2, 50), MixingStrategy.parse("Temperature:2:50"));
        assertEquals(MixingStrategy.temperature(Double.POSITIVE_INFINITY), MixingStrategy.parse("temperature:inf"));
        var bad = assertThrows(IllegalArgumentException.class, () -> MixingStrategy.parse("capped"));
        assertTrue(bad.getMessage().startsWith("unknown mixing strategy 'capped'"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MixingStrategy.parse("temperature:x"));
        assertThrows(IllegalArgumentException.class, () -> MixingStrategy.temperature(0));
        assertThrows(IllegalArgumentException.class, () -> MixingStrategy.examplesCapped(0));
    }

    private static TaskSuite sizedSuite() {
        return new TaskSuite("sized", "", List.of(
                Fixtures.uniform("big", 4, 25), Fixtures.uniform("mid", 2, 5), Fixtures.uniform("tiny", 1, 1)));
    }

    @Test
    void mixtureExposesProbabilitiesAndStreamsDeterministically() {
        var m = TaskMixture.of(sizedSuite(), Task.TRAIN, MixingStrategy.temperature(2, 50), 17);
        assertArrayEquals(new long[] {100, 10, 1}, m.sizes());
        assertArrayEquals(MixingStrategy.temperature(2, 50).probabilities(SIZES), m.probabilities(), EPS);
        assertEquals(m.probabilities()[1], m.probability("mid"), EPS);
        assertEquals(List.of("big", "mid", "tiny"), List.copyOf(m.probabilityMap().keySet()));
        assertTrue(m.table().contains("big"), m.table());
        assertTrue(m.table().contains("0.6295"), m.table());

        var a = m.take(2000);
        var b = TaskMixture.of(sizedSuite(), Task.TRAIN, MixingStrategy.temperature(2, 50), 17).take(2000);
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).task().name(), b.get(i).task().name());
            assertEquals(a.get(i).example().id(), b.get(i).example().id());
            assertEquals(i, a.get(i).step());
        }
        var c = TaskMixture.of(sizedSuite(), Task.TRAIN, MixingStrategy.temperature(2, 50), 18).take(2000);
        assertNotEquals(a.stream().map(p -> p.task().name()).toList(), c.stream().map(p -> p.task().name()).toList());

        // empirical task frequencies follow p
        var counts = new HashMap<String, Integer>();
        var many = m.take(20000);
        for (var p : many) counts.merge(p.task().name(), 1, Integer::sum);
        for (String t : List.of("big", "mid", "tiny")) assertEquals(m.probability(t), counts.get(t) / 20000.0, 0.015, t);

        // within a task, examples come in passes without repetition
        var midIds = many.stream().filter(p -> p.task().name().equals("mid")).map(p -> p.example().id()).toList();
        for (int pass = 0; pass + 10 <= midIds.size() && pass < 100; pass += 10) {
            assertEquals(10, new HashSet<>(midIds.subList(pass, pass + 10)).size(), "one pass visits every example once");
        }
        // the task of a step does not depend on the stream having been consumed
        assertEquals(a.get(1234).task().name(), m.tasks().get(m.taskAt(1234)).name());
    }

    @Test
    void batchCountsSumToTheBudgetAndScheduleHonoursThem() {
        var m = TaskMixture.of(sizedSuite(), Task.TRAIN, MixingStrategy.proportional(), 3);
        int[] counts = m.batchCounts(111);
        assertArrayEquals(new int[] {100, 10, 1}, counts);
        int[] c2 = m.batchCounts(10); // quotas 9.009, 0.9009, 0.09009 -> 9, 1, 0
        assertArrayEquals(new int[] {9, 1, 0}, c2);
        var u = TaskMixture.of(sizedSuite(), Task.TRAIN, MixingStrategy.uniform(), 3);
        assertArrayEquals(new int[] {34, 33, 33}, u.batchCounts(100)); // ties go to the earlier task
        assertEquals(100, Arrays.stream(u.batchCounts(100)).sum());

        int[] schedule = m.schedule(111, 0);
        int[] seen = new int[3];
        for (int t : schedule) seen[t]++;
        assertArrayEquals(counts, seen);
        assertArrayEquals(schedule, m.schedule(111, 0));
        assertFalse(Arrays.equals(schedule, m.schedule(111, 1)));
        assertEquals(100, m.batchCountMap(111).get("big"));
    }
}
