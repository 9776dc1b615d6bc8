package dev.polymath.nn.mtl.arch;

import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.nn.tensor.Graph;
import dev.polymath.nn.tensor.Parameters;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Helpers for the architecture tests. */
final class ArchTestSupport {
    private ArchTestSupport() {}

    static float[] gaussian(int n, long seed, double scale) {
        var rng = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextGaussian() * scale);
        return x;
    }

    /** Overwrites one named parameter's values. */
    static void set(Parameters params, String name, float... values) {
        var s = params.spec(name);
        assertEquals(s.size(), values.length, name);
        float[] all = params.values().clone();
        System.arraycopy(values, 0, all, s.offset(), s.size());
        params.load(all);
    }

    /** Asserts every row of a {@code [B, n]} gate is non-negative and sums to one; returns the values. */
    static float[] assertRowsSumToOne(PtNDArray gate, String what) {
        long[] shape = gate.getShape().getShape();
        assertEquals(2, shape.length, what);
        float[] w = Graph.toFloats(gate);
        int n = (int) shape[1];
        for (int b = 0; b < shape[0]; b++) {
            double s = 0;
            for (int e = 0; e < n; e++) {
                assertTrue(w[b * n + e] >= 0, what + " row " + b);
                s += w[b * n + e];
            }
            assertEquals(1.0, s, 1e-5, what + " row " + b);
        }
        return w;
    }
}
