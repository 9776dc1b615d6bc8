package dev.polymath.icl.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ScoringTest {
    @Test
    void accNormDividesByCharacterLengthOfTheChoice() {
        // choices of 3, 12 and 6 characters
        List<String> choices = List.of("cat", "a long thing", "medium");
        double[] ll = {-6.0, -9.0, -7.2};
        // acc: argmax ll = choice 0 (-6.0)
        assertEquals(0, Scoring.argmax(ll));
        // acc_norm: -6/3 = -2.0, -9/12 = -0.75, -7.2/6 = -1.2 -> choice 1
        double[] norm = Scoring.perChar(ll, choices);
        assertArrayEquals(new double[] {-2.0, -0.75, -1.2}, norm, 1e-12);
        assertEquals(1, Scoring.argmax(norm));
    }

    @Test
    void singleLetterChoicesMakeAccNormEqualAcc() {
        double[] ll = {-1.5, -0.2, -3.0, -0.9};
        assertEquals(Scoring.argmax(ll), Scoring.argmax(Scoring.perChar(ll, List.of("A", "B", "C", "D"))));
    }

    @Test
    void tiesGoToTheFirstChoiceAndLengthsCountCodePoints() {
        assertEquals(1, Scoring.argmax(new double[] {-2, -1, -1}));
        // "😀😀" is 2 code points (4 UTF-16 units), as Python's len
        assertArrayEquals(new double[] {-1.0}, Scoring.perChar(new double[] {-2.0}, List.of("😀😀")), 1e-12);
    }
}
