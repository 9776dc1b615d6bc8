package dev.polymath.nn.mtl;

import dev.polymath.nn.mtl.arch.Architectures;
import dev.polymath.nn.mtl.weighting.GradientMode;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every registered architecture trains, takes every gradient path, and leaves no native arrays behind. */
class ArchitecturesTrainingTest {
    /** Small options so each net stays tiny; the auxiliary losses are switched on where they exist. */
    static Map<String, String> options(String arch) {
        return switch (arch) {
            case "mmoe" -> Map.of("experts", "2");
            case "cgc" -> Map.of("shared-experts", "2", "task-experts", "1");
            case "ple" -> Map.of("shared-experts", "1", "task-experts", "1", "levels", "2");
            case "dselect_k" -> Map.of("experts", "3", "k", "2", "entropy-weight", "0.01");
            case "sparse_moe" -> Map.of("experts", "3", "k", "2", "balance-weight", "0.1", "capacity-factor", "1.5");
            default -> Map.of();
        };
    }

    @Test
    void everyArchitectureCoversTheRegistry() {
        assertEquals(List.of("hps", "mmoe", "cgc", "ple", "dselect_k", "sparse_moe", "cross_stitch", "dtrn"), Architectures.names());
    }

    @Test
    void everyArchitectureTrainsDownOnAToyProblem() {
        for (String arch : Architectures.names()) {
            try (var r = new MtlStepTest.Rig(arch, options(arch), TestWeightings.equal(GradientMode.LOSSES), 1)) {
                double first = 0, last = 0;
                for (int i = 0; i < 160; i++) {
                    double total;
                    try {
                        total = r.run(i).total();
                    } catch (RuntimeException e) {
                        throw new AssertionError(arch + " at step " + i, e);
                    }
                    if (i < 4) first += total;
                    if (i >= 156) last += total;
                }
                assertTrue(last < first * 0.8, arch + ": loss " + first / 4 + " -> " + last / 4);
            }
        }
    }

    @Test
    void gradientPathsWithEqualWeightsMatchTheSummedLossIncludingAuxiliaryLosses() {
        for (String arch : Architectures.names()) {
            float[][] after = new float[3][];
            GradientMode[] modes = {GradientMode.LOSSES, GradientMode.PARAMETERS, GradientMode.REPRESENTATION};
            for (int m = 0; m < 3; m++) {
                try (var r = new MtlStepTest.Rig(arch, options(arch), TestWeightings.equal(modes[m]), 3)) {
                    for (int i = 0; i < 3; i++) r.run(i);
                    after[m] = r.net.parameters().values().clone();
                }
            }
            assertArrayEquals(after[0], after[1], 2e-5f, arch + ": per-task parameter gradients");
            assertArrayEquals(after[0], after[2], 2e-5f, arch + ": per-task representation gradients");
        }
    }

    @Test
    void auxiliaryLossIsPartOfTheObjective() {
        // all task weights 0: only the load-balancing loss moves anything, and only the gates
        try (var r = new MtlStepTest.Rig("sparse_moe", Map.of("experts", "3", "k", "1", "balance-weight", "1"), TestWeightings.fixed(0.0, 0.0), 4)) {
            var params = r.net.parameters();
            float[] before = params.values().clone();
            r.run(0);
            for (var s : params.specs()) {
                boolean moved = !Arrays.equals(Arrays.copyOfRange(before, s.offset(), s.offset() + s.size()),
                        Arrays.copyOfRange(params.values(), s.offset(), s.offset() + s.size()));
                assertEquals(s.name().contains(".gate"), moved, s.name());
            }
        }
    }

    @Test
    void stepsLeaveNoArraysBehind() {
        for (String arch : Architectures.names()) {
            try (var r = new MtlStepTest.Rig(arch, options(arch), TestWeightings.equal(GradientMode.PARAMETERS), 2)) {
                r.run(0);
                int before = r.root.getManagedArrays().size();
                for (int i = 1; i < 20; i++) r.run(i);
                assertEquals(before, r.root.getManagedArrays().size(), arch);
            }
        }
    }
}
