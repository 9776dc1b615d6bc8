package dev.polymath.core.metric;

import dev.polymath.core.task.MetricSpec;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeltaMTest {
    static final double EPS = 1e-9;

    static Map<String, List<MetricSpec>> specs() {
        var m = new LinkedHashMap<String, List<MetricSpec>>();
        m.put("A", List.of(MetricSpec.higher("accuracy")));
        m.put("B", List.of(MetricSpec.lower("mse"), MetricSpec.higher("pearson")));
        return m;
    }

    @Test
    void bothDirections() {
        // A accuracy (higher better): B 0.80 -> M 0.84: (M-B)/B = +5%
        // B mse (lower better):      B 0.50 -> M 0.40: (B-M)/B = +20% (lower mse is an improvement)
        // B pearson (higher better): B 0.80 -> M 0.76: (M-B)/B = -5%
        // task A +5, task B (20 - 5)/2 = +7.5, Δm = (5 + 7.5)/2 = +6.25
        var baseline = ScoreTable.builder("single-task baseline").put("A", "accuracy", 0.80)
                .put("B", "mse", 0.50).put("B", "pearson", 0.80).build();
        var mtl = ScoreTable.builder("multi-task").put("A", "accuracy", 0.84)
                .put("B", "mse", 0.40).put("B", "pearson", 0.76).build();
        DeltaMResult r = DeltaM.compute(specs(), mtl, baseline);
        assertEquals(6.25, r.percent(), EPS);
        assertEquals(5.0, r.perTask().get("A"), EPS);
        assertEquals(7.5, r.perTask().get("B"), EPS);
        assertEquals(20.0, r.perMetric().get("B").get("mse"), EPS);
        assertEquals(-5.0, r.perMetric().get("B").get("pearson"), EPS);
        assertTrue(r.convention().startsWith("LibMTL"), r.convention());
        assertEquals("Δm = +6.25% (LibMTL)", r.toString());
    }

    @Test
    void worseOnBothSidesIsNegative() {
        // accuracy 0.80 -> 0.76: -5%; mse 0.50 -> 0.60: -20%; pearson unchanged: 0 -> task B -10; Δm = -7.5
        var baseline = ScoreTable.builder("b").put("A", "accuracy", 0.80).put("B", "mse", 0.50).put("B", "pearson", 0.80).build();
        var mtl = ScoreTable.builder("m").put("A", "accuracy", 0.76).put("B", "mse", 0.60).put("B", "pearson", 0.80).build();
        assertEquals(-7.5, DeltaM.compute(specs(), mtl, baseline).percent(), EPS);
    }

    @Test
    void libMtlDocstringExample() {
        // LibMTL count_improvement docstring: base A [96, 98], B [0.2]; new A [93, 99], B [0.5]; weights A [1, 0], B [1]
        // A: -(96-93)/96 = -0.03125 and +(98-99)/98 = -1/98 -> mean -0.0207270
        // B: -(0.2-0.5)/0.2 = +1.5; Δ = (-0.0207270 + 1.5)/2 = 0.7396365 -> 73.96365%
        var specs = new LinkedHashMap<String, List<MetricSpec>>();
        specs.put("A", List.of(MetricSpec.higher("m1"), MetricSpec.lower("m2")));
        specs.put("B", List.of(MetricSpec.higher("m1")));
        var base = ScoreTable.builder("base").put("A", "m1", 96).put("A", "m2", 98).put("B", "m1", 0.2).build();
        var neu = ScoreTable.builder("new").put("A", "m1", 93).put("A", "m2", 99).put("B", "m1", 0.5).build();
        double expected = 100 * ((-3.0 / 96 - 1.0 / 98) / 2 + 1.5) / 2;
        assertEquals(expected, DeltaM.compute(specs, neu, base).percent(), EPS);
        assertEquals(73.96365, expected, 1e-5);
    }

    @Test
    void fromTasksUsesTheirDeclaredMetrics() {
        // one task, accuracy 0.5 -> 0.6 (+20%) and mse 0.25 -> 0.20 (+20%): Δm = +20
        var task = dev.polymath.core.task.Task.builder("t", dev.polymath.core.task.TaskKind.CLASSIFICATION)
                .labels(List.of("x", "y")).metrics(MetricSpec.higher("accuracy"), MetricSpec.lower("mse"))
                .split("test", List.of()).build();
        var base = ScoreTable.builder("b").putAll("t", Map.of("accuracy", 0.5, "mse", 0.25)).build();
        var mtl = ScoreTable.builder("m").putAll("t", Map.of("accuracy", 0.6, "mse", 0.20)).build();
        assertEquals(20.0, DeltaM.compute(List.of(task), mtl, base).percent(), EPS);
    }

    @Test
    void missingOrZeroBaseline() {
        var mtl = ScoreTable.builder("multi-task").put("A", "accuracy", 0.84).put("B", "mse", 0.40).put("B", "pearson", 0.76).build();
        var missing = ScoreTable.builder("single-task baseline").put("A", "accuracy", 0.80).put("B", "mse", 0.50).build();
        var e = assertThrows(IllegalArgumentException.class, () -> DeltaM.compute(specs(), mtl, missing));
        assertEquals("single-task baseline has no value for task 'B' metric 'pearson' (it has [mse])", e.getMessage());
        var zero = ScoreTable.builder("single-task baseline").put("A", "accuracy", 0.80).put("B", "mse", 0.0).put("B", "pearson", 0.8).build();
        e = assertThrows(IllegalArgumentException.class, () -> DeltaM.compute(specs(), mtl, zero));
        assertEquals("Δm: single-task baseline value for task 'B' metric 'mse' is 0; the relative change is undefined", e.getMessage());
        var noTask = ScoreTable.builder("single-task baseline").put("A", "accuracy", 0.80).build();
        e = assertThrows(IllegalArgumentException.class, () -> DeltaM.compute(specs(), mtl, noTask));
        assertEquals("single-task baseline has no values for task 'B' (it has tasks [A])", e.getMessage());
    }
}
