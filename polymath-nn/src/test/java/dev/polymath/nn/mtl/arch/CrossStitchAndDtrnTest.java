package dev.polymath.nn.mtl.arch;

import ai.djl.ndarray.NDManager;
import dev.polymath.nn.Engines;
import dev.polymath.nn.mtl.MtlStep;
import dev.polymath.nn.tensor.Graph;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.polymath.nn.mtl.arch.ArchTestSupport.gaussian;
import static dev.polymath.nn.mtl.arch.ArchTestSupport.set;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CrossStitchAndDtrnTest {
    @Test
    void crossStitchAtIdentityEqualsIndependentSingleTaskNetworks() {
        for (Backbone bb : List.of(Backbones.mlp(6, 5, 4, 3), Backbones.lenet(36))) {
            try (NDManager root = Engines.pytorch(1).newBaseManager()) {
                List<Integer> outputs = List.of(3, 2, 4);
                var cross = Architectures.get("cross_stitch").build(new NetSpec(bb, outputs, Map.of("stitch-self", "1"), 5), root);
                int n = 3;
                float[] x = gaussian(n * (int) bb.inputSize(), 6, 1);
                long[] shape = new long[bb.inputShape().length + 1];
                shape[0] = n;
                System.arraycopy(bb.inputShape(), 0, shape, 1, bb.inputShape().length);
                try (Graph g = Graph.open(root)) {
                    var out = MtlStep.predict(cross, g, g.floats(x, shape));
                    for (int t = 0; t < 3; t++) {
                        // an independent network: hard sharing with one task, given column t's and head t's weights
                        var single = Architectures.get("hps").build(new NetSpec(bb, List.of(outputs.get(t)), Map.of(), 99), root);
                        for (var s : single.parameters().specs()) {
                            String from = s.name().startsWith("shared.") ? "column" + t + "." + s.name().substring(7)
                                    : "task" + t + s.name().substring(5);
                            var src = cross.parameters().spec(from);
                            set(single.parameters(), s.name(), java.util.Arrays.copyOfRange(cross.parameters().values(), src.offset(), src.offset() + src.size()));
                        }
                        float[] expected = Graph.toFloats(MtlStep.predict(single, g, g.floats(x, shape))[0]);
                        assertArrayEquals(expected, Graph.toFloats(out[t]), 1e-5f, bb.describe() + " task " + t);
                    }
                }
            }
        }
    }

    @Test
    void crossStitchUnitsStartNearIdentityAndMixColumns() {
        try (NDManager root = Engines.pytorch(1).newBaseManager()) {
            var bb = Backbones.mlp(6, 5, 4);
            var net = Architectures.get("cross_stitch").build(new NetSpec(bb, List.of(2, 2, 2), Map.of(), 5), root);
            var s = net.parameters().spec("stitch0");
            float[] alpha = java.util.Arrays.copyOfRange(net.parameters().values(), s.offset(), s.offset() + s.size());
            assertArrayEquals(new float[] {0.9f, 0.05f, 0.05f, 0.05f, 0.9f, 0.05f, 0.05f, 0.05f, 0.9f}, alpha, 1e-7f);
            assertEquals(1, net.parameters().specs().stream().filter(p -> p.name().startsWith("stitch")).count(), "one unit between two stages");
            // a hand case: swapping the columns (alpha = [[0,1],[1,0]]) feeds column 0's second stage with column 1's first
            var two = Architectures.get("cross_stitch").build(new NetSpec(bb, List.of(2, 2), Map.of("stitch-self", "0"), 5), root);
            var same = Architectures.get("cross_stitch").build(new NetSpec(bb, List.of(2, 2), Map.of("stitch-self", "1"), 5), root);
            float[] v = two.parameters().values().clone();
            // column 1's first stage := column 0's, then swapping changes nothing for column 0's input
            for (String w : List.of("fc0.weight", "fc0.bias")) {
                var a = two.parameters().spec("column0." + w);
                var b = two.parameters().spec("column1." + w);
                System.arraycopy(v, a.offset(), v, b.offset(), a.size());
            }
            two.parameters().load(v);
            same.parameters().load(v.clone());
            set(same.parameters(), "stitch0", 1, 0, 0, 1);
            try (Graph g = Graph.open(root)) {
                var x = g.floats(gaussian(4 * 6, 8, 1), 4, 6);
                var a = MtlStep.predict(two, g, x);
                var b = MtlStep.predict(same, g, x);
                assertArrayEquals(Graph.toFloats(b[0]), Graph.toFloats(a[0]), 1e-6f);
                assertArrayEquals(Graph.toFloats(b[1]), Graph.toFloats(a[1]), 1e-6f);
                set(two.parameters(), "stitch0", 0.5f, 0.5f, 0.5f, 0.5f);
                set(same.parameters(), "column1.fc0.bias", 1, 1, 1, 1, 1);
                // both columns now read the mean; a different column-1 first stage changes task 0's output
                set(two.parameters(), "column1.fc0.bias", 1, 1, 1, 1, 1);
                float[] mixed = Graph.toFloats(MtlStep.predict(two, g, x)[0]);
                float[] plain = Graph.toFloats(MtlStep.predict(same, g, x)[0]);
                boolean differs = false;
                for (int i = 0; i < mixed.length; i++) differs |= Math.abs(mixed[i] - plain[i]) > 1e-4;
                assertTrue(differs, "column 1 reaches task 0 through the stitch");
            }
        }
    }

    @Test
    void dtrnExcitationIsInZeroOneAndMatchesAHandComputation() {
        try (NDManager root = Engines.pytorch(1).newBaseManager()) {
            var net = (Dtrn.Net) Architectures.get("dtrn").build(new NetSpec(Backbones.mlp(3, 2), List.of(2, 3), Map.of("se-reduction", "2"), 1), root);
            set(net.parameters(), "task0.se.squeeze.weight", 1, -1);
            set(net.parameters(), "task0.se.squeeze.bias", 0.5f);
            set(net.parameters(), "task0.se.excite.weight", 2, -1);
            set(net.parameters(), "task0.se.excite.bias", 0, 1);
            try (Graph g = Graph.open(root)) {
                var p = net.parameters().views(g);
                float[] s = Graph.toFloats(net.excitation(g, p, 0, g.floats(new float[] {3, 1, 0, 2}, 2, 2)));
                // h = (3, 1): z = relu(3 - 1 + 0.5) = 2.5 -> sigmoid(5), sigmoid(-2.5 + 1); h = (0, 2): z = 0 -> sigmoid(0), sigmoid(1)
                assertArrayEquals(new float[] {(float) sigmoid(5), (float) sigmoid(-1.5), 0.5f, (float) sigmoid(1)}, s, 1e-6f);
                float[] r = Graph.toFloats(net.excitation(g, p, 1, g.floats(gaussian(50 * 2, 3, 3), 50, 2)));
                for (float v : r) assertTrue(v > 0 && v < 1, "SE weight " + v);
                assertArrayEquals(new long[] {4, 3}, MtlStep.predict(net, g, g.floats(gaussian(12, 4, 1), 4, 3))[1].getShape().getShape());
            }
            assertEquals(3 * 2 + 2, net.parameters().sharedSize(), "only the backbone is shared");
        }
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
