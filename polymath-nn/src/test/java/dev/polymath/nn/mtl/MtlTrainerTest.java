package dev.polymath.nn.mtl;

import ai.djl.ndarray.NDManager;
import dev.polymath.core.data.FashionMnistLoader;
import dev.polymath.core.metric.ScoreTable;
import dev.polymath.nn.Engines;
import dev.polymath.nn.mtl.arch.Architectures;
import dev.polymath.nn.mtl.arch.Backbones;
import dev.polymath.nn.mtl.arch.MtlNet;
import dev.polymath.nn.mtl.arch.NetSpec;
import dev.polymath.nn.mtl.data.MultiFashion;
import dev.polymath.nn.mtl.weighting.GradientMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** End to end on real Fashion-MNIST (skipped when the IDX files are not installed). */
class MtlTrainerTest {
    static Map<String, MultiFashion> data;

    @BeforeAll
    static void load() {
        Path dir = FashionMnistLoader.find();
        assumeTrue(dir != null, "Fashion-MNIST not installed");
        data = MultiFashion.load(dir, 2048, 512, 1024, 0);
    }

    static MtlNet lenet(NDManager root, long seed) {
        return Architectures.get("hps").build(new NetSpec(Backbones.lenet(36), List.of(10, 10), Map.of(), seed), root);
    }

    @Test
    void smallMultiFashionSubsetTrainsWellAboveChance() {
        try (NDManager root = Engines.pytorch(1).newBaseManager(); MtlNet net = lenet(root, 0)) {
            var trainer = new MtlTrainer(new MtlTrainer.Config(3, 64, 2e-3, 0, 0, 0, null, false));
            var baseline = ScoreTable.builder("stl").put("L", "accuracy", 0.6).put("R", "accuracy", 0.6).build();
            var res = trainer.train(root, net, TestWeightings.equal(GradientMode.LOSSES), data.get("train"), data.get("validation"),
                    data.get("test"), baseline, null);
            assertEquals(3, res.epochs().size());
            for (String t : List.of("L", "R")) {
                double acc = res.test().value(t, "accuracy");
                assertTrue(acc > 0.3, t + " test accuracy " + acc + " (chance 0.1)");
            }
            assertNotNull(res.testDeltaM());
            double expect = 100 * ((res.test().value("L", "accuracy") - 0.6) / 0.6 + (res.test().value("R", "accuracy") - 0.6) / 0.6) / 2;
            assertEquals(expect, res.testDeltaM().percent(), 1e-9);
            assertTrue(res.epochs().get(2).meanLosses()[0] < res.epochs().get(0).meanLosses()[0]);
        }
    }

    @Test
    void resumingFromTheCheckpointReproducesTheUninterruptedRun(@TempDir Path tmp) {
        var small = data.get("train").range("train", 0, 512);
        Path a = tmp.resolve("straight"), b = tmp.resolve("resumed");
        try (NDManager root = Engines.pytorch(1).newBaseManager(); MtlNet net = lenet(root, 4)) {
            new MtlTrainer(new MtlTrainer.Config(2, 64, 1e-3, 0, 4, 0, a, false))
                    .train(root, net, TestWeightings.equal(GradientMode.LOSSES), small, null, null, null, null);
        }
        try (NDManager root = Engines.pytorch(1).newBaseManager(); MtlNet net = lenet(root, 4)) {
            new MtlTrainer(new MtlTrainer.Config(1, 64, 1e-3, 0, 4, 0, b, false))
                    .train(root, net, TestWeightings.equal(GradientMode.LOSSES), small, null, null, null, null);
            assertEquals("0", Checkpoint.read(b.resolve("last.safetensors")).meta("epoch"));
        }
        try (NDManager root = Engines.pytorch(1).newBaseManager(); MtlNet net = lenet(root, 999)) {
            var res = new MtlTrainer(new MtlTrainer.Config(2, 64, 1e-3, 0, 4, 0, b, true))
                    .train(root, net, TestWeightings.equal(GradientMode.LOSSES), small, null, null, null, null);
            assertEquals(1, res.epochs().size(), "only the second epoch runs");
            assertEquals(1, res.epochs().get(0).epoch());
        }
        var x = Checkpoint.read(a.resolve("last.safetensors"));
        var y = Checkpoint.read(b.resolve("last.safetensors"));
        assertEquals("1", y.meta("epoch"));
        assertEquals(x.meta("optimizer_steps"), y.meta("optimizer_steps"));
        assertArrayEquals(x.data("parameters"), y.data("parameters"), 0f, "bit-identical parameters after epoch 1");
        assertArrayEquals(x.data("optimizer.v"), y.data("optimizer.v"), 0f);
    }

    @Test
    void earlyStoppingWhenValidationStopsImproving() {
        try (NDManager root = Engines.pytorch(1).newBaseManager(); MtlNet net = lenet(root, 1)) {
            var small = data.get("train").range("train", 0, 256);
            var val = data.get("validation").range("validation", 0, 256);
            var res = new MtlTrainer(new MtlTrainer.Config(6, 64, 1e-12, 0, 1, 1, null, false))
                    .train(root, net, TestWeightings.equal(GradientMode.LOSSES), small, val, null, null, null);
            assertTrue(res.stoppedEarly());
            assertEquals(2, res.epochs().size());
            assertEquals(0, res.bestEpoch());
        }
    }
}
