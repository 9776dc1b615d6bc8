package dev.polymath.core.util;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;

import static org.junit.jupiter.api.Assertions.*;

class SeedsTest {
    @Test
    void namedStreamsAreReproducibleAndIndependent() {
        assertEquals(Seeds.stream(7, "episodes").nextLong(), Seeds.stream(7, "episodes").nextLong());
        assertNotEquals(Seeds.stream(7, "episodes").nextLong(), Seeds.stream(7, "batches").nextLong());
        assertNotEquals(Seeds.stream(7, "episodes").nextLong(), Seeds.stream(8, "episodes").nextLong());
    }

    @Test
    void sampleWithoutReplacementIsDistinctAndBounded() {
        int[] s = Seeds.sampleWithoutReplacement(10, 10, Seeds.stream(1, "t"));
        assertEquals(10, new HashSet<>(Arrays.stream(s).boxed().toList()).size());
        assertThrows(IllegalArgumentException.class, () -> Seeds.sampleWithoutReplacement(3, 4, Seeds.stream(1, "t")));
    }
}
