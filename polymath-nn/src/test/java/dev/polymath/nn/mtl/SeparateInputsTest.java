package dev.polymath.nn.mtl;

import ai.djl.ndarray.NDManager;
import dev.polymath.core.task.MetricSpec;
import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import dev.polymath.nn.Engines;
import dev.polymath.nn.mtl.arch.Architectures;
import dev.polymath.nn.mtl.arch.Backbones;
import dev.polymath.nn.mtl.arch.MtlNet;
import dev.polymath.nn.mtl.arch.NetSpec;
import dev.polymath.nn.mtl.data.DenseTaskData;
import dev.polymath.nn.mtl.data.MtlSplit;
import dev.polymath.nn.mtl.weighting.WeightingRegistry;
import dev.polymath.nn.tensor.Graph;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tasks with their own examples, label sets and sizes (the text suites' layout), on synthetic dense data. */
class SeparateInputsTest {
    static final int D = 8;

    /** Task "wide": 3 classes = argmax of the first 3 features; task "sign": 2 classes = sign of feature 3. */
    static DenseTaskData data(String task, String split, int n, long seed) {
        var rng = new SplittableRandom(seed);
        float[][] x = new float[n][D];
        var examples = new ArrayList<Example>();
        List<String> labels = task.equals("wide") ? List.of("a", "b", "c") : List.of("neg", "pos");
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < D; k++) x[i][k] = (float) rng.nextGaussian();
            int y;
            if (task.equals("wide")) {
                y = x[i][0] > x[i][1] ? (x[i][0] > x[i][2] ? 0 : 2) : (x[i][1] > x[i][2] ? 1 : 2);
            } else {
                y = x[i][3] > 0 ? 1 : 0;
            }
            examples.add(Example.classification(split + i, "", labels.get(y)));
        }
        Task t = Task.builder(task, TaskKind.CLASSIFICATION).labels(labels).metrics(MetricSpec.higher("accuracy"))
                .split(split, examples).build();
        return new DenseTaskData(t, split, x);
    }

    static MtlSplit split(String name, int nWide, int nSign, long seed) {
        return MtlSplit.perTask(name, List.of(data("wide", name, nWide, seed), data("sign", name, nSign, seed + 1)));
    }

    @Test
    void eachTaskLearnsFromItsOwnBatches() {
        try (NDManager root = Engines.pytorch(1).newBaseManager();
             MtlNet net = Architectures.get("hps").build(new NetSpec(Backbones.mlp(D, 32), List.of(3, 2), Map.of(), 0), root)) {
            var res = new MtlTrainer(new MtlTrainer.Config(6, 32, 5e-3, 0, 0, 0, null, false))
                    .train(root, net, WeightingRegistry.factory("pcgrad"), split("train", 600, 150, 1), split("validation", 200, 200, 5),
                            split("test", 300, 300, 9), null, null);
            assertEquals(19 * 6, res.steps(), "an epoch is one pass over the largest task: ceil(600/32) steps");
            assertTrue(res.test().value("wide", "accuracy") > 0.7, "wide " + res.test().value("wide", "accuracy") + " (chance 1/3)");
            assertTrue(res.test().value("sign", "accuracy") > 0.8, "sign " + res.test().value("sign", "accuracy") + " (chance 1/2)");
        }
    }

    @Test
    void aTaskSeesTheSameBatchesAloneAsWithOthers() {
        MtlSplit both = split("train", 100, 30, 1);
        MtlSplit alone = both.select(List.of("sign"));
        assertEquals(100, alone.epochSize(), "selected tasks keep the suite's epoch length");
        try (NDManager root = Engines.pytorch(1).newBaseManager(); NDManager buf = root.newSubManager()) {
            var a = new MtlTrainer.StepBatches(buf, both, 16, 3);
            var b = new MtlTrainer.StepBatches(buf, alone, 16, 3);
            assertEquals(7, a.stepsPerEpoch());
            assertEquals(7, b.stepsPerEpoch());
            for (int e = 0; e < 2; e++) {
                for (int i = 0; i < 7; i++) {
                    try (Graph g = Graph.open(buf)) {
                        var x = a.load(g, e, i);
                        var y = b.load(g, e, i);
                        assertArrayEquals(Graph.toFloats(x.xs()[1]), Graph.toFloats(y.xs()[0]), 0f, "epoch " + e + " step " + i);
                    }
                }
            }
        }
    }

    @Test
    void mismatchedShapesAndUnknownTasksFailFast() {
        var wide = data("wide", "train", 10, 1);
        assertThrows(IllegalArgumentException.class, () -> split("train", 10, 10, 1).select(List.of("nope")));
        Task t = wide.tasks().get(0);
        assertThrows(IllegalArgumentException.class, () -> new DenseTaskData(t, "train", new float[3][D]));
    }
}
