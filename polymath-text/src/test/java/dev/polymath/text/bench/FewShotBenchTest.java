package dev.polymath.text.bench;

import dev.polymath.core.bench.BenchContext;
import dev.polymath.core.bench.Figure;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench fewshot --quick}: every figure is reported and plausible (8 BANKING77 classes, 2 setfit steps, 1 thread). */
class FewShotBenchTest {
    @Test
    void quickRunReportsEveryFigure() {
        var r = new FewShotBench().run(new BenchContext(1, true, true, Map.of(), System.out));
        var f = new java.util.LinkedHashMap<String, Double>();
        for (Figure x : r.polymath().figures()) f.put(x.name(), x.value());
        for (String k : new String[] {"prototype_fit_cached_ms", "prototype_fit_from_texts_ms", "prototype_predict_test_cached_ms",
                "setfit_fit_s", "setfit_lora_fit_s", "setfit_predict_test_s", "peak_rss_mb"}) {
            assertTrue(f.containsKey(k) && f.get(k) > 0, k + " in " + f);
        }
        assertTrue(f.get("prototype_fit_cached_ms") < f.get("prototype_fit_from_texts_ms"), f.toString());
        assertTrue(f.get("prototype_accuracy_pct") > 80, "8 BANKING77 intents from 10 examples: " + f);
        assertEquals(null, r.peer());
    }
}
