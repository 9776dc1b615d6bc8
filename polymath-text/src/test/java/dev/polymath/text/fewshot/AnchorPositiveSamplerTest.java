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
    void similarBatchingPutsTheMostSimilarClassesTogetherAndKeepsThePairs() {
        int[] labels = new int[24];
        for (int i = 0; i < 24; i++) labels[i] = i % 6;   // 6 classes x 4
        double[][] sim = new double[6][6];                 // two groups of three similar classes: {0,1,2}, {3,4,5}
        for (int a = 0; a < 6; a++) for (int b = 0; b < 6; b++) sim[a][b] = a == b ? 1 : (a / 3 == b / 3 ? 0.8 - 0.01 * (a + b) : 0.1);
        var b = AnchorPositiveSampler.batches(labels, 3, 16, 5, sim);
        assertEquals(16, b.size());
        var firstRound = new java.util.ArrayList<String>();
        int seen = 0;
        for (int[][] x : b) {
            assertEquals(3, x.length, "full batches: every group has pairs left in step");
            var groups = new HashSet<Integer>();
            var classes = new HashSet<Integer>();
            for (int[] p : x) {
                assertEquals(labels[p[0]], labels[p[1]]);
                assertTrue(classes.add(labels[p[0]]), "a class twice in one batch");
                groups.add(labels[p[0]] / 3);
                if (seen++ < 24) firstRound.add(p[0] + ">" + p[1]);
            }
            assertEquals(1, groups.size(), "a batch mixes the two groups: " + java.util.Arrays.deepToString(x));
        }
        // one round = every example anchors once, as with random batching
        var anchors = new HashSet<String>();
        for (String p : firstRound) anchors.add(p.substring(0, p.indexOf('>')));
        assertEquals(24, anchors.size());
        assertThrows(IllegalArgumentException.class, () -> AnchorPositiveSampler.batches(labels, 3, 4, 5, new double[5][5]));
    }

    @Test
    void needsTwoClassesWithTwoExamples() {
        var e = assertThrows(IllegalArgumentException.class, () -> AnchorPositiveSampler.batches(new int[] {0, 0, 1}, 4, 3, 0));
        assertTrue(e.getMessage().contains("in-batch negatives need two such classes"), e.getMessage());
    }
}
