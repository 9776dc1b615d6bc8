package dev.polymath.nn.meta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.polymath.nn.Engines;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Known answers for the algorithms' verbs. */
class AlgorithmsTest {
    @BeforeAll
    static void engine() {
        Engines.pytorch(2);
    }

    @Test
    void protoNetPrototypesAndDistancesOnAHandMadeEpisode() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = m.create(new float[] {0, 0, 2, 0, 0, 2, 0, 4}, new Shape(1, 4, 2));
            NDArray labels = m.create(new long[] {0, 0, 1, 1}, new Shape(1, 4));
            NDArray protos = ProtoNet.prototypes(emb, labels, 2);
            assertArrayEquals(new float[] {1, 0, 0, 3}, protos.toFloatArray(), 1e-6f);
            NDArray q = m.create(new float[] {1, 1, 0, 3}, new Shape(1, 2, 2));
            // (1,1): to (1,0) -> 1, to (0,3) -> 1 + 4 = 5; (0,3): to (1,0) -> 1 + 9 = 10, to (0,3) -> 0
            assertArrayEquals(new float[] {1, 5, 10, 0}, ProtoNet.squaredDistances(q, protos).toFloatArray(), 1e-5f);
        }
    }

    /** A 1-1 linear model: y = w x + b. */
    private static MetaAlgorithm linear(String algo, NDManager m, float w, float b, float lr) {
        MetaAlgorithm a = Algorithms.create(algo, new Mlp(Objective.MSE, 1, 1), new MetaConfig(lr, 1, 1, 0.001f, 0.5f, 0), m);
        a.load(new NDList(m.create(new float[] {w}, new Shape(1, 1)), m.create(new float[] {b}, new Shape(1))));
        return a;
    }

    @Test
    void oneMamlInnerStepIsPlainSgdOnTheSupportLoss() {
        try (NDManager m = NDManager.newBaseManager(); MetaAlgorithm a = linear("maml-fo", m, 0.5f, 0f, 0.1f)) {
            NDArray xs = m.create(new float[] {1, 2}, new Shape(1, 2, 1));
            NDArray ys = m.create(new float[] {3, 5}, new Shape(1, 2, 1));
            // residuals r = (0.5 - 3, 1 - 5) = (-2.5, -4); loss = mean r^2
            // dL/dw = 2/2 * (r1 x1 + r2 x2) = -2.5 - 8 = -10.5; dL/db = -2.5 - 4 = -6.5
            try (NDManager it = m.newSubManager()) {
                NDList fast = a.adapt(xs.duplicate(), ys.duplicate(), 1);
                fast.attach(it);
                assertEquals(0.5f + 0.1f * 10.5f, fast.get(0).toFloatArray()[0], 1e-5f);
                assertEquals(0.1f * 6.5f, fast.get(1).toFloatArray()[0], 1e-5f);
            }
            assertEquals(0.5f, a.learnerParams().get(0).getFloat(0, 0), 0f, "meta-parameters untouched");
        }
    }

    @Test
    void reptileMetaUpdateIsTheInterpolationFormula() {
        try (NDManager m = NDManager.newBaseManager(); MetaAlgorithm a = Algorithms.create("reptile", SineTasks.model(),
                new MetaConfig(0.01f, 3, 3, 0.001f, 0.25f, 1), m)) {
            try (NDManager it = m.newSubManager()) {
                TaskBatch b = SineTasks.sample(it, new SplittableRandom(2), 5, 10, 10);
                NDList theta = a.params().snapshot(it);
                NDList fast = a.adapt(b.xs(), b.ys(), 3);
                NDList expected = new NDList();
                for (int i = 0; i < theta.size(); i++) {
                    NDArray meanPhi = fast.get(i).mean(new int[] {0});
                    expected.add(theta.get(i).add(meanPhi.sub(theta.get(i)).mul(0.25f)));
                }
                a.metaStep(b);
                for (int i = 0; i < theta.size(); i++) {
                    assertArrayEquals(expected.get(i).toFloatArray(), a.params().get(i).toFloatArray(), 1e-6f, "param " + i);
                }
            }
        }
    }

    @Test
    void anilAdaptsTheHeadOnlyAndLeavesTheBodyUntouched() {
        try (NDManager m = NDManager.newBaseManager(); MetaAlgorithm a = Algorithms.create("anil", SineTasks.model(), MetaConfig.sine(3), m)) {
            try (NDManager it = m.newSubManager()) {
                TaskBatch b = SineTasks.sample(it, new SplittableRandom(4), 4, 10, 10);
                NDList fast = a.adapt(b.xs(), b.ys(), 5);
                int head = a.learner().headStart();
                for (int i = 0; i < head; i++) {
                    assertEquals(a.params().get(i).getShape(), fast.get(i).getShape(), "body stays shared");
                    assertArrayEquals(a.params().get(i).toFloatArray(), fast.get(i).toFloatArray(), 0f);
                }
                for (int i = head; i < fast.size(); i++) {
                    assertEquals(4, fast.get(i).getShape().get(0), "head is per task");
                    assertFalse(fast.get(i).get(0).allClose(a.params().get(i)), "head adapted");
                }
            }
        }
    }

    @Test
    void adaptationNeverMutatesTheMetaParameters() {
        for (String name : Algorithms.names()) {
            boolean classification = name.equals("protonet");
            Learner learner = classification ? new Mlp(Objective.CROSS_ENTROPY, 4, 8, 3) : SineTasks.model();
            try (NDManager m = NDManager.newBaseManager(); MetaAlgorithm a = Algorithms.create(name, learner, MetaConfig.sine(5).withInnerSteps(3, 3), m)) {
                float[] before = a.params().flat().toFloatArray();
                try (NDManager it = m.newSubManager()) {
                    TaskBatch b = classification
                            ? new TaskBatch(it.randomNormal(new Shape(2, 6, 4)), it.create(new long[] {0, 1, 2, 0, 1, 2, 2, 1, 0, 2, 1, 0}, new Shape(2, 6)),
                            it.randomNormal(new Shape(2, 3, 4)), it.create(new long[] {0, 1, 2, 0, 1, 2}, new Shape(2, 3)))
                            : SineTasks.sample(it, new SplittableRandom(6), 3, 10, 10);
                    NDList fast = a.adapt(b.xs(), b.ys(), 3);
                    a.predict(fast, b.xq());
                    a.evaluate(b);
                }
                assertArrayEquals(before, a.params().flat().toFloatArray(), 0f, name);
                // and the meta-parameters survive the iteration's manager being closed
                assertEquals(before.length, a.params().flat().toFloatArray().length);
            }
        }
    }

    @Test
    void secondOrderMamlDiffersFromFirstOrderAndBothLearn() {
        try (NDManager m = NDManager.newBaseManager();
             MetaAlgorithm so = Algorithms.create("maml", SineTasks.model(), MetaConfig.sine(7), m);
             MetaAlgorithm fo = Algorithms.create("maml-fo", SineTasks.model(), MetaConfig.sine(7), m)) {
            try (NDManager it = m.newSubManager()) {
                TaskBatch b = SineTasks.sample(it, new SplittableRandom(8), 5, 10, 10);
                float lso = so.metaStep(b);
                float lfo = fo.metaStep(b);
                assertEquals(lfo, lso, 1e-4f, "same query loss before the update");
                assertFalse(so.params().flat().allClose(fo.params().flat(), 0, 0, false), "second-order terms change the update");
            }
        }
    }

    @Test
    void divergenceStopsWithTheIterationAndLastFiniteValue() {
        try (NDManager m = NDManager.newBaseManager();
             MetaAlgorithm a = Algorithms.create("maml-fo", SineTasks.model(), new MetaConfig(50f, 3, 1, 0.5f, 0.1f, 0), m)) {
            var e = assertThrows(MetaDivergedException.class, () -> MetaTrainer.train(a, new SineMetaTasks(10, 0),
                    MetaTrainer.Options.defaults(2000, 25).withTest(0, 10), null));
            assertTrue(Double.isFinite(e.lastFinite()) || e.iteration() == 0, e.getMessage());
            assertTrue(e.getMessage().contains("iteration " + e.iteration()));
        }
    }
}
