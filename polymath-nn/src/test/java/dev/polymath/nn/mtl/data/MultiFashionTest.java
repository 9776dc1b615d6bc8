package dev.polymath.nn.mtl.data;

import dev.polymath.core.data.FashionMnistLoader;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultiFashionTest {
    /** Four 28x28 items: item k is filled with value 10*(k+1) in a 2x2 block at its top-left corner, label k. */
    static FashionMnistLoader.Split tiny() {
        int n = 4, s = 28 * 28;
        byte[] px = new byte[n * s], lab = new byte[n];
        for (int k = 0; k < n; k++) {
            lab[k] = (byte) k;
            for (int y = 0; y < 28; y++) for (int x = 0; x < 28; x++) px[k * s + y * 28 + x] = (byte) (y < 2 && x < 2 ? 10 * (k + 1) : 1);
        }
        return new FashionMnistLoader.Split("train", n, 28, 28, px, lab);
    }

    @Test
    void compositesHoldBothItemsShiftedByAtMostFourPixels() {
        var mf = MultiFashion.generate(tiny(), "train", 200, 3);
        assertEquals(200, mf.size());
        for (int i = 0; i < 200; i++) {
            int l = mf.label(0, i), r = mf.label(1, i);
            int foundL = -1, foundR = -1;
            for (int y = 0; y < 36; y++) {
                for (int x = 0; x < 36; x++) {
                    int v = mf.pixel(i, y, x);
                    if (v == 10 * (l + 1) && y <= 4 && x <= 4 && foundL < 0) foundL = y * 36 + x;
                    if (v == 10 * (r + 1) && y >= 4 && x >= 4 && y <= 8 + 1 && x <= 8 + 1) foundR = y * 36 + x;
                }
            }
            assertTrue(foundL >= 0, "left item's corner within 4 px of (0,0) in composite " + i);
            assertTrue(foundR >= 0, "right item's corner within 4 px of (8,8) in composite " + i);
            assertEquals(0, mf.pixel(i, 35, 0), "bottom-left corner is empty");
        }
        assertEquals(10, mf.tasks().get(0).labels().size());
        assertEquals("L", mf.tasks().get(0).name());
        assertEquals("R", mf.tasks().get(1).name());
    }

    @Test
    void overlapTakesTheMaximum() {
        var mf = MultiFashion.generate(tiny(), "train", 50, 1);
        for (int i = 0; i < 50; i++) assertTrue(mf.pixel(i, 12, 12) >= 1, "centre is covered by both items (background 1)");
    }

    @Test
    void sameSeedSameDataOtherSeedOtherData() {
        var a = MultiFashion.generate(tiny(), "train", 100, 9);
        var b = MultiFashion.generate(tiny(), "train", 100, 9);
        var c = MultiFashion.generate(tiny(), "train", 100, 10);
        boolean differs = false;
        for (int i = 0; i < 100; i++) {
            assertEquals(a.label(0, i), b.label(0, i));
            assertEquals(a.label(1, i), b.label(1, i));
            for (int y = 0; y < 36; y++) for (int x = 0; x < 36; x++) assertEquals(a.pixel(i, y, x), b.pixel(i, y, x));
            differs |= a.label(0, i) != c.label(0, i);
        }
        assertTrue(differs);
    }

    @Test
    void inputsAreScaledToUnitRange() {
        var mf = MultiFashion.generate(tiny(), "train", 3, 2);
        FloatBuffer fb = FloatBuffer.allocate(2 * 36 * 36);
        mf.fillInputs(new int[] {2, 0}, 2, fb);
        assertEquals(mf.pixel(2, 0, 0) / 255f, fb.get(0), 0f);
        assertEquals(mf.pixel(0, 1, 1) / 255f, fb.get(36 * 36 + 37), 0f);
    }

    @Test
    void rejectsWrongItemSize() {
        var s = new FashionMnistLoader.Split("x", 1, 27, 27, new byte[27 * 27], new byte[1]);
        assertThrows(IllegalArgumentException.class, () -> MultiFashion.generate(s, "train", 1, 0));
    }
}
