package dev.polymath.core.metric;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StudentTTest {

    @Test
    void tableValuesOf975Quantile() {
        // two-sided 95% critical values from any t table
        assertEquals(12.706, StudentT.quantile(0.975, 1), 5e-4);
        assertEquals(4.303, StudentT.quantile(0.975, 2), 5e-4);
        assertEquals(2.262, StudentT.quantile(0.975, 9), 5e-4);
        assertEquals(2.045, StudentT.quantile(0.975, 29), 5e-4);
        assertEquals(1.964, StudentT.quantile(0.975, 599), 5e-4);
        assertEquals(2.776, StudentT.quantile(0.975, 4), 5e-4);
    }

    @Test
    void closedForms() {
        // ν = 1 (Cauchy): t_p = tan(π(p − ½)); ν = 2: t_p = α·sqrt(2/(1 − α²)) with α = 2p − 1
        assertEquals(Math.tan(Math.PI * 0.475), StudentT.quantile(0.975, 1), 1e-9);
        assertEquals(0.95 * Math.sqrt(2 / (1 - 0.95 * 0.95)), StudentT.quantile(0.975, 2), 1e-9);
        assertEquals(Math.tan(Math.PI * 0.4), StudentT.quantile(0.9, 1), 1e-9);
        // ν = 1 CDF: ½ + atan(t)/π
        assertEquals(0.5 + Math.atan(2.0) / Math.PI, StudentT.cdf(2.0, 1), 1e-12);
        // ν = 2 CDF: ½ + t / (2 sqrt(2 + t²))
        assertEquals(0.5 + 1.5 / (2 * Math.sqrt(2 + 2.25)), StudentT.cdf(1.5, 2), 1e-12);
    }

    @Test
    void symmetryAndLimit() {
        assertEquals(0.0, StudentT.quantile(0.5, 7), 0);
        assertEquals(-StudentT.quantile(0.975, 7), StudentT.quantile(0.025, 7), 1e-12);
        assertEquals(0.5, StudentT.cdf(0, 3), 1e-15);
        // large ν approaches the normal quantile 1.959964
        assertEquals(1.959964, StudentT.quantile(0.975, 1e7), 1e-5);
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(1.0, 3));
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(0.9, 0));
    }
}
