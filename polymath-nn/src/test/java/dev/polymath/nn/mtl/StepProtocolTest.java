package dev.polymath.nn.mtl;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.nn.Engines;
import dev.polymath.nn.mtl.weighting.Famo;
import dev.polymath.nn.mtl.weighting.Weighting;
import dev.polymath.nn.mtl.weighting.WeightingRegistry;
import dev.polymath.nn.optim.Adam;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the step does around a method: Nash-MTL's gradient clipping, FAMO's losses after the update. */
class StepProtocolTest {
    static MtlStep step(NDManager root, Weighting w) {
        var net = new SharpnessStepTest.Tiny(root);
        var s = new MtlStep(net, () -> w, Sharpness.NONE, new Adam(4, 0.01), List.of(TaskLoss.MSE, TaskLoss.MSE), List.of("one", "two"));
        s.reset(0);
        return s;
    }

    static MtlStep.Result run(NDManager root, MtlStep s) {
        PtNDArray x = (PtNDArray) root.create(new float[] {1, 2, 2, -1}, new Shape(2, 2));
        PtNDArray[] y = {(PtNDArray) root.create(new float[] {1, 0}, new Shape(2, 1)),
                (PtNDArray) root.create(new float[] {-3, 3}, new Shape(2, 1))};
        return s.run(root, x, y, 0, 0);
    }

    @Test
    void clipScalesTheSharedPrefixToTheMaximumNorm() {
        float[] g = {3, 4, 10};
        MtlStep.clip(g, 2, 1.0);
        assertArrayEquals(new float[] {0.6f, 0.8f, 10f}, g, 1e-6f);
        float[] small = {0.3f, 0.4f};
        MtlStep.clip(small, 2, 1.0);
        assertArrayEquals(new float[] {0.3f, 0.4f}, small, 0f, "shorter gradients are left alone");
    }

    @Test
    void nashMtlSharedGradientIsClippedToNormOne() {
        try (NDManager root = Engines.pytorch(1).newBaseManager()) {
            MtlStep s = step(root, WeightingRegistry.create("nash_mtl"));
            run(root, s);
            float[] g = s.lastGradient();
            assertEquals(1.0, Math.hypot(g[0], g[1]), 1e-4, "the shared gradient (dL/dw, norm > 1 before clipping) is clipped");
        }
    }

    @Test
    void famoGetsTheLossesAfterTheUpdate() {
        try (NDManager root = Engines.pytorch(1).newBaseManager()) {
            Famo famo = new Famo();
            MtlStep s = step(root, famo);
            run(root, s);
            assertFalse(famo.state().containsKey("pending_losses"), "the step passed the re-evaluated losses on");
            assertTrue(famo.logits()[0] != 0 || famo.logits()[1] != 0, "FAMO's logits moved after one step");
        }
    }
}
