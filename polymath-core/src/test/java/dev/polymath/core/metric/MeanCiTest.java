package dev.polymath.core.metric;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MeanCiTest {

    @Test
    void studentAndNormal() {
        // 1..5: mean 3, s = sqrt(10/4) = 1.58114, s/sqrt(5) = 0.707107
        // student: t_{0.975,4} = 2.776 -> 1.9630; normal: 1.96 * 0.707107 = 1.385929
        double[] v = {1, 2, 3, 4, 5};
        MeanCi s = MeanCi.student(v);
        assertEquals(3.0, s.mean(), 1e-12);
        assertEquals(Math.sqrt(2.5), s.std(), 1e-12);
        assertEquals(5, s.n());
        assertEquals(1.9630, s.halfWidth(), 5e-4);
        MeanCi n = MeanCi.normal(v);
        assertEquals(1.96 * Math.sqrt(2.5) / Math.sqrt(5), n.halfWidth(), 1e-12);
        assertEquals(1.0370, s.lower(), 5e-4);
    }

    @Test
    void formatting() {
        assertEquals("81.53 ± 0.42", new MeanCi(81.534, 0.4249, 600, 5.3).toString());
        assertEquals("81.5 ± 0.4", new MeanCi(81.534, 0.4249, 600, 5.3).format(1));
        MeanCi pct = new MeanCi(0.81534, 0.004249, 600, 0.053).scaled(100);
        assertEquals("81.53 ± 0.42", pct.toString());
    }

    @Test
    void needsTwoFiniteValues() {
        var e = assertThrows(IllegalArgumentException.class, () -> MeanCi.student(1.0));
        assertEquals("mean ± CI (student): needs at least 2 values, got 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MeanCi.normal(1.0, Double.NaN));
        assertEquals("mean ± CI (normal): value at index 1 is NaN", e.getMessage());
    }
}
