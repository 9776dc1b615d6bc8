package dev.polymath.nn.mtl.arch;

import ai.djl.ndarray.NDManager;
import dev.polymath.nn.Engines;
import dev.polymath.nn.mtl.MtlStep;
import dev.polymath.nn.tensor.Graph;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.polymath.nn.mtl.arch.ArchTestSupport.assertRowsSumToOne;
import static dev.polymath.nn.mtl.arch.ArchTestSupport.gaussian;
import static dev.polymath.nn.mtl.arch.ArchTestSupport.set;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CGC, PLE, DSelect-k and sparse MoE: gates, top-k, load balancing, capacity, bad options. */
class GatedArchitecturesTest {
    private static MtlNet build(String arch, NDManager root, Backbone bb, List<Integer> outputs, Map<String, String> options) {
        return Architectures.get(arch).build(new NetSpec(bb, outputs, options, 3), root);
    }

    @Test
    void cgcGatesSumToOneAndOnlyItsExpertsAreShared() {
        try (NDManager root = Engines.pytorch(1).newBaseManager()) {
            var net = (Ple.Net) build("cgc", root, Backbones.mlp(10, 8, 6), List.of(3, 2, 5), Map.of("shared-experts", "2", "task-experts", "3"));
            // shared: 2 experts of (10*8+8 + 8*6+6) parameters
            assertEquals(2 * (88 + 54), net.parameters().sharedSize());
            try (Graph g = Graph.open(root)) {
                var p = net.parameters().views(g);
                var x = g.floats(gaussian(7 * 10, 1, 3), 7, 10);
                List<ai.djl.pytorch.engine.PtNDArray> gates = net.gates(g, p, x);
                assertEquals(3, gates.size());
                for (var w : gates) {
                    assertArrayEquals(new long[] {7, 5}, w.getShape().getShape());
                    assertRowsSumToOne(w, "cgc gate");
                }
                assertArrayEquals(new long[] {7, 12}, net.represent(g, p, x).getShape().getShape());
                assertArrayEquals(new long[] {7, 5}, MtlStep.predict(net, g, x)[2].getShape().getShape());
            }
        }
    }

    @Test
    void pleTaskAndSharedGatesSumToOneAtEveryLevel() {
        try (NDManager root = Engines.pytorch(1).newBaseManager()) {
            var net = (Ple.Net) build("ple", root, Backbones.mlp(10, 9, 8, 6), List.of(3, 4), Map.of("levels", "3", "shared-experts", "2", "task-experts", "1"));
            try (Graph g = Graph.open(root)) {
                var p = net.parameters().views(g);
                var x = g.floats(gaussian(5 * 10, 2, 2), 5, 10);
                var gates = net.gates(g, p, x);
                // two lower levels x (2 task gates + 1 shared gate) + 2 last-level task gates
                assertEquals(2 * 3 + 2, gates.size());
                for (int i = 0; i < gates.size(); i++) {
                    boolean sharedGate = i < 6 && i % 3 == 2;
                    assertEquals(sharedGate ? 2 + 2 : 2 + 1, gates.get(i).getShape().get(1), "gate " + i);
                    assertRowsSumToOne(gates.get(i), "ple gate " + i);
                }
                // representation: both tasks' inputs to the last level (8 each) and its 2 shared experts (6 each)
                assertArrayEquals(new long[] {5, 2 * 8 + 2 * 6}, net.represent(g, p, x).getShape().getShape());
            }
        }
    }

    @Test
    void pleOnLenetSplitsStagesIntoLevels() {
        try (NDManager root = Engines.pytorch(1).newBaseManager()) {
            var net = build("ple", root, Backbones.lenet(36), List.of(10, 10), Map.of());
            try (Graph g = Graph.open(root)) {
                var out = MtlStep.predict(net, g, g.floats(gaussian(2 * 36 * 36, 3, 1), 2, 1, 36, 36));
                assertArrayEquals(new long[] {2, 10}, out[1].getShape().getShape());
            }
            var e = assertThrows(IllegalArgumentException.class,
                    () -> build("ple", root, Backbones.lenet(36), List.of(10, 10), Map.of("levels", "4")));
            assertTrue(e.getMessage().contains("3 stages"), e.getMessage());
        }
    }

