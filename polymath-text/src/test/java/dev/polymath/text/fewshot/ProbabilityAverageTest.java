package dev.polymath.text.fewshot;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProbabilityAverageTest {
    @Test
    void averagesTheMembersAndPredictsTheHighestMean() {
        var ab = LabelIndex.of(List.of("a", "b"));
        // text 0: member 1 says a (0.6), member 2 says b (0.9): mean a 0.35, b 0.65
        var avg = new ProbabilityAverage(ab)
                .add(new double[][] {{0.6, 0.4}, {0.9, 0.1}}, ab)
                .add(new double[][] {{0.1, 0.9}, {0.8, 0.2}}, ab);
        assertEquals(2, avg.members());
        assertArrayEquals(new double[] {0.35, 0.65}, avg.mean()[0], 1e-12);
        assertArrayEquals(new double[] {0.85, 0.15}, avg.mean()[1], 1e-12);
        assertEquals(List.of("b", "a"), avg.predict());
        // a single member predicts what it predicts
        assertEquals(List.of("a", "a"), new ProbabilityAverage(ab).add(new double[][] {{0.6, 0.4}, {0.9, 0.1}}, ab).predict());
    }

    @Test
    void mismatchedMembersFailNamingTheProblem() {
        var ab = LabelIndex.of(List.of("a", "b"));
        var e = assertThrows(IllegalArgumentException.class,
                () -> new ProbabilityAverage(ab).add(new double[][] {{0.5, 0.5}}, LabelIndex.of(List.of("a", "c"))));
        assertTrue(e.getMessage().contains("'b'"), e.getMessage());
        var avg = new ProbabilityAverage(ab).add(new double[][] {{0.5, 0.5}}, ab);
        var n = assertThrows(IllegalArgumentException.class, () -> avg.add(new double[][] {{0.5, 0.5}, {0.5, 0.5}}, ab));
        assertTrue(n.getMessage().contains("texts"), n.getMessage());
        assertThrows(IllegalStateException.class, () -> new ProbabilityAverage(ab).mean());
    }
}
