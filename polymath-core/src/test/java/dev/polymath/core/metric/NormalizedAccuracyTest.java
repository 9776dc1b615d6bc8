package dev.polymath.core.metric;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NormalizedAccuracyTest {

    @Test
    void perTaskAndAverage() {
        // a: 0.72 / 0.80 = 0.9; b: 0.90 / 0.90 = 1.0; mean 0.95
        var merged = new LinkedHashMap<String, Double>();
        merged.put("a", 0.72);
        merged.put("b", 0.90);
        var r = NormalizedAccuracy.compute(merged, Map.of("a", 0.80, "b", 0.90, "c", 0.5));
        assertEquals(0.9, r.perTask().get("a"), 1e-12);
        assertEquals(1.0, r.perTask().get("b"), 1e-12);
        assertEquals(0.95, r.average(), 1e-12);
        assertEquals(2, r.perTask().size());
    }

    @Test
    void missingOrZeroIndividual() {
        var e = assertThrows(IllegalArgumentException.class, () -> NormalizedAccuracy.compute(Map.of("a", 0.7), Map.of("b", 0.8)));
        assertEquals("normalized accuracy: no individual fine-tuned accuracy for task 'a' (have [b])", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NormalizedAccuracy.compute(Map.of("a", 0.7), Map.of("a", 0.0)));
        assertEquals("normalized accuracy: individual fine-tuned accuracy of task 'a' is 0.0; it must be > 0", e.getMessage());
    }
}
