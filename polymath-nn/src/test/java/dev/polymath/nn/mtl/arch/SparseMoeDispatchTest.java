package dev.polymath.nn.mtl.arch;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.nn.Engines;
import dev.polymath.nn.tensor.Graph;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.polymath.nn.mtl.arch.ArchTestSupport.gaussian;
import static dev.polymath.nn.mtl.arch.ArchTestSupport.set;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sparse MoE's dispatched computation (each expert on the examples routed to it: gather, expert, scatter)
 * equals the dense one (every expert on the whole batch, masked by the gates) on the same routing, in outputs,
 * auxiliary loss and every parameter's gradient; with noisy gating and capacity drops, on LeNet experts.
 */
class SparseMoeDispatchTest {
    private static final int B = 48;

    private static SparseMoe.Net net(NDManager root, boolean dense, String k) {
        var options = new HashMap<>(Map.of("experts", "4", "k", k, "capacity-factor", "1", "balance-weight", "0.01"));
        if (dense) options.put("dense", "true");
        var net = (SparseMoe.Net) Architectures.get("sparse_moe").build(new NetSpec(Backbones.lenet(36), List.of(10, 10), options, 7), root);
        // gates that route by the input (they start at zero); the same in both nets
        int gate = net.parameters().spec("task0.gate.weight").size();
        set(net.parameters(), "task0.gate.weight", gaussian(gate, 11, 0.05));
        set(net.parameters(), "task1.gate.weight", gaussian(gate, 12, 0.05));
        return net;
    }

    /** Outputs of both tasks, the auxiliary loss and the gradient of (losses + auxiliary loss), one training pass. */
    private static float[][] pass(NDManager root, SparseMoe.Net net, float[] x, long[] y0, long[] y1, boolean perTask) {
        try (Graph g = Graph.open(root)) {
            Graph.gradMode(true);
            PtNDArray[] p = net.parameters().leaves(g);
            PtNDArray in = g.floats(x, B, 1, 36, 36);
            PtNDArray o0, o1;
            if (perTask) { // one batch per task (text suites): each task's representation routes only its gate
                o0 = net.taskOutput(g, p, 0, in, net.represent(g, p, in, 0));
                o1 = net.taskOutput(g, p, 1, in, net.represent(g, p, in, 1));
            } else {
                PtNDArray rep = net.represent(g, p, in);
                o0 = net.taskOutput(g, p, 0, in, rep);
                o1 = net.taskOutput(g, p, 1, in, rep);
            }
            PtNDArray aux = net.auxiliaryLoss(g);
            PtNDArray loss = g.add(g.add(g.crossEntropy(o0, g.longs(y0, B, 1)), g.crossEntropy(o1, g.longs(y1, B, 1))), aux);
            g.backward(loss, false);
            float[] grad = new float[net.parameters().size()];
            net.parameters().readGradients(g, p, grad);
            return new float[][] {Graph.toFloats(o0), Graph.toFloats(o1), {Graph.item(aux)}, grad};
        } finally {
            Graph.gradMode(false);
        }
    }

    @Test
    void dispatchedExpertsEqualDenseComputeOnTheSameRouting() {
        float[] x = gaussian(B * 36 * 36, 5, 1.0);
        long[] y0 = new long[B], y1 = new long[B];
        for (int b = 0; b < B; b++) { y0[b] = b % 10; y1[b] = (b * 7) % 10; }
        try (NDManager root = Engines.pytorch(1).newBaseManager()) {
            for (String k : new String[] {"1", "2"}) {
                try (var dense = net(root, true, k); var sparse = net(root, false, k)) {
                    assertTrue(sparse.describe().contains("top-" + k) && dense.describe().contains("dense compute"), dense.describe());
                    for (boolean perTask : new boolean[] {false, true}) {
                        for (int step = 0; step < 2; step++) { // the noise streams advance alike
                            float[][] d = pass(root, dense, x, y0, y1, perTask);
                            float[][] s = pass(root, sparse, x, y0, y1, perTask);
                            String what = "k=" + k + (perTask ? " per task" : " shared") + " pass " + step;
                            assertArrayEquals(d[0], s[0], 1e-5f, what + ": task 0 outputs");
                            assertArrayEquals(d[1], s[1], 1e-5f, what + ": task 1 outputs");
                            assertEquals(d[2][0], s[2][0], 1e-6, what + ": load-balancing loss");
                            float scale = 0;
                            for (float v : d[3]) scale = Math.max(scale, Math.abs(v));
                            assertArrayEquals(d[3], s[3], 1e-5f * Math.max(1, scale), what + ": gradients");
                        }
                    }
                }
            }
        }
    }

    @Test
    void expertsRunOnlyOnTheExamplesRoutedToThem() {
        try (NDManager root = Engines.pytorch(1).newBaseManager(); var net = net(root, false, "1")) {
            float[] x = gaussian(B * 36 * 36, 6, 1.0);
            try (Graph g = Graph.open(root)) {
                Graph.gradMode(true);
                PtNDArray[] p = net.parameters().leaves(g);
                PtNDArray in = g.floats(x, B, 1, 36, 36);
                PtNDArray rep = net.represent(g, p, in, 0);
                SparseMoe.Routing r = net.route(g, p, 0, in); // the same gate, another noise draw: only shapes matter here
                float[] stack = Graph.toFloats(rep); // [4, B, 50]
                int computed = 0;
                for (int e = 0; e < 4; e++) {
                    for (int b = 0; b < B; b++) {
                        boolean any = false;
                        for (int j = 0; j < 50; j++) any |= stack[(e * B + b) * 50 + j] != 0f;
                        if (any) computed++;
                    }
                }
                // top-1 with capacity ceil(1 * 1 * 48 / 4) = 12 per expert: at most 48 expert-example pairs of 4 x 48 dense
                assertTrue(computed <= B, "rows computed: " + computed);
                assertEquals(4, r.kept().length);
                int kept = 0;
                for (int[] rows : r.kept()) { assertTrue(rows.length <= 12, "capacity"); kept += rows.length; }
                assertEquals(B - r.dropped(), kept);
            } finally {
                Graph.gradMode(false);
            }
            try (Graph g = Graph.open(root)) {
                PtNDArray[] p = net.parameters().views(g);
                PtNDArray in = g.floats(x, B, 1, 36, 36);
                var e = assertThrows(IllegalStateException.class, () -> net.taskOutput(g, p, 0, in, in));
                assertTrue(e.getMessage().contains("needs the representation of its batch"), e.getMessage());
            }
        }
    }
}
