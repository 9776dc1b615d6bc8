package dev.polymath.text.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

class ShuffledPassesTest {

    @Test
    void batchesAreFullAndNoRowRepeatsWithinAPass() {
        // 10 rows in batches of 4: two batches per pass, the 2 rows left over wait for the next shuffle
        var p = new ShuffledPasses(10, 7);
        for (int pass = 0; pass < 3; pass++) {
            assertTrue(p.startsPass(4), "pass " + pass);
            var seen = new HashSet<Integer>();
            for (int k = 0; k < 2; k++) {
                int[] b = p.next(4);
                assertEquals(4, b.length);
                for (int i : b) assertTrue(i >= 0 && i < 10 && seen.add(i), "row " + i + " twice in pass " + pass);
                if (k == 0) assertFalse(p.startsPass(4));
            }
        }
        var a = new ShuffledPasses(10, 7);
        var b = new ShuffledPasses(10, 7);
        for (int k = 0; k < 5; k++) assertArrayEquals(a.next(3), b.next(3), "the same seed gives the same batches");
        assertThrows(IllegalArgumentException.class, () -> new ShuffledPasses(3, 0).next(4));
    }
}
