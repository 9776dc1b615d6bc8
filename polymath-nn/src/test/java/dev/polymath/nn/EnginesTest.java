package dev.polymath.nn;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class EnginesTest {
    @Test
    void pytorchRunsOffline() {
        var engine = Engines.pytorch(1);
        try (NDManager m = engine.newBaseManager()) {
            var a = m.create(new float[] {1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(2, 2));
            assertArrayEquals(new float[] {7, 10, 15, 22}, a.matMul(a).toFloatArray());
        }
    }
}
