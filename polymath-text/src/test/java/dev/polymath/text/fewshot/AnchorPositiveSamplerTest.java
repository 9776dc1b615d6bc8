package dev.polymath.text.fewshot;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class AnchorPositiveSamplerTest {
    @Test
    void batchesHoldDistinctClassesAndSameClassPairsAndEveryExampleAnchorsOncePerRound() {
        int[] labels = new int[30];
        for (int i = 0; i < 30; i++) labels[i] = i % 6;   // 6 classes x 5
        int batch = 4;
        List<int[][]> b = AnchorPositiveSampler.batches(labels, batch, 40, 7);
        assertEquals(40, b.size());
        var firstRoundAnchors = new HashSet<Integer>();
        int seen = 0;
        for (int[][] x : b) {
            assertTrue(x.length >= 2 && x.length <= batch);
            var classes = new HashSet<Integer>();
            for (int[] p : x) {
                assertEquals(labels[p[0]], labels[p[1]], "positive of the same class");
                assertNotEquals(p[0], p[1]);
                assertTrue(classes.add(labels[p[0]]), "a class twice in one batch");
                if (seen < 30) firstRoundAnchors.add(p[0]);
                seen++;
            }
        }
        assertEquals(30, firstRoundAnchors.size(), "the first 30 pairs anchor every example once");
        // deterministic from the seed, different with another seed
        var again = AnchorPositiveSampler.batches(labels, batch, 40, 7);
        for (int i = 0; i < 40; i++) assertArrayEquals(b.get(i), again.get(i));
        var other = AnchorPositiveSampler.batches(labels, batch, 40, 8);
        boolean differs = false;
        for (int i = 0; i < 40 && !differs; i++) differs = !java.util.Arrays.deepEquals(b.get(i), other.get(i));
        assertTrue(differs);
    }

    @Test
    void successiveRoundsGiveAnExampleDifferentPositives() {
        int[] labels = {0, 0, 0, 1, 1, 1};
        var b = AnchorPositiveSampler.batches(labels, 2, 6, 1); // 3 batches per round: 2 rounds
        var positivesOf0 = new HashSet<Integer>();
        for (int[][] x : b) for (int[] p : x) if (p[0] == 0) positivesOf0.add(p[1]);
        assertEquals(java.util.Set.of(1, 2), positivesOf0);
    }

    @Test
    void needsTwoClassesWithTwoExamples() {
        var e = assertThrows(IllegalArgumentException.class, () -> AnchorPositiveSampler.batches(new int[] {0, 0, 1}, 4, 3, 0));
        assertTrue(e.getMessage().contains("in-batch negatives need two such classes"), e.getMessage());
    }
}
