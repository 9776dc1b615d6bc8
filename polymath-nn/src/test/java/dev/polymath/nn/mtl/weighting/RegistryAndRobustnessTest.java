package dev.polymath.nn.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every registered method: registry, 50 random steps without NaN, reset, seeded determinism. */
class RegistryAndRobustnessTest {
    static final List<String> EXPECTED = List.of("ew", "uw", "dwa", "gls", "rlw", "gradnorm", "mgda", "pcgrad",
            "gradvac", "cagrad", "imtl", "nash_mtl", "aligned_mtl", "famo");

    static List<String> allNames() {
        List<String> names = new ArrayList<>(WeightingRegistry.names());
        names.addAll(List.of("mgda:l2", "mgda:loss", "mgda:loss+", "mgda:none", "aligned_mtl:median", "aligned_mtl:rmse"));
        return names;
    }

    @Test
    void registryHasTheListedMethods() {
        assertEquals(EXPECTED, WeightingRegistry.names());
        for (String n : EXPECTED) assertEquals(n, WeightingRegistry.create(n).name());
        assertInstanceOf(Mgda.class, WeightingRegistry.create("MGDA:loss+"));
        assertEquals(Mgda.Normalization.LOSS_PLUS, ((Mgda) WeightingRegistry.create("mgda:loss+")).normalization());
        assertInstanceOf(NashMtl.class, WeightingRegistry.create("nash-mtl"));
    }