    @Test
    void dselectKMatchesAHandComputedGate() {
        try (NDManager root = Engines.pytorch(1).newBaseManager()) {
            var net = (DSelectK.Net) build("dselect_k", root, Backbones.mlp(3, 4), List.of(2), Map.of("experts", "4", "k", "2"));
            var params = net.parameters();
            set(params, "task0.selector_codes.weight", new float[2 * 2 * 3]);
            // selector 0: bits (S(0.5), S(-0.5)) = (1, 0) -> expert 2 ("10"); selector 1: (S(0), S(0.25)) = (0.5, 0.84375)
            set(params, "task0.selector_codes.bias", 0.5f, -0.5f, 0f, 0.25f);
            set(params, "task0.selector_weights.weight", new float[2 * 3]);
            set(params, "task0.selector_weights.bias", 0f, (float) Math.log(3)); // softmax -> (0.25, 0.75)
            try (Graph g = Graph.open(root)) {
                var p = params.views(g);
                float[] w = assertRowsSumToOne(net.gateWeights(g, p, 0, g.floats(gaussian(2 * 3, 4, 1), 2, 3)), "dselect-k");
                // selector 1 over experts 00, 01, 10, 11: 0.5*0.15625, 0.5*0.84375, 0.5*0.15625, 0.5*0.84375
                double[] expected = {0.75 * 0.078125, 0.75 * 0.421875, 0.25 + 0.75 * 0.078125, 0.75 * 0.421875};
                for (int b = 0; b < 2; b++) for (int e = 0; e < 4; e++) assertEquals(expected[e], w[b * 4 + e], 1e-6, "expert " + e);
            }
        }
    }

    @Test
    void dselectKGatesSumToOneAlsoWithoutAPowerOfTwoAndEntropyIsAnAuxiliaryLoss() {
        try (NDManager root = Engines.pytorch(1).newBaseManager()) {
            for (int experts : new int[] {2, 3, 4, 5, 8}) {
                var net = (DSelectK.Net) build("dselect_k", root, Backbones.mlp(6, 4), List.of(2, 3),
                        Map.of("experts", Integer.toString(experts), "k", "2", "gamma", "0.5", "entropy-weight", "0.1"));
                // spread the code logits so the smooth steps are not all near 1/2
                float[] v = net.parameters().values().clone();
                var s = net.parameters().spec("task1.selector_codes.weight");
                float[] r = gaussian(s.size(), experts, 0.5);
                System.arraycopy(r, 0, v, s.offset(), s.size());
                net.parameters().load(v);
                try (Graph g = Graph.open(root)) {
                    Graph.gradMode(true);
                    var p = net.parameters().leaves(g);
                    var x = g.floats(gaussian(9 * 6, 5, 2), 9, 6);
                    var rep = net.represent(g, p, x);
                    for (int t = 0; t < 2; t++) {
                        assertRowsSumToOne(net.gateWeights(g, p, t, x), experts + " experts, task " + t);
                    }
                    assertNotNull(net.auxiliaryLoss(g)); // the gates above added terms; taking them clears them
                    for (int t = 0; t < 2; t++) net.taskOutput(g, p, t, x, rep);
                    var aux = net.auxiliaryLoss(g);
                    assertNotNull(aux);
                    assertNull(net.auxiliaryLoss(g), "taken once");
                    double expected = 0;
                    for (int t = 0; t < 2; t++) {
                        float[] sel = Graph.toFloats(net.selectors(g, p, t, x)); // [9, 2, E]
                        double h = 0, inverseMass = 0;
                        for (int i = 0; i < 9 * 2; i++) {
                            double mass = 0;
                            for (int e = 0; e < experts; e++) {
                                double q = sel[i * experts + e];
                                h -= q * Math.log(q + 1e-6);
                                mass += q;
                            }
                            inverseMass += 1 / (mass + 1e-6);
                        }
                        expected += 0.1 * h / (9 * 2);
                        // without a power of two, the reference's penalty keeping selectors on real experts
                        if (Integer.bitCount(experts) != 1) expected += inverseMass / (9 * 2);
                    }
                    assertEquals(expected, Graph.item(aux), 1e-5 * Math.max(1, expected), experts + " experts");
                } finally {
                    Graph.gradMode(false);
                }
                net.close();
            }
        }
    }

