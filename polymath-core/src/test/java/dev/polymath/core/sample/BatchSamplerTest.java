package dev.polymath.core.sample;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class BatchSamplerTest {

    private static int[] flatten(List<int[]> batches) {
        return batches.stream().flatMapToInt(Arrays::stream).toArray();
    }

    private static void assertPermutation(int[] a, int n) {
        assertEquals(n, a.length);
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < n; i++) assertEquals(i, sorted[i], "every item exactly once");
    }

    @Test
    void shuffledEpochCoversEveryItemOnceAndIsDeterministicPerSeedAndEpoch() {
        var s = BatchSampler.shuffled(103, 10, 42);
        assertEquals(11, s.batchesPerEpoch());
        for (int epoch = 0; epoch < 5; epoch++) {
            List<int[]> batches = s.epoch(epoch);
            assertEquals(11, batches.size());
            for (int b = 0; b < 10; b++) assertEquals(10, batches.get(b).length);
            assertEquals(3, batches.get(10).length);
            assertPermutation(flatten(batches), 103);
        }
        // pure function of (seed, epoch), independent of what was asked before
        var again = BatchSampler.shuffled(103, 10, 42);
        assertArrayEquals(s.order(3), again.order(3));
        assertArrayEquals(flatten(s.epoch(2)), flatten(again.epoch(2)));
        assertFalse(Arrays.equals(s.order(0), s.order(1)), "epochs differ");
        assertFalse(Arrays.equals(s.order(0), BatchSampler.shuffled(103, 10, 43).order(0)), "seeds differ");
    }

    @Test
    void dropLastLeavesOutTheShortBatchOnly() {
        var s = BatchSampler.shuffled(103, 10, 1).dropLast(true);
        assertEquals(10, s.batchesPerEpoch());
        List<int[]> batches = s.epoch(0);
        assertEquals(10, batches.size());
        assertTrue(batches.stream().allMatch(b -> b.length == 10));
        int[] all = flatten(batches);
        assertEquals(100, Arrays.stream(all).distinct().count());
        // same order as without drop-last, just cut
        assertArrayEquals(Arrays.copyOf(BatchSampler.shuffled(103, 10, 1).order(0), 100), all);
    }

    @Test
    void sequentialKeepsIndexOrderAndItemsMapToBatches() {
        var s = BatchSampler.sequential(5, 2);
        assertEquals(List.of(List.of("a", "b"), List.of("c", "d"), List.of("e")), s.epoch(List.of("a", "b", "c", "d", "e"), 7));
        assertThrows(IllegalArgumentException.class, () -> s.epoch(List.of("a"), 0));
    }

    @Test
    void stratifiedBatchesFollowClassProportionsAndCoverEverything() {
        // 60 of class 0, 30 of class 1, 10 of class 2
        int[] classOf = new int[100];
        for (int i = 0; i < 100; i++) classOf[i] = i % 10 < 6 ? 0 : i % 10 < 9 ? 1 : 2;
        var s = BatchSampler.stratified(classOf, 10, 5);
        for (int epoch = 0; epoch < 4; epoch++) {
            List<int[]> batches = s.epoch(epoch);
            assertPermutation(flatten(batches), 100);
            int[] seen = new int[3];
            int total = 0;
            for (int[] b : batches) {
                for (int i : b) seen[classOf[i]]++;
                total += b.length;
                assertEquals(0.6 * total, seen[0], 2.0, "class 0 prefix share");
                assertEquals(0.3 * total, seen[1], 2.0, "class 1 prefix share");
                assertEquals(0.1 * total, seen[2], 2.0, "class 2 prefix share");
            }
        }
        assertArrayEquals(s.order(1), BatchSampler.stratified(classOf, 10, 5).order(1));
        assertFalse(Arrays.equals(s.order(1), s.order(2)));
    }

    @Test
    void classBalancedOversamplesRareClasses() {
        int[] classOf = new int[1000];
        for (int i = 0; i < 1000; i++) classOf[i] = i < 900 ? 0 : 1; // 90% / 10%
        var s = BatchSampler.classBalanced(classOf, 50, 9);
        int[] seen = new int[2];
        for (int epoch = 0; epoch < 5; epoch++) {
            int[] order = flatten(s.epoch(epoch));
            assertEquals(1000, order.length);
            for (int i : order) seen[classOf[i]]++;
        }
        assertEquals(0.5, seen[1] / 5000.0, 0.03);
        assertArrayEquals(s.order(4), BatchSampler.classBalanced(classOf, 50, 9).order(4));
    }

    @Test
    void classIndicesFollowTheLabelSet() {
        var task = Fixtures.classification("t", "", 2, 1);
        assertArrayEquals(new int[] {0, 1, 0}, BatchSampler.classIndices(task, task.split("train")));
    }
}
