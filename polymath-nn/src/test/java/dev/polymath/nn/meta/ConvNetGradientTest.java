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

/** The CNN's hand-written backward pass against DJL autograd, for every parameter layout; and second-order MAML on it. */
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
            NDArray x = m.randomUniform(0, 1, new Shape(2, 5, 64));
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
    void secondOrderMamlRunsOnTheCnnAndDiffersFromFirstOrder() {
        ConvNet net = new ConvNet(4, 2, 8);
        MetaConfig config = new MetaConfig(0.5f, 2, 2, 0.001f, 0.1f, 5);
        try (NDManager m = NDManager.newBaseManager(); Maml maml = new Maml(net, config, m); NDManager it = m.newSubManager()) {
            TaskBatch b = new TaskBatch(it.randomUniform(0, 1, new Shape(3, 4, 64)), it.create(new long[] {0, 1, 0, 1, 1, 0, 1, 0, 0, 0, 1, 1}, new Shape(3, 4)),
                    it.randomUniform(0, 1, new Shape(3, 4, 64)), it.create(new long[] {1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 0}, new Shape(3, 4)));
            float[] so = maml.params().flatten(maml.outer(b).grads()).toFloatArray();
            NDList fast = maml.adapt(b.xs(), b.ys(), 2);
            float[] fo = maml.params().flatten(net.lossGrads(fast, b.xq(), b.yq(), true, 0).grads()).toFloatArray();
            double diff = 0, norm = 0;
            for (int i = 0; i < so.length; i++) {
                assertTrue(Float.isFinite(so[i]));
                diff += (so[i] - fo[i]) * (so[i] - fo[i]);
                norm += fo[i] * fo[i];
            }
            assertTrue(diff > 1e-6 * norm, "second-order terms change the meta-gradient");
        }
    }
}
