package dev.polymath.nn.mtl;

import dev.polymath.nn.NativeMemory;
import dev.polymath.nn.mtl.weighting.GradientMode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resident memory must not grow with steps once warmed up (no per-step native leak). The test JVM has a fixed,
 * pre-touched heap (see the module's surefire argLine), so resident growth is native growth; the warm-up covers
 * JIT compilation, whose compiler arenas are native too.
 */
class NativeMemoryFlatTest {
    @Test
    void residentMemoryStaysFlatOver2000Steps() {
        for (GradientMode mode : new GradientMode[] {GradientMode.LOSSES, GradientMode.PARAMETERS, GradientMode.REPRESENTATION}) {
            try (var r = new MtlStepTest.Rig("hps", TestWeightings.equal(mode), 1)) {
                for (int i = 0; i < 6000; i++) r.run(i);
                long start = NativeMemory.residentBytes();
                long max = start;
                for (int i = 6000; i < 8000; i++) {
                    r.run(i);
                    if (i % 100 == 0) max = Math.max(max, NativeMemory.residentBytes());
                }
                long growth = Math.max(max, NativeMemory.residentBytes()) - start;
                assertTrue(growth < 4L << 20, mode + ": resident memory grew by " + (growth >> 10) + " KiB over 2000 steps");
            }
        }
    }

    @Test
    void sparseMoeWithItsAuxiliaryLossStaysFlatToo() {
        // routing builds masks and noise on the Java side every step and back-propagates an auxiliary loss
        try (var r = new MtlStepTest.Rig("sparse_moe", ArchitecturesTrainingTest.options("sparse_moe"),
                TestWeightings.equal(GradientMode.PARAMETERS), 1)) {
            for (int i = 0; i < 4000; i++) r.run(i);
            long start = NativeMemory.residentBytes();
            long max = start;
            for (int i = 4000; i < 6000; i++) {
                r.run(i);
                if (i % 100 == 0) max = Math.max(max, NativeMemory.residentBytes());
            }
            long growth = Math.max(max, NativeMemory.residentBytes()) - start;
            assertTrue(growth < 4L << 20, "resident memory grew by " + (growth >> 10) + " KiB over 2000 steps");
        }
    }
}
