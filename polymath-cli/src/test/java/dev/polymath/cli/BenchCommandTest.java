package dev.polymath.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The harness's output contract (not a timing test: no figure is asserted beyond being positive). */
class BenchCommandTest {
    @Test
    void listNamesEveryBenchmark() {
        var r = MainTest.run("bench", "list");
        assertEquals(0, r.code(), r.err());
        for (String b : new String[] {"encode", "encoder-train", "mtl-step", "maml-sine", "merge"}) {
            assertTrue(r.out().contains(b), b + " missing from: " + r.out());
        }
    }

    @Test
    void jsonCarriesBothSidesUnitsSettingsAndRatio() throws Exception {
        var r = MainTest.run("bench", "encode", "--quick", "--json", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        var root = new ObjectMapper().readTree(r.out().strip());
        var ours = root.path("polymath").path("figures").path("sentences_per_second");
        var theirs = root.path("peer").path("figures").path("sentences_per_second");
        assertEquals("sentences/s", ours.path("unit").asText());
        assertTrue(ours.path("value").asDouble() > 0 && theirs.path("value").asDouble() > 0);
        assertEquals(1, root.path("polymath").path("settings").path("encoder_threads").asInt());
        double ratio = root.path("ratio").path("sentences_per_second").asDouble();
        assertEquals(ours.path("value").asDouble() / theirs.path("value").asDouble(), ratio, 1e-9);
        assertTrue(r.out().contains("vectors and the fp32 ONNX vectors") && r.out().contains("peak RSS (VmHWM)"), r.out());
        String precision = dev.polymath.text.encoder.Precision.cpuHasNativeBf16() ? "bf16" : "fp32";
        assertTrue(root.path("polymath").path("settings").path("encoder").asText().contains(precision.equals("bf16") ? "bf16" : "ONNX Runtime fp32"), r.out());
    }
}
