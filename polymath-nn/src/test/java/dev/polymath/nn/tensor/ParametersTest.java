package dev.polymath.nn.tensor;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.nn.Engines;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParametersTest {
    @Test
    void sharedParametersComeFirstAndLeavesSeeUpdates() {
        try (NDManager root = Engines.pytorch(1).newBaseManager()) {
            var b = Parameters.builder(3);
            var head = b.task(0, "head", Parameters.Init.constant(2f), 2);
            var trunk = b.shared("trunk", Parameters.Init.constant(1f), 3);
            Parameters p = b.build(root);
            assertEquals(3, p.sharedSize());
            assertEquals(5, p.size());
            assertEquals(0, trunk.id());
            assertArrayEquals(new float[] {1, 1, 1, 2, 2}, p.values());
            p.values()[4] = 7;
            p.sync();
            try (Graph g = Graph.open(root)) {
                PtNDArray[] leaves = p.leaves(g);
                assertArrayEquals(new float[] {2, 7}, Graph.toFloats(head.of(leaves)));
                Graph.gradMode(true);
                g.backward(g.sum(g.mul(head.of(leaves), head.of(leaves))), false);
                float[] grad = new float[5];
                p.readGradients(g, leaves, grad);
                assertArrayEquals(new float[] {0, 0, 0, 4, 14}, grad); // trunk unused -> zeros
            }
        }
    }

    @Test
    void initializationIsPerNameAndSeeded() {
        try (NDManager root = Engines.pytorch(1).newBaseManager()) {
            var b1 = Parameters.builder(5);
            b1.linear("fc", -1, 10, 4);
            var b2 = Parameters.builder(5);
            b2.shared("extra", Parameters.Init.fanInUniform(3), 7);
            b2.linear("fc", -1, 10, 4);
            var p1 = b1.build(root);
            var p2 = b2.build(root);
            assertArrayEquals(p1.named().get("fc.weight"), p2.named().get("fc.weight"));
            for (float v : p1.values()) assertTrue(Math.abs(v) <= 1 / Math.sqrt(10) + 1e-7);
        }
    }
}