    @Test
    void sparseTopKKeepsExactlyKExpertsPerExample() {
        try (NDManager root = Engines.pytorch(1).newBaseManager()) {
            for (int k = 1; k <= 5; k++) {
                var net = (SparseMoe.Net) build("sparse_moe", root, Backbones.mlp(6, 4), List.of(2, 3),
                        Map.of("experts", "5", "k", Integer.toString(k), "capacity-factor", "0"));
                for (int t = 0; t < 2; t++) {
                    set(net.parameters(), "task" + t + ".gate.weight", gaussian(5 * 6, 10 + t, 1));
                    set(net.parameters(), "task" + t + ".gate_noise.weight", gaussian(5 * 6, 20 + t, 1));
                }
                for (boolean training : new boolean[] {true, false}) {
                    try (Graph g = Graph.open(root)) {
                        Graph.gradMode(training);
                        var p = training ? net.parameters().leaves(g) : net.parameters().views(g);
                        var x = g.floats(gaussian(11 * 6, 30 + k, 2), 11, 6);
                        for (int t = 0; t < 2; t++) {
                            var r = net.route(g, p, t, x);
                            float[] w = assertRowsSumToOne(r.gates(), "k=" + k);
                            for (int b = 0; b < 11; b++) {
                                int nonzero = 0;
                                for (int e = 0; e < 5; e++) if (w[b * 5 + e] > 0) nonzero++;
                                assertEquals(k, nonzero, "k=" + k + " training=" + training + " row " + b);
                                assertEquals(k, r.topK()[b].length);
                                for (int e : r.topK()[b]) assertTrue(w[b * 5 + e] > 0);
                            }
                            assertEquals(0, r.dropped());
                        }
                    } finally {
                        Graph.gradMode(false);
                    }
                }
                net.close();
            }
        }
    }

    /** Four examples on a 4-expert top-1 gate whose logits are 10 x the input: one-hot inputs pick their expert. */
    private static SparseMoe.Net routedByInput(NDManager root, String capacity, String balanceWeight) {
        var net = (SparseMoe.Net) build("sparse_moe", root, Backbones.mlp(4, 3), List.of(2, 2),
                Map.of("experts", "4", "k", "1", "noise", "false", "capacity-factor", capacity, "balance-weight", balanceWeight));
        float[] eye10 = new float[16];
        for (int i = 0; i < 4; i++) eye10[i * 4 + i] = 10;
        set(net.parameters(), "task0.gate.weight", eye10);
        set(net.parameters(), "task1.gate.weight", eye10);
        return net;
    }

    private static float[] oneHots(int... experts) {
        float[] x = new float[experts.length * 4];
        for (int b = 0; b < experts.length; b++) x[b * 4 + experts[b]] = 1;
        return x;
    }

    @Test
    void loadBalancingLossIsZeroForUniformRoutingAndLargerWhenSkewed() {
        try (NDManager root = Engines.pytorch(1).newBaseManager()) {
            var net = routedByInput(root, "0", "0.5");
            try (Graph g = Graph.open(root)) {
                Graph.gradMode(true);
                var p = net.parameters().leaves(g);
                assertEquals(0.2, Graph.item(SparseMoe.Net.cvSquared(g, g.floats(new float[] {1, 2, 3, 4}, 4))), 1e-6);

                var uniform = g.floats(oneHots(0, 1, 2, 3), 4, 4);
                var r = net.route(g, p, 0, uniform);
                assertArrayEquals(new float[] {1, 1, 1, 1}, Graph.toFloats(r.importance()), 1e-4f);
                assertArrayEquals(new float[] {1, 1, 1, 1}, Graph.toFloats(r.load()), 0f);
                assertEquals(0.0, Graph.item(SparseMoe.Net.balanceLoss(g, r)), 1e-6, "the minimum");

                var halfSkewed = g.floats(oneHots(0, 0, 1, 2), 4, 4);
                double half = Graph.item(SparseMoe.Net.balanceLoss(g, net.route(g, p, 0, halfSkewed)));
                assertEquals(2 * 0.5, half, 1e-3, "CV^2 of (2,1,1,0) is 0.5, for importance and load");

                var skewed = g.floats(oneHots(0, 0, 0, 0), 4, 4);
                double all = Graph.item(SparseMoe.Net.balanceLoss(g, net.route(g, p, 0, skewed)));
                assertEquals(2 * 3.0, all, 1e-3, "CV^2 of (4,0,0,0) is 3 = experts - 1, the maximum");

                // the net's auxiliary loss: 0.5 x the balance loss of each task's gate, summed
                var rep = net.represent(g, p, skewed);
                for (int t = 0; t < 2; t++) net.taskOutput(g, p, t, skewed, rep);
                assertEquals(0.5 * 2 * 6.0, Graph.item(net.auxiliaryLoss(g)), 1e-3);
            } finally {
                Graph.gradMode(false);
            }
            try (Graph g = Graph.open(root)) {
                var p = net.parameters().views(g);
                MtlStep.predict(net, g, g.floats(oneHots(0, 0, 0, 0), 4, 4));
                assertNull(net.auxiliaryLoss(g), "no auxiliary loss is collected in evaluation");
            }
        }
    }

