package dev.polymath.text.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PoolerTest {
    // batch 2, seq 3, dim 2; row 0 has 3 real tokens, row 1 has 1 real token + 2 padding positions
    private static final float[] HIDDEN = {
            1, 2, 3, 4, 5, 6,
            10, 20, 99, 99, -99, 99};
    private static final long[] MASK = {1, 1, 1, 1, 0, 0};

    @Test
    void meanPoolingIgnoresPadding() {
        float[] out = new float[4];
        Pooler.pool(Pooling.MEAN, HIDDEN, MASK, 2, 3, 2, out, new int[] {0, 1});
        assertArrayEquals(new float[] {3, 4, 10, 20}, out, 1e-6f);
    }

    @Test
    void poolingWritesToRequestedRows() {
        float[] out = new float[4];
        Pooler.pool(Pooling.MEAN, HIDDEN, MASK, 2, 3, 2, out, new int[] {1, 0});
        assertArrayEquals(new float[] {10, 20, 3, 4}, out, 1e-6f);
    }

    @Test
    void clsPoolingTakesFirstToken() {
        float[] out = new float[4];
        Pooler.pool(Pooling.CLS, HIDDEN, MASK, 2, 3, 2, out, new int[] {0, 1});
        assertArrayEquals(new float[] {1, 2, 10, 20}, out, 1e-6f);
    }

    @Test
    void l2NormalizeAndZeroVector() {
        float[] v = {3, 4, 0, 0};
        Pooler.l2Normalize(v, 0, 2);
        Pooler.l2Normalize(v, 2, 2);
        assertArrayEquals(new float[] {0.6f, 0.8f, 0, 0}, v, 1e-7f);
        assertEquals(Pooling.CLS, Pooling.parse("CLS"));
    }
}
