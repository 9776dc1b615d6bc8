package dev.polymath.nn.mtl;

import ai.djl.ndarray.NDManager;
import dev.polymath.core.data.FashionMnistLoader;
import dev.polymath.core.metric.ScoreTable;
import dev.polymath.nn.Engines;
import dev.polymath.nn.mtl.arch.Architectures;
import dev.polymath.nn.mtl.arch.Backbones;
import dev.polymath.nn.mtl.arch.MtlNet;
import dev.polymath.nn.mtl.arch.NetSpec;
import dev.polymath.nn.mtl.data.MtlSplit;
import dev.polymath.nn.mtl.data.MultiFashion;
import dev.polymath.nn.mtl.weighting.WeightingRegistry;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
            assertEquals(2, res.epochs().size(), "the first epoch's record comes from the checkpoint, the second is trained");
            assertEquals(0, res.epochs().get(0).epoch());
            assertEquals(1, res.epochs().get(1).epoch());
        }
        var x = Checkpoint.read(a.resolve("last.safetensors"));
        var y = Checkpoint.read(b.resolve("last.safetensors"));
        assertEquals("1", y.meta("epoch"));
        assertEquals(x.meta("optimizer_steps"), y.meta("optimizer_steps"));
        assertArrayEquals(x.data("parameters"), y.data("parameters"), 0f, "bit-identical parameters after epoch 1");
        assertArrayEquals(x.data("optimizer.v"), y.data("optimizer.v"), 0f);
    }

    /**
     * Stateful weighting methods (DWA's loss history from epochs 0 and 1 decides epoch 2's weights; UW's
     * log-variances and their Adam; FAMO's logits) and F-MTL's two aggregators: stopping after two epochs and
     * resuming for the third gives exactly the parameters, method state and weight trajectory of three
     * uninterrupted epochs.
     */
    @Test
    void resumeRestoresWeightingStateAndReproducesTheUninterruptedRun(@TempDir Path tmp) {
        var small = MtlSplit.shared(data.get("train").range("train", 0, 384));
        for (String method : List.of("dwa", "uw", "famo", "uw+fmtl")) {
            Sharpness sam = method.endsWith("+fmtl") ? Sharpness.fmtl(0.05) : Sharpness.NONE;
            String name = method.replace("+fmtl", "");
            Path a = tmp.resolve(method + "-straight"), b = tmp.resolve(method + "-resumed");
            MtlTrainer.Result straight;
            try (NDManager root = Engines.pytorch(1).newBaseManager(); MtlNet net = lenet(root, 4)) {
                straight = new MtlTrainer(new MtlTrainer.Config(3, 64, 1e-3, 0, 4, 0, a, false, sam))
                        .train(root, net, WeightingRegistry.factory(name), small, null, null, null, null);
            }
            try (NDManager root = Engines.pytorch(1).newBaseManager(); MtlNet net = lenet(root, 4)) {
                new MtlTrainer(new MtlTrainer.Config(2, 64, 1e-3, 0, 4, 0, b, false, sam))
                        .train(root, net, WeightingRegistry.factory(name), small, null, null, null, null);
            }
            MtlTrainer.Result resumed;
            try (NDManager root = Engines.pytorch(1).newBaseManager(); MtlNet net = lenet(root, 999)) {
                resumed = new MtlTrainer(new MtlTrainer.Config(3, 64, 1e-3, 0, 4, 0, b, true, sam))
                        .train(root, net, WeightingRegistry.factory(name), small, null, null, null, null);
            }
            var x = Checkpoint.read(a.resolve("last.safetensors"));
            var y = Checkpoint.read(b.resolve("last.safetensors"));
            assertEquals(3, resumed.epochs().size(), method);
            assertArrayEquals(x.data("parameters"), y.data("parameters"), 0f, method + ": bit-identical parameters");
            assertEquals(x.meta("weighting_state"), y.meta("weighting_state"), method + ": identical method state");
            assertTrue(x.meta("weighting_state").length() > 10, method + " has state: " + x.meta("weighting_state"));
            assertEquals(straight.stepWeights().length, resumed.stepWeights().length, method);
            for (int i = 0; i < straight.stepWeights().length; i++) {
                assertArrayEquals(straight.stepWeights()[i], resumed.stepWeights()[i], 0f, method + " weights at step " + i);
            }
            if (name.equals("dwa")) {
                float[] last = straight.stepWeights()[straight.stepWeights().length - 1];
                assertTrue(last[0] != 1f, "DWA weights in epoch 2 come from the loss history: " + java.util.Arrays.toString(last));
            }
        }
    }

    @Test
    void withoutBaselineSelectionSaysSoAndUsesValidationLoss() {
        try (NDManager root = Engines.pytorch(1).newBaseManager(); MtlNet net = lenet(root, 2)) {
            var res = new MtlTrainer(new MtlTrainer.Config(2, 64, 1e-3, 0, 2, 0, null, false))
                    .train(root, net, TestWeightings.equal(GradientMode.LOSSES), data.get("train").range("train", 0, 256),
                            data.get("validation").range("validation", 0, 256), null, null, null);
            assertTrue(res.selection().contains("no single-task baseline"), res.selection());
            for (var e : res.epochs()) {
                double meanVal = (e.validationLosses()[0] + e.validationLosses()[1]) / 2;
                assertEquals(-meanVal, e.score(), 1e-12);
            }
        }
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

    /**
     * A run paused at epoch boundaries (as {@code mtl compare --checkpoints --time-budget} does) and resumed twice ends
     * exactly as the uninterrupted run: same learning curve (the earlier epochs' records come back from the
     * checkpoint), same best epoch, same test figures and Δm%, same weight trajectory.
     */
    @Test
    void pausedAndResumedRunEqualsTheUninterruptedOneWithItsWholeLearningCurve(@TempDir Path tmp) {
        var train = MtlSplit.shared(data.get("train").range("train", 0, 256));
        var val = MtlSplit.shared(data.get("validation").range("validation", 0, 256));
        var test = MtlSplit.shared(data.get("test").range("test", 0, 256));
        var baseline = ScoreTable.builder("stl").put("L", "accuracy", 0.3).put("R", "accuracy", 0.3).build();
        var config = new MtlTrainer.Config(3, 64, 2e-3, 0, 6, 0, tmp.resolve("straight"), false);
        MtlTrainer.Result straight;
        try (NDManager root = Engines.pytorch(1).newBaseManager(); MtlNet net = lenet(root, 6)) {
            straight = new MtlTrainer(config).train(root, net, () -> TestWeightings.equal(GradientMode.LOSSES), train, val, test, baseline, null);
        }
        Path dir = tmp.resolve("paused");
        var pausing = new MtlTrainer.Config(3, 64, 2e-3, 0, 6, 0, dir, true);
        for (int sitting = 0; sitting < 2; sitting++) {
            try (NDManager root = Engines.pytorch(1).newBaseManager(); MtlNet net = lenet(root, sitting == 0 ? 6 : 100)) { // resumed: the checkpoint replaces the initialisation
                var r = new MtlTrainer(pausing).pauseWhen(() -> true)
                        .train(root, net, () -> TestWeightings.equal(GradientMode.LOSSES), train, val, test, baseline, null);
                assertTrue(r.paused(), "sitting " + sitting);
                assertNull(r.test(), "a paused run is not tested");
                assertEquals(sitting + 1, r.epochs().size());
            }
        }
        MtlTrainer.Result resumed;
        var calls = new int[1];
        try (NDManager root = Engines.pytorch(1).newBaseManager(); MtlNet net = lenet(root, 999)) {
            // asked after the last epoch too, but a run with no epoch left to train does not pause
            resumed = new MtlTrainer(pausing).pauseWhen(() -> ++calls[0] > 0)
                    .train(root, net, () -> TestWeightings.equal(GradientMode.LOSSES), train, val, test, baseline, null);
        }
        assertFalse(resumed.paused());
        assertEquals(3, resumed.epochs().size());
        for (int e = 0; e < 3; e++) {
            var x = straight.epochs().get(e);
            var y = resumed.epochs().get(e);
            assertEquals(x.epoch(), y.epoch());
            assertEquals(x.score(), y.score(), 0, "epoch " + e);
            assertEquals(x.best(), y.best(), "epoch " + e);
            assertEquals(x.validation().values(), y.validation().values(), "epoch " + e);
            assertArrayEquals(x.validationLosses(), y.validationLosses(), 0, "epoch " + e);
            assertEquals(x.deltaM().percent(), y.deltaM().percent(), 0, "Δm% recomputed from the restored figures, epoch " + e);
        }
        assertEquals(straight.bestEpoch(), resumed.bestEpoch());
        assertEquals(straight.test().values(), resumed.test().values());
        assertEquals(straight.testDeltaM().percent(), resumed.testDeltaM().percent(), 0);
        assertEquals(straight.stepWeights().length, resumed.stepWeights().length);
        assertThrows(IllegalArgumentException.class, () -> new MtlTrainer(MtlTrainer.Config.of(1, 64, 1e-3, 0)).pauseWhen(() -> true),
                "pausing without a checkpoint would lose the run");
    }

    /**
     * A single task without a baseline (a single-task baseline run) selects its best epoch on its own primary
     * validation metric, not on its validation loss; an early-stopped run resumed from its checkpoint stays stopped.
     */
    @Test
    void singleTaskRunSelectsOnItsPrimaryMetricAndAStoppedRunStaysStopped(@TempDir Path tmp) {
        var train = MtlSplit.shared(data.get("train").range("train", 0, 256)).select(List.of("R"));
        var val = MtlSplit.shared(data.get("validation").range("validation", 0, 256)).select(List.of("R"));
        var config = new MtlTrainer.Config(8, 64, 1e-12, 0, 3, 1, tmp, false);
        MtlTrainer.Result res;
        try (NDManager root = Engines.pytorch(1).newBaseManager();
             MtlNet net = Architectures.get("hps").build(new NetSpec(Backbones.lenet(36), List.of(10), Map.of(), 3), root)) {
            res = new MtlTrainer(config).train(root, net, () -> TestWeightings.equal(GradientMode.LOSSES), train, val, null, null, null);
        }
        assertTrue(res.selection().contains("single task") && res.selection().contains("accuracy"), res.selection());
        for (var e : res.epochs()) assertEquals(e.validation().value("R", "accuracy"), e.score(), 0, "epoch " + e.epoch());
        // lr 1e-12: the accuracy cannot improve after epoch 0, so patience 1 stops after epoch 1
        assertTrue(res.stoppedEarly());
        assertEquals(2, res.epochs().size());
        assertEquals("true", Checkpoint.read(tmp.resolve("last.safetensors")).meta("stopped_early"));
        try (NDManager root = Engines.pytorch(1).newBaseManager();
             MtlNet net = Architectures.get("hps").build(new NetSpec(Backbones.lenet(36), List.of(10), Map.of(), 3), root)) {
            var again = new MtlTrainer(new MtlTrainer.Config(8, 64, 1e-12, 0, 3, 1, tmp, true))
                    .train(root, net, () -> TestWeightings.equal(GradientMode.LOSSES), train, val, null, null, null);
            assertTrue(again.stoppedEarly());
            assertEquals(2, again.epochs().size(), "no epoch trained after resuming a stopped run");
            assertEquals(res.steps(), again.steps());
        }
    }
}
