package dev.polymath.icl.spec;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class PythonRandomTest {
    // Expected values printed by CPython 3.11.7: random.seed(s); random.getrandbits(32) / random.randint(a, b).

    @Test
    void streamMatchesCPython() {
        var r = new PythonRandom(12345);
        assertEquals(1789368711L, r.nextUint32());
        assertEquals(3146859322L, r.nextUint32());
        assertEquals(43676229L, r.nextUint32());
        var big = new PythonRandom((1L << 40) + 7);
        assertEquals(2635837658L, big.nextUint32());
        assertEquals(3209733218L, big.nextUint32());
    }

    @Test
    void randintMatchesCPython() {
        var r = new PythonRandom(0);
        int[] expected = {6, 6, 0, 4, 8, 7, 6, 4};
        for (int e : expected) assertEquals(e, r.randint(0, 9));
    }

    @Test
    void mmluProFallbackGuessPerOptionCount() {
        // random.seed(12345); random.randint(0, n - 1) for n = 2..16
        int[] expected = {1, 1, 3, 3, 3, 3, 6, 6, 6, 6, 6, 6, 6, 6, 13};
        for (int n = 2; n <= 16; n++) assertEquals(expected[n - 2], FallbackPolicy.RANDOM_SEEDED.guess(n), "n=" + n);
        assertEquals(-1, FallbackPolicy.COUNT_AS_WRONG.guess(4));
    }
}