    @Test
    void unknownNameListsValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WeightingRegistry.create("sgd"));
        for (String n : EXPECTED) assertTrue(e.getMessage().contains(n), e.getMessage());
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class, () -> WeightingRegistry.create("mgda:l1"));
        assertTrue(m.getMessage().contains("loss+"), m.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WeightingRegistry.create("pcgrad:x"));
    }

    @Test
    void supportedModes() {
        for (String n : List.of("gradnorm", "mgda", "imtl", "aligned_mtl")) {
            assertTrue(WeightingRegistry.create(n).supports(GradientMode.REPRESENTATION), n);
        }
        for (String n : List.of("pcgrad", "gradvac", "cagrad", "nash_mtl")) {
            Weighting w = WeightingRegistry.create(n);
            assertFalse(w.supports(GradientMode.REPRESENTATION), n);
            w.reset(2, 0);
            assertThrows(IllegalArgumentException.class, () -> w.step(WeightingInput.ofRepresentation(0, 0,
                    new double[] {1, 1}, new float[][] {{1, 2}, {3, 4}}, 2)), n);
        }
        for (String n : List.of("ew", "uw", "dwa", "gls", "rlw", "famo")) {
            Weighting w = WeightingRegistry.create(n);
            assertEquals(GradientMode.LOSSES, w.mode());
            for (GradientMode m : GradientMode.values()) assertTrue(w.supports(m), n);
        }
    }

    @Test
    void stepBeforeResetAndWrongShapesFail() {
        Weighting w = WeightingRegistry.create("pcgrad");
        assertThrows(IllegalStateException.class, () -> w.step(WeightingInput.ofLosses(0, 0, 1, 1)));
        w.reset(2, 0);
        assertThrows(IllegalArgumentException.class, () -> w.step(WeightingInput.ofLosses(0, 0, 1, 1)));
        assertThrows(IllegalArgumentException.class,
                () -> w.step(new WeightingInput(0, 0, new double[] {1, 1, 1}, new float[][] {{1}, {1}, {1}})));
    }

    /** 50 steps of random inputs (5 epochs of 10 steps), with FAMO's after-update call. */
    static List<WeightingResult> runRandom(Weighting w, int tasks, long seed, int p, boolean representation) {
        SplittableRandom rng = new SplittableRandom(seed * 31 + tasks);
        w.reset(tasks, seed);
        List<WeightingResult> out = new ArrayList<>();
        for (int s = 0; s < 50; s++) {
            double[] losses = new double[tasks];
            for (int t = 0; t < tasks; t++) losses[t] = 0.05 + rng.nextDouble() * 3 / (1 + s / 10.0);
            float[][] g = new float[tasks][p];
            for (int t = 0; t < tasks; t++) {
                double scale = Math.pow(10, rng.nextDouble(-2, 2));
                for (int i = 0; i < p; i++) g[t][i] = (float) (rng.nextGaussian() * scale);
            }
            WeightingInput in = representation
                    ? WeightingInput.ofRepresentation(s, s / 10, losses, g, 4)
                    : new WeightingInput(s, s / 10, losses, w.mode() == GradientMode.LOSSES && rng.nextBoolean() ? null : g);
            out.add(w.step(in));
            if (w.wantsLossesAfterUpdate()) {
                double[] after = losses.clone();
                for (int t = 0; t < tasks; t++) after[t] *= 0.5 + rng.nextDouble();
                w.afterUpdate(after);
            }
        }
        return out;
    }

    static void assertSane(String name, List<WeightingResult> results, int tasks, int p) {
        for (WeightingResult r : results) {
            assertNotNull(r.weights(), name);
            assertEquals(tasks, r.weights().length, name);
            for (double v : r.weights()) assertTrue(Double.isFinite(v), name + " weight " + v);
            if (r.sharedGradient() != null) {
                assertEquals(p, r.sharedGradient().length, name);
                for (float v : r.sharedGradient()) assertTrue(Float.isFinite(v), name + " gradient " + v);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("allNames")
    void fiftyRandomStepsStayFinite(String name) {
        for (int tasks : new int[] {2, 3, 5, 10}) {
            Weighting w = WeightingRegistry.create(name);
            assertSane(name + " T=" + tasks, runRandom(w, tasks, 11, 64, false), tasks, 64);
        }
        Weighting w = WeightingRegistry.create(name);
        if (w.supports(GradientMode.REPRESENTATION) && w.mode() != GradientMode.LOSSES) {
            assertSane(name + " rep", runRandom(w, 4, 5, 4 * 16, true), 4, 64);
        }
    }

    @ParameterizedTest
    @MethodSource("allNames")
    void resetClearsStateAndSeedsAreDeterministic(String name) {
        Weighting w = WeightingRegistry.create(name);
        List<WeightingResult> first = runRandom(w, 3, 7, 32, false);
        List<WeightingResult> again = runRandom(w, 3, 7, 32, false); // same instance after reset
        List<WeightingResult> fresh = runRandom(WeightingRegistry.create(name), 3, 7, 32, false);
        for (int s = 0; s < first.size(); s++) {
            assertArrayEquals(first.get(s).weights(), again.get(s).weights(), name + " step " + s);
            assertArrayEquals(first.get(s).weights(), fresh.get(s).weights(), name + " step " + s);
            if (first.get(s).sharedGradient() != null) {
                assertArrayEquals(first.get(s).sharedGradient(), again.get(s).sharedGradient(), name);
            }
        }
    }

    @Test
    void seedChangesRandomMethods() {
        Weighting a = WeightingRegistry.create("rlw");
        a.reset(3, 1);
        Weighting b = WeightingRegistry.create("rlw");
        b.reset(3, 2);
        double[] wa = a.step(WeightingInput.ofLosses(0, 0, 1, 1, 1)).weights();
        double[] wb = b.step(WeightingInput.ofLosses(0, 0, 1, 1, 1)).weights();
        assertFalse(java.util.Arrays.equals(wa, wb));
    }

    @Test
    void sharedGradientIsTheWeightedSumOfTheRows() {
        SplittableRandom rng = new SplittableRandom(3);
        float[][] g = new float[4][50];
        for (float[] row : g) for (int i = 0; i < row.length; i++) row[i] = (float) rng.nextGaussian();
        for (String n : List.of("gradnorm", "mgda", "mgda:l2", "mgda:loss+", "pcgrad", "gradvac", "cagrad", "imtl",
                "aligned_mtl")) {
            Weighting w = WeightingRegistry.create(n);
            w.reset(4, 0);
            WeightingResult r = w.step(new WeightingInput(0, 1, new double[] {1, 2, 0.5, 1.5}, g));
            if (r.sharedGradient() == null) continue; // gradnorm in its first epoch
            float[] expected = GradMath.combine(g, r.weights());
            for (int i = 0; i < expected.length; i++) assertEquals(expected[i], r.sharedGradient()[i], 1e-4, n);
        }
    }

    @Test
    void flatMtlRunsWithEveryAggregator() {
        SplittableRandom rng = new SplittableRandom(9);
        for (String n : WeightingRegistry.names()) {
            FlatMtl f = new FlatMtl(WeightingRegistry.factory(n));
            f.reset(3, 4);
            for (int s = 0; s < 20; s++) {
                float[][] g = new float[3][16];
                float[][] sam = new float[3][16];
                for (int t = 0; t < 3; t++) {
                    for (int i = 0; i < 16; i++) {
                        g[t][i] = (float) rng.nextGaussian();
                        sam[t][i] = g[t][i] + (float) (0.1 * rng.nextGaussian());
                    }
                }
                WeightingResult r = f.combine(s, s / 5, new double[] {1, 2, 3}, g, sam);
                assertEquals(3, r.weights().length, n);
                for (float v : r.sharedGradient()) assertTrue(Float.isFinite(v), n);
            }
        }
    }
}
