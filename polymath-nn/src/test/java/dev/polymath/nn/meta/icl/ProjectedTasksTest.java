package dev.polymath.nn.meta.icl;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProjectedTasksTest {
    /** 10 classes x 20 rows of width 6; row i's features encode i so a test can tell rows apart. */
    static IclSource source() {
        int n = 200;
        float[][] rows = new float[n][];
        int[] cls = new int[n];
        for (int i = 0; i < n; i++) {
            cls[i] = i % 10;
            rows[i] = new float[] {i, i % 10, 1, -1, 0.5f * i, 2};
        }
        return new IclSource("toy", rows, cls, List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"));
    }

    @Test
    void tasksAreAPureFunctionOfSeedAndIndex() {
        var a = new ProjectedTasks(source(), 4, 3, List.of(1, 3, 5, 7, 9), 42);
        var b = new ProjectedTasks(source(), 4, 3, List.of(1, 3, 5, 7, 9), 42);
        for (long i : new long[] {0, 1, 17, IclBenchmarks.UNSEEN_TASKS_FROM + 3}) {
            assertEquals(a.task(i).projectionSeed(), b.task(i).projectionSeed());
            assertArrayEquals(a.task(i).classOfLabel(), b.task(i).classOfLabel());
            assertArrayEquals(a.projection(a.task(i)), b.projection(b.task(i)));
            var sa = a.sequence(a.task(i), 15, new SplittableRandom(5));
            var sb = b.sequence(b.task(i), 15, new SplittableRandom(5));
            assertArrayEquals(sa.rows(), sb.rows());
            assertArrayEquals(sa.labels(), sb.labels());
        }
        assertFalse(Arrays.equals(a.projection(a.task(0)), a.projection(a.task(1))), "tasks 0 and 1 share a projection");
        var other = new ProjectedTasks(source(), 4, 3, List.of(1, 3, 5, 7, 9), 43);
        assertFalse(Arrays.equals(a.projection(a.task(0)), other.projection(other.task(0))), "the seed does not change task 0");
    }

    @Test
    void labelsFollowTheTasksPermutationOfClasses() {
        IclSource src = source();
        var tasks = new ProjectedTasks(src, 4, 4, List.of(2, 4, 6, 8), 7);
        var seenPermutations = new HashSet<String>();
        for (long i = 0; i < 40; i++) {
            var task = tasks.task(i);
            int[] cls = task.classOfLabel();
            int[] sorted = cls.clone();
            Arrays.sort(sorted);
            assertArrayEquals(new int[] {2, 4, 6, 8}, sorted, "with as many classes as ways, a task is a permutation of them");
            seenPermutations.add(Arrays.toString(cls));
            var seq = tasks.sequence(task, 30, new SplittableRandom(i));
            for (int t = 0; t < 30; t++) assertEquals(cls[seq.labels()[t]], src.classes()[seq.rows()[t]], "label of position " + t);
            assertEquals(30, Arrays.stream(seq.rows()).distinct().count(), "rows repeat inside a sequence");
        }
        assertTrue(seenPermutations.size() > 15, "only " + seenPermutations.size() + " distinct permutations in 40 tasks");
        // the same task indices over another source keep their classes and projection
        var moved = tasks.withSource(source());
        assertArrayEquals(tasks.task(3).classOfLabel(), moved.task(3).classOfLabel());
        assertArrayEquals(tasks.projection(tasks.task(3)), moved.projection(moved.task(3)));
    }

    @Test
    void projectionIsGaussianWithVarianceOneOverWidthAndProjectIsXTimesA() {
        int P = 50, D = 40;
        float[][] rows = new float[10][P];
        int[] cls = new int[10];
        for (int i = 0; i < 10; i++) { cls[i] = i % 2; rows[i][i] = 1; rows[i][P - 1] = -2; }
        var tasks = new ProjectedTasks(new IclSource("u", rows, cls, List.of("a", "b")), D, 2, List.of(0, 1), 1);
        var task = tasks.task(9);
        float[] a = tasks.projection(task);
        double sq = 0;
        for (float v : a) sq += v * v;
        assertEquals(1.0 / P, sq / a.length, 0.15 / P);
        float[] z = tasks.project(task, rows[3]);
        for (int j = 0; j < D; j++) assertEquals(a[3 * D + j] - 2 * a[(P - 1) * D + j], z[j], 1e-6);
    }

    @Test
    void nearestMeanBaselineIsExactOnNoiselessClassesAndChanceOnFirstPosition() {
        int n = 400, P = 6;
        float[][] rows = new float[n][P];
        int[] cls = new int[n];
        for (int i = 0; i < n; i++) { cls[i] = i % 5; rows[i][cls[i]] = 10; } // every example of a class is the same point
        var tasks = new ProjectedTasks(new IclSource("exact", rows, cls, List.of("a", "b", "c", "d", "e")), 4, 4, List.of(0, 1, 2, 3, 4), 3);
        var e = NearestMeanBaseline.evaluate(tasks, 0, 16, 16, 48, 1);
        assertEquals(1.0, e.lateAccuracy().mean(), 1e-12);
        assertTrue(e.accuracyByPosition()[0] < 0.6, "position 0 has no context: " + e.accuracyByPosition()[0]);
    }

    @Test
    void badInputNamesTheProblem() {
        var e = assertThrows(IllegalArgumentException.class, () -> new ProjectedTasks(source(), 4, 5, List.of(1, 2, 3), 0));
        assertTrue(e.getMessage().contains("5 ways"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class,
                () -> new IclSource("bad", new float[][] {{1, 2}, {1}}, new int[] {0, 0}, List.of("a")));
        assertTrue(e2.getMessage().contains("row 1"), e2.getMessage());
    }

    @Test
    void standardizationCentresFeaturesWithOneScale() {
        float[][] rows = {{1, 10}, {3, 10}, {5, 40}};
        float[][] m = IclSource.moments(rows);
        assertArrayEquals(new float[] {3, 20}, m[0], 1e-6f);
        // centred values: -2,0,2 and -10,-10,20 -> mean square (4+0+4+100+100+400)/6
        float s = (float) Math.sqrt(608 / 6.0);
        assertArrayEquals(new float[] {s, s}, m[1], 1e-4f);
        IclSource.standardize(rows, m);
        assertEquals(-2 / s, rows[0][0], 1e-6);
        assertEquals(20 / s, rows[2][1], 1e-6);
    }
}
