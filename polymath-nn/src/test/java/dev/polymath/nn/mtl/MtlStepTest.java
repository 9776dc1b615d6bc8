package dev.polymath.nn.mtl;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.nn.Engines;
import dev.polymath.nn.mtl.arch.Architectures;
import dev.polymath.nn.mtl.arch.Backbones;
import dev.polymath.nn.mtl.arch.MtlNet;
import dev.polymath.nn.mtl.arch.NetSpec;
import dev.polymath.nn.mtl.weighting.GradientMode;
import dev.polymath.nn.mtl.weighting.Weighting;
import dev.polymath.nn.optim.Adam;
import dev.polymath.nn.tensor.Graph;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MtlStepTest {
    static final int B = 16, D = 12;

    /** A small HPS net, data and step runner. */
    static final class Rig implements AutoCloseable {
        final NDManager root = Engines.pytorch(1).newBaseManager();
        final MtlNet net;
        final MtlStep step;
        final PtNDArray[] xs = new PtNDArray[4];
        final PtNDArray[][] ys = new PtNDArray[4][2];

        Rig(String arch, Weighting w, long seed) {
            this(arch, arch.equals("mmoe") ? Map.of("experts", "2") : Map.of(), w, seed);
        }

        Rig(String arch, Map<String, String> options, Weighting w, long seed) {
            net = Architectures.get(arch).build(new NetSpec(Backbones.mlp(D, 8, 6), List.of(3, 4), options, seed), root);
            w.reset(2, seed);
            step = new MtlStep(net, w, new Adam(net.parameters().size(), 0.01), List.of(TaskLoss.CROSS_ENTROPY, TaskLoss.CROSS_ENTROPY),
                    List.of("a", "b"));
            var rng = new SplittableRandom(seed + 99);
            try (Graph g = Graph.open(root)) {
                for (int k = 0; k < 4; k++) {
                    float[] x = new float[B * D];
                    for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
                    xs[k] = g.floats(x, B, D);
                    xs[k].attach(root);
                    for (int t = 0; t < 2; t++) {
                        long[] y = new long[B];
                        for (int i = 0; i < B; i++) y[i] = rng.nextInt(t == 0 ? 3 : 4);
                        ys[k][t] = (PtNDArray) root.create(y, new ai.djl.ndarray.types.Shape(B, 1));
                    }
                }
            }
        }

        MtlStep.Result run(long i) {
            return step.run(root, xs[(int) (i % 4)], ys[(int) (i % 4)], i, 0);
        }

        @Override
        public void close() {
            root.close();
        }
    }

    @Test
    void sameSeedGivesBitIdenticalLossesFor50Steps() {
        double[][] a = new double[50][], b = new double[50][];
        try (Rig r = new Rig("hps", TestWeightings.equal(GradientMode.LOSSES), 7)) {
            for (int i = 0; i < 50; i++) a[i] = r.run(i).losses();
        }
        try (Rig r = new Rig("hps", TestWeightings.equal(GradientMode.LOSSES), 7)) {
            for (int i = 0; i < 50; i++) b[i] = r.run(i).losses();
        }
        for (int i = 0; i < 50; i++) assertArrayEquals(a[i], b[i], 0.0, "step " + i);
        try (Rig r = new Rig("hps", TestWeightings.equal(GradientMode.LOSSES), 8)) {
            assertTrue(r.run(0).losses()[0] != a[0][0], "another seed starts elsewhere");
        }
    }

    @Test
    void lossesTrainDown() {
        try (Rig r = new Rig("hps", TestWeightings.equal(GradientMode.LOSSES), 1)) {
            double first = r.run(0).total();
            double last = 0;
            for (int i = 1; i < 200; i++) last = r.run(i).total();
            assertTrue(last < first * 0.7, "loss " + first + " -> " + last);
        }
    }

    @Test
    void gradientPathsWithEqualWeightsMatchTheSummedLoss() {
        for (String arch : List.of("hps", "mmoe")) {
            float[] viaLosses, viaParams, viaRep;
            try (Rig r = new Rig(arch, TestWeightings.equal(GradientMode.LOSSES), 3)) {
                for (int i = 0; i < 3; i++) r.run(i);
                viaLosses = r.net.parameters().values().clone();
            }
            try (Rig r = new Rig(arch, TestWeightings.equal(GradientMode.PARAMETERS), 3)) {
                for (int i = 0; i < 3; i++) r.run(i);
                viaParams = r.net.parameters().values().clone();
            }
            try (Rig r = new Rig(arch, TestWeightings.equal(GradientMode.REPRESENTATION), 3)) {
                for (int i = 0; i < 3; i++) r.run(i);
                viaRep = r.net.parameters().values().clone();
            }
            assertArrayEquals(viaLosses, viaParams, 2e-5f, arch + ": per-task parameter gradients summed");
            assertArrayEquals(viaLosses, viaRep, 2e-5f, arch + ": per-task representation gradients summed");
        }
    }

    @Test
    void lossWeightsScaleTheTaskGradients() {
        // With weight 0 on task b, task b's head gets no gradient: Adam leaves it exactly unchanged.
        try (Rig r = new Rig("hps", TestWeightings.fixed(1.0, 0.0), 5)) {
            var params = r.net.parameters();
            var head = params.spec("task1.head.weight");
            float[] before = java.util.Arrays.copyOfRange(params.values(), head.offset(), head.offset() + head.size());
            var res = r.run(0);
            assertArrayEquals(new double[] {1.0, 0.0}, res.weights());
            float[] after = java.util.Arrays.copyOfRange(params.values(), head.offset(), head.offset() + head.size());
            assertArrayEquals(before, after, 0f);
            var head0 = params.spec("task0.head.weight");
            assertTrue(params.values()[head0.offset()] != 0f);
        }
    }

    @Test
    void nonFiniteLossStopsWithStepTaskAndLastFiniteValues() {
        try (Rig r = new Rig("hps", TestWeightings.equal(GradientMode.LOSSES), 2)) {
            var ok = r.run(0);
            float[] bad = new float[B * D];
            java.util.Arrays.fill(bad, Float.NaN);
            try (Graph g = Graph.open(r.root)) {
                PtNDArray x = g.floats(bad, B, D);
                var e = assertThrows(NonFiniteLossException.class, () -> r.step.run(r.root, x, r.ys[1], 1, 0));
                assertEquals(1, e.step());
                assertEquals(0, e.task());
                assertArrayEquals(ok.losses(), e.lastFinite(), 0.0);
                assertTrue(e.getMessage().contains("task a"), e.getMessage());
            }
        }
    }

    @Test
    void firstStepNonFiniteHasNoLastFiniteValues() {
        try (Rig r = new Rig("hps", TestWeightings.equal(GradientMode.LOSSES), 2)) {
            float[] bad = new float[B * D];
            java.util.Arrays.fill(bad, Float.POSITIVE_INFINITY);
            try (Graph g = Graph.open(r.root)) {
                PtNDArray x = g.floats(bad, B, D);
                var e = assertThrows(NonFiniteLossException.class, () -> r.step.run(r.root, x, r.ys[0], 0, 0));
                assertNull(e.lastFinite());
                assertNotNull(e.losses());
            }
        }
    }

    @Test
    void stepsLeaveNoArraysBehind() {
        try (Rig r = new Rig("mmoe", TestWeightings.equal(GradientMode.PARAMETERS), 2)) {
            int before = r.root.getManagedArrays().size();
            for (int i = 0; i < 20; i++) r.run(i);
            assertEquals(before, r.root.getManagedArrays().size());
        }
    }
}
