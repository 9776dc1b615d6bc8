package dev.polymath.nn.meta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.polymath.nn.Engines;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CNN's hand-written backward pass against DJL autograd, for every parameter layout (with tied pooling maxima). */
class ConvNetGradientTest {
    @BeforeAll
    static void engine() {
        Engines.pytorch(1);
    }

    @Test
    void gradientsMatchAutograd() {
        ConvNet net = new ConvNet(4, 3, 8);
        try (NDManager m = NDManager.newBaseManager()) {
            NDList shared = net.init(m, 3);
            // like Fashion-MNIST: a blank (exactly zero) background, so pooling windows hold equal maxima
            NDArray x = m.randomUniform(0, 1, new Shape(2, 5, 64));
            x = x.mul(x.gt(0.6f).toType(ai.djl.ndarray.types.DataType.FLOAT32, false));
            NDArray y = m.create(new long[] {0, 1, 2, 0, 1, 2, 2, 1, 0, 2}, new Shape(2, 5));
            NDList perTask = new NDList();
            for (NDArray p : shared) {
                NDArray rep = p.expandDims(0).repeat(0, 2);
                perTask.add(rep.add(m.randomNormal(0, 0.05f, rep.getShape(), p.getDataType())));
            }
            NDList mixed = new NDList(shared.subNDList(0, 4));
            mixed.addAll(perTask.subNDList(4));
            for (NDList ps : new NDList[] {shared, perTask, mixed}) {
                for (boolean reduce : new boolean[] {false, true}) {
                    for (int from : new int[] {0, net.headStart()}) {
                        Learner.LossGrads a = net.differentiableLossGrads(ps, x, y, reduce, from), b = Learner.autogradLossGrads(net, ps, x, y, reduce, from);
                        assertArrayEquals(b.losses().toFloatArray(), a.losses().toFloatArray(), 1e-5f);
                        for (int i = 0; i < ps.size(); i++) {
                            if (i < from) {
                                assertNull(a.grads().get(i));
                                continue;
                            }
                            assertArrayEquals(b.grads().get(i).toFloatArray(), a.grads().get(i).toFloatArray(), 1e-5f, "grad " + i + " reduce " + reduce);
                        }
                    }
                }
            }
        }
    }

    @Test
    void secondOrderMamlRefusesTheCnnByName() {
        try (NDManager m = NDManager.newBaseManager()) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> Algorithms.create("maml", new ConvNet(4, 2, 8), MetaConfig.sine(0), m));
            assertTrue(e.getMessage().contains("has no differentiable gradient (use maml-fo)"), e.getMessage());
        }
    }
}
