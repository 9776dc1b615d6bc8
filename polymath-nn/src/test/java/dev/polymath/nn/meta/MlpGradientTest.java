package dev.polymath.nn.meta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.polymath.nn.Engines;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The hand-written backward pass of {@link Mlp} against DJL autograd, for every parameter layout. */
class MlpGradientTest {
    @BeforeAll
    static void engine() {
        Engines.pytorch(2);
    }

    private static void compare(Learner.LossGrads a, Learner.LossGrads b, int from) {
        assertArrayEquals(a.losses().toFloatArray(), b.losses().toFloatArray(), 1e-5f);
        for (int i = 0; i < a.grads().size(); i++) {
            if (i < from) {
                assertNull(a.grads().get(i));
                continue;
            }
            assertArrayEquals(b.grads().get(i).toFloatArray(), a.grads().get(i).toFloatArray(), 1e-4f, "grad " + i);
        }
    }

    @Test
    void mseGradientsMatchAutograd() {
        Mlp mlp = SineTasks.model();
        try (NDManager m = NDManager.newBaseManager()) {
            NDList shared = mlp.init(m, 3);
            TaskBatch b = SineTasks.sample(m, new SplittableRandom(5), 4, 6, 6);
            NDList perTask = new NDList();
            for (NDArray p : shared) perTask.add(p.expandDims(0).repeat(0, 4).add(m.randomNormal(0, 0.01f, p.expandDims(0).repeat(0, 4).getShape(), p.getDataType())));
            NDList mixed = new NDList(shared.subNDList(0, 4));
            mixed.addAll(perTask.subNDList(4));
            for (NDList ps : new NDList[] {shared, perTask, mixed}) {
                for (boolean reduce : new boolean[] {false, true}) {
                    for (int from : new int[] {0, mlp.headStart()}) {
                        compare(mlp.lossGrads(ps, b.xs(), b.ys(), reduce, from),
                                Learner.autogradLossGrads(mlp, ps, b.xs(), b.ys(), reduce, from), from);
                    }
                }
            }
        }
    }

    @Test
    void crossEntropyGradientsMatchAutograd() {
        Mlp mlp = new Mlp(Objective.CROSS_ENTROPY, 8, 16, 3);
        try (NDManager m = NDManager.newBaseManager()) {
            NDList shared = mlp.init(m, 4);
            NDArray x = m.randomNormal(new ai.djl.ndarray.types.Shape(2, 6, 8));
            NDArray y = m.create(new long[] {0, 1, 2, 0, 1, 2, 2, 1, 0, 2, 1, 0}, new ai.djl.ndarray.types.Shape(2, 6));
            for (boolean reduce : new boolean[] {false, true}) {
                compare(mlp.lossGrads(shared, x, y, reduce, 0), Learner.autogradLossGrads(mlp, shared, x, y, reduce, 0), 0);
            }
        }
    }
}