    @Test
    void smoothLoadIsDifferentiableAndNearTheCountsWhenNoiseIsSmall() {
        try (NDManager root = Engines.pytorch(1).newBaseManager()) {
            var net = (SparseMoe.Net) build("sparse_moe", root, Backbones.mlp(4, 3), List.of(2),
                    Map.of("experts", "4", "k", "1", "capacity-factor", "0"));
            float[] eye10 = new float[16];
            for (int i = 0; i < 4; i++) eye10[i * 4 + i] = 10;
            set(net.parameters(), "task0.gate.weight", eye10);
            float[] bias = {-10, -10, -10, -10}; // noise scale softplus(-10) + 0.01 ~ 0.01
            set(net.parameters(), "task0.gate_noise.bias", bias);
            try (Graph g = Graph.open(root)) {
                Graph.gradMode(true);
                var p = net.parameters().leaves(g);
                var r = net.route(g, p, 0, g.floats(oneHots(0, 0, 1, 2), 4, 4));
                assertArrayEquals(new float[] {2, 1, 1, 0}, Graph.toFloats(r.load()), 1e-4f);
                g.backward(SparseMoe.Net.cvSquared(g, r.load()), false);
                assertNotNull(g.gradient(p[net.parameters().spec("task0.gate.weight").id()]));
            } finally {
                Graph.gradMode(false);
            }
        }
    }

    @Test
    void capacityDropsAssignmentsBeyondItInBatchOrderWhileTraining() {
        try (NDManager root = Engines.pytorch(1).newBaseManager()) {
            for (String factor : new String[] {"1", "2"}) {
                var net = routedByInput(root, factor, "0");
                int capacity = Integer.parseInt(factor); // ceil(factor * k * B / E) = factor with k=1, B=E=4
                try (Graph g = Graph.open(root)) {
                    Graph.gradMode(true);
                    var p = net.parameters().leaves(g);
                    var r = net.route(g, p, 0, g.floats(oneHots(0, 0, 0, 0), 4, 4));
                    assertEquals(4 - capacity, r.dropped());
                    float[] w = Graph.toFloats(r.gates());
                    for (int b = 0; b < 4; b++) {
                        assertEquals(b < capacity ? 1.0 : 0.0, w[b * 4], 1e-6, "factor " + factor + " example " + b);
                        for (int e = 1; e < 4; e++) assertEquals(0.0, w[b * 4 + e], 0.0);
                    }
                    // a dropped example reaches the head as a zero vector: its output is the head's bias
                    var rep = net.represent(g, p, g.floats(oneHots(0, 0, 0, 0), 4, 4));
                    float[] out = Graph.toFloats(net.taskOutput(g, p, 0, g.floats(oneHots(0, 0, 0, 0), 4, 4), rep));
                    var bias = net.parameters().spec("task0.head.bias");
                    assertEquals(net.parameters().values()[bias.offset()], out[3 * 2], 1e-6);
                } finally {
                    Graph.gradMode(false);
                }
                try (Graph g = Graph.open(root)) {
                    var r = net.route(g, net.parameters().views(g), 0, g.floats(oneHots(0, 0, 0, 0), 4, 4));
                    assertEquals(0, r.dropped(), "evaluation applies no capacity");
                }
                net.close();
            }
        }
    }

    @Test
    void badOptionsFailWithClearMessages() {
        try (NDManager root = Engines.pytorch(1).newBaseManager()) {
            var bb = Backbones.mlp(4, 3);
            for (String arch : List.of("sparse_moe", "dselect_k")) {
                var e = assertThrows(IllegalArgumentException.class, () -> build(arch, root, bb, List.of(2), Map.of("experts", "4", "k", "5")));
                assertTrue(e.getMessage().contains(arch) && e.getMessage().contains("experts=4") && e.getMessage().contains("k=5"), e.getMessage());
            }
            var e = assertThrows(IllegalArgumentException.class, () -> build("cgc", root, bb, List.of(2), Map.of("experts", "4")));
            assertTrue(e.getMessage().contains("shared-experts, task-experts"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> build("hps", root, bb, List.of(2), Map.of("experts", "4")));
            assertTrue(e.getMessage().contains("none"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> build("sparse_moe", root, bb, List.of(2), Map.of("noise", "maybe")));
            assertTrue(e.getMessage().contains("noise"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Architectures.get("moe"));
            for (String n : List.of("hps", "mmoe", "cgc", "ple", "dselect_k", "sparse_moe", "cross_stitch", "dtrn")) {
                assertTrue(e.getMessage().contains(n), e.getMessage());
            }
        }
    }
}
