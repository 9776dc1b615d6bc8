package dev.polymath.core.metric;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ExactMatchTest {
    static final double EPS = 1e-12;
    static final List<List<String>> REFS = List.of(List.of("Paris"), List.of("4", "four"), List.of("yes"));
    static final List<String> PRED = List.of(" Paris\n", "four", "Yes");

    @Test
    void trimmedMatchesAnyReference() {
        // " Paris\n" -> "Paris" hit; "four" hits the second reference; "Yes" != "yes" (case matters) -> 2/3
        assertEquals(2.0 / 3.0, ExactMatch.trimmed().compute(REFS, PRED), EPS);
    }

    @Test
    void rawDoesNotTrim() {
        // only "four" matches -> 1/3
        assertEquals(1.0 / 3.0, ExactMatch.raw().compute(REFS, PRED), EPS);
    }

    @Test
    void singleReference() {
        assertEquals(0.5, ExactMatch.trimmed().computeSingle(List.of("a", "b"), List.of("a ", "c")), EPS);
    }

    @Test
    void badInputs() {
        var e = assertThrows(IllegalArgumentException.class, () -> ExactMatch.trimmed().compute(REFS, List.of("x")));
        assertEquals("exact-match: gold has 3 entries but predictions have 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ExactMatch.trimmed().compute(List.of(List.of("a")), Arrays.asList((String) null)));
        assertEquals("exact-match: prediction at index 0 is null", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ExactMatch.trimmed().compute(List.of(List.of()), List.of("a")));
        assertEquals("exact-match: example at index 0 has no reference", e.getMessage());
    }
}
