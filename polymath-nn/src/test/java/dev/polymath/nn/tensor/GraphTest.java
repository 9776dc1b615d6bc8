package dev.polymath.nn.tensor;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.nn.Engines;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class GraphTest {
    @Test
    void crossEntropyMatchesHandComputation() {
        try (NDManager root = Engines.pytorch(1).newBaseManager(); Graph g = Graph.open(root)) {
            PtNDArray logits = g.floats(new float[] {1, 2, 3, 0, 0, 0}, 2, 3);
            PtNDArray labels = (PtNDArray) g.manager().create(new long[] {2, 1}, new Shape(2, 1));
            double l0 = -(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)));
            double l1 = Math.log(3);
            assertEquals((l0 + l1) / 2, Graph.item(g.crossEntropy(logits, labels)), 1e-6);
        }
    }

    @Test
    void linearAndBackwardGiveTheTextbookGradients() {
        try (NDManager root = Engines.pytorch(1).newBaseManager(); Graph g = Graph.open(root)) {
            Graph.gradMode(true);
            PtNDArray x = g.floats(new float[] {1, 2, 3, 4}, 2, 2);
            PtNDArray w = g.detachedLeaf(g.floats(new float[] {0.5f, -1, 2, 0}, 2, 2));
            PtNDArray b = g.detachedLeaf(g.floats(new float[] {0.1f, 0.2f}, 2));
            PtNDArray y = g.linear(x, w, b); // [[1*0.5-2+0.1, 2+0.2], [1.5-4+0.1, 6+0.2]]
            assertArrayEquals(new float[] {-1.4f, 2.2f, -2.4f, 6.2f}, Graph.toFloats(y), 1e-6f);
            g.backward(g.sum(y), false);
            assertArrayEquals(new float[] {4, 6, 4, 6}, Graph.toFloats(g.gradient(w)), 1e-6f); // column sums of x per row of w
            assertArrayEquals(new float[] {2, 2}, Graph.toFloats(g.gradient(b)), 1e-6f);
        }
    }

    @Test
    void matmulOnTheTunedMklPathMatchesADoubleReference() {
        int n = 64, k = 96, m = 48;
        var rng = new SplittableRandom(1);
        float[] a = new float[n * k], bt = new float[m * k];
        for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
        for (int i = 0; i < bt.length; i++) bt[i] = (float) rng.nextGaussian();
        try (NDManager root = Engines.pytorch(1).newBaseManager(); Graph g = Graph.open(root)) {
            float[] got = Graph.toFloats(g.linear(g.floats(a, n, k), g.floats(bt, m, k), g.floats(new float[m], m)));
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    double s = 0;
                    for (int q = 0; q < k; q++) s += (double) a[i * k + q] * bt[j * k + q];
                    assertEquals(s, got[i * m + j], 1e-4 * Math.max(1, Math.abs(s)));
                }
            }
        }
    }

    @Test
    void closingTheGraphFreesEverythingItMade() {
        try (NDManager root = Engines.pytorch(1).newBaseManager()) {
            PtNDArray keep = (PtNDArray) root.ones(new Shape(4, 4));
            for (int i = 0; i < 10; i++) {
                try (Graph g = Graph.open(root)) {
                    g.relu(g.linear(keep, keep, g.floats(new float[4], 4)));
                }
            }
            assertEquals(1, root.getManagedArrays().size());
        }
    }
}
