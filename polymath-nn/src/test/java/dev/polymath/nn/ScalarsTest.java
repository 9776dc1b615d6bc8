package dev.polymath.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The constant of {@link Scalars} must outlive a garbage collection between forward and backward. With DJL's own
 * {@code x.mul(0.125f)} this very test reads back 1e30 (the freed 4-byte buffer, reused by the allocations below) as the
 * gradient in every trial (measured 2026-11-27: 20 of 20), which is how full fine-tuning got its rare NaN losses.
 */
class ScalarsTest {
    @Test
    void constantsSurviveAGarbageCollectionBetweenForwardAndBackward() throws Exception {
        check(x -> Scalars.mul(x, 0.125f), 0.125f);
        check(x -> Scalars.div(x, 8f), 0.125f);
        // d max(x, 0.5) / dx = 1 where x = 1 > 0.5
        check(x -> Scalars.maximum(x, 0.5f), 1f);
    }

    private static void check(UnaryOperator<NDArray> op, float expected) throws Exception {
        var engine = Engines.pytorch();
        for (int trial = 0; trial < 5; trial++) {
            try (NDManager m = engine.newBaseManager()) {
                NDArray x = m.ones(new Shape(4));
                x.setRequiresGradient(true);
                try (var gc = engine.newGradientCollector()) {
                    NDArray y = op.apply(x).sum();
                    System.gc();
                    Thread.sleep(10);
                    System.gc();
                    Thread.sleep(10);
                    // small direct buffers reuse freed small blocks: a dangling scalar would now read 1e30
                    var keep = new ArrayList<ByteBuffer>();
                    for (int i = 0; i < 2000; i++) {
                        var b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
                        b.putFloat(0, 1e30f);
                        keep.add(b);
                    }
                    gc.backward(y);
                    assertArrayEquals(new float[] {expected, expected, expected, expected}, x.getGradient().toFloatArray(), "trial " + trial);
                }
            }
        }
    }
}
