package dev.polymath.cli;

import dev.polymath.core.data.FashionMnistLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MtlCommandTest {
    @Test
    void trainsMultiFashionAndWritesARunRecord(@TempDir Path tmp) throws Exception {
        assumeTrue(FashionMnistLoader.find() != null, "Fashion-MNIST not installed");
        var r = MainTest.run("mtl", "train", "--suite", "multi-fashion", "--arch", "hps", "--weighting", "ew",
                "--epochs", "1", "--train-size", "512", "--validation-size", "128", "--test-size", "256", "--batch", "64",
                "--threads", "1", "--runs", tmp.toString(), "--write-baseline", tmp.resolve("stl.json").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Test, best epoch 0"), r.out());
        try (var runs = Files.list(tmp)) {
            Path run = runs.filter(p -> p.getFileName().toString().contains("mtl-train")).findFirst().orElseThrow();
            assertTrue(Files.exists(run.resolve("metrics.json")));
            assertTrue(Files.exists(run.resolve("report.html")));
        }
        // the written file serves as a baseline for Δm%
        var r2 = MainTest.run("mtl", "train", "--arch", "mmoe", "--experts", "2", "--epochs", "1", "--train-size", "256",
                "--validation-size", "64", "--test-size", "128", "--batch", "64", "--threads", "1", "--runs", tmp.toString(),
                "--baseline", tmp.resolve("stl.json").toString());
        assertEquals(0, r2.code(), r2.err());
        assertTrue(r2.out().contains("Δm = "), r2.out());
    }

    @Test
    void newArchitecturesTrainFromTheCommandLineWithTheirOptions(@TempDir Path tmp) {
        assumeTrue(FashionMnistLoader.find() != null, "Fashion-MNIST not installed");
        var r = MainTest.run("mtl", "train", "--arch", "sparse_moe", "--experts", "3", "-O", "k=1", "-O", "capacity-factor=1.5",
                "--epochs", "1", "--train-size", "256", "--validation-size", "64", "--test-size", "128", "--batch", "64",
                "--threads", "1", "--runs", tmp.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("sparse_moe(3 x lenet(36x36), top-1 noisy, capacity 1.5"), r.out());
        var bad = MainTest.run("mtl", "train", "--arch", "dselect_k", "-O", "k=9", "--epochs", "1", "--train-size", "256",
                "--validation-size", "64", "--test-size", "128", "--threads", "1", "--runs", tmp.toString());
        assertTrue(bad.code() != 0);
        assertTrue(bad.err().contains("k must be between 1 and experts=4, got k=9"), bad.err());
        var stray = MainTest.run("mtl", "train", "--arch", "hps", "-O", "k=2", "--epochs", "1", "--runs", tmp.toString());
        assertTrue(stray.code() != 0 && stray.err().contains("unknown option 'k' for hps"), stray.err());
    }

    @Test
    void unknownArchitectureListsTheKnownOnes() {
        var r = MainTest.run("mtl", "train", "--arch", "moe", "--epochs", "1");
        assertTrue(r.code() != 0);
        assertTrue(r.err().contains("unknown architecture 'moe'") && r.err().contains("cross_stitch") && r.err().contains("dtrn"), r.err());
    }

    @Test
    void compareTrainsStoredBaselinesAndTheGridThenReusesThem(@TempDir Path tmp) throws Exception {
        assumeTrue(FashionMnistLoader.find() != null, "Fashion-MNIST not installed");
        String[] common = {"mtl", "compare", "--suite", "multi-fashion", "--epochs", "1", "--train-size", "256", "--validation-size", "64",
                "--test-size", "128", "--batch", "64", "--threads", "1", "--seeds", "2", "--runs", tmp.toString()};
        var r = MainTest.run(concat(common, "--weightings", "ew,pcgrad+fmtl"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[8/8] grid/hps-pcgrad+fmtl(0.05)-seed1"), r.out());
        assertTrue(r.out().contains("single-task (hps ew)") && r.out().contains("Δm% (test)"), r.out());
        assertTrue(r.out().contains("hps pcgrad+fmtl(0.05)"), r.out());
        // a second comparison with one more method reuses the baselines and the ew runs
        var r2 = MainTest.run(concat(common, "--weightings", "ew,uw"));
        assertEquals(0, r2.code(), r2.err());
        assertTrue(r2.out().contains("stl/L-seed0 (stored)") && r2.out().contains("grid/hps-ew-seed1 (stored)"), r2.out());
        assertTrue(!r2.out().contains("grid/hps-uw-seed0 (stored)"), r2.out());
        try (var runs = Files.list(tmp)) {
            Path run = runs.filter(p -> p.getFileName().toString().contains("mtl-compare")).findFirst().orElseThrow();
            String html = Files.readString(run.resolve("report.html"));
            assertTrue(html.contains("Task weights: hps ew"), "weight trajectories in the report");
            assertTrue(html.contains("L test accuracy"), "a bar chart per task");
        }
    }

    /** With --checkpoints every run keeps a checkpoint while in progress (dropped once stored) and stores its learning curve. */
    @Test
    void compareWithCheckpointsStoresLearningCurvesAndPrintsThem(@TempDir Path tmp) throws Exception {
        assumeTrue(FashionMnistLoader.find() != null, "Fashion-MNIST not installed");
        String[] common = {"mtl", "compare", "--suite", "multi-fashion", "--epochs", "2", "--train-size", "256", "--validation-size", "64",
                "--test-size", "128", "--batch", "64", "--threads", "1", "--runs", tmp.toString(), "--checkpoints"};
        var base = MainTest.run(concat(common, "--seeds", "2", "--baselines-only"));
        assertEquals(0, base.code(), base.err());
        assertTrue(base.out().contains("all 4 single-task baselines are stored") && !base.out().contains("grid/"), base.out());
        assertTrue(base.out().contains("stl/L-seed0 epoch 2: validation accuracy"), "single-task runs select on their metric: " + base.out());
        // one grid seed against the mean of two baseline seeds
        var r = MainTest.run(concat(common, "--seeds", "1", "--baseline-seeds", "2"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("stl/L-seed0 (stored)") && r.out().contains("[4/5] stl/R-seed1 (stored)") && r.out().contains("[5/5] grid/hps-ew-seed0"), r.out());
        assertTrue(r.out().contains("validation after each epoch") && r.out().contains("single-task R, seed 0") && r.out().contains("hps ew, seed 0"), r.out());
        assertTrue(r.out().contains("best / last epoch per seed"), r.out());
        Path store = tmp.resolve("mtl-store").resolve("multi-fashion");
        try (var files = Files.walk(store)) {
            var all = files.toList();
            assertTrue(all.stream().noneMatch(p -> p.toString().endsWith(".safetensors")), "checkpoints are dropped once a run is stored: " + all);
            Path grid = all.stream().filter(p -> p.getFileName().toString().equals("grid_hps-ew-seed0.json")).findFirst().orElseThrow();
            var extra = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(grid)).path("extra");
            assertEquals(extra.path("epochs_run").asInt(), extra.path("curve").size());
            assertTrue(extra.path("curve").get(0).path("delta_m").isNumber(), extra.toString());
        }
        try (var runs = Files.list(tmp)) {
            Path run = runs.filter(p -> Files.exists(p.resolve("report.html"))).findFirst().orElseThrow();
            String html = Files.readString(run.resolve("report.html"));
            assertTrue(html.contains("Validation Δm% per epoch") && html.contains("Validation accuracy of task L"), "learning-curve charts");
        }
    }

    @Test
    void singleTaskRunAndSamOptionFromTheCommandLine(@TempDir Path tmp) {
        assumeTrue(FashionMnistLoader.find() != null, "Fashion-MNIST not installed");
        var r = MainTest.run("mtl", "train", "--suite", "multi-fashion", "--tasks", "R", "--weighting", "pcgrad", "--sam", "0.05",
                "--sam-kind", "sam", "--epochs", "1", "--train-size", "256", "--validation-size", "64", "--test-size", "128", "--batch", "64",
                "--threads", "1", "--runs", tmp.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("pcgrad+sam(0.05); tasks [R]"), r.out());
        assertTrue(r.out().contains("single task, no baseline: best epoch and early stopping on its validation accuracy"), r.out());
        var bad = MainTest.run("mtl", "train", "--tasks", "X", "--epochs", "1", "--train-size", "256", "--validation-size", "64",
                "--test-size", "128", "--threads", "1", "--runs", tmp.toString());
        assertTrue(bad.code() != 0 && bad.err().contains("L, R"), bad.err());
    }

    @Test
    void aMethodThatCannotRunInTheChosenGradientModeSaysSoBeforeAnyDataAreLoaded(@TempDir Path tmp) throws Exception {
        // no Fashion-MNIST or encoder needed: each refusal comes before loading, and nothing is written
        var pc = MainTest.run("mtl", "train", "--suite", "multi-fashion", "--weighting", "pcgrad", "--gradients", "representation",
                "--epochs", "1", "--threads", "1", "--runs", tmp.toString());
        assertEquals(1, pc.code(), pc.err());
        assertTrue(pc.err().contains("pcgrad works on parameter gradients only, not on representation gradients; --gradients representation "
                + "is accepted by gradnorm, mgda, imtl, aligned_mtl and the losses-only methods"), pc.err());
        var text = MainTest.run("mtl", "train", "--suite", "tweeteval", "--weighting", "mgda", "--gradients", "rep",
                "--epochs", "1", "--threads", "1", "--runs", tmp.toString());
        assertEquals(1, text.code(), text.err());
        assertTrue(text.err().contains("mgda on representation gradients needs one input batch shared by every task, but suite tweeteval "
                + "gives each task its own batch; use --gradients parameters"), text.err());
        var sam = MainTest.run("mtl", "train", "--weighting", "imtl", "--gradients", "representation", "--sam", "0.05",
                "--epochs", "1", "--threads", "1", "--runs", tmp.toString());
        assertEquals(1, sam.code(), sam.err());
        assertTrue(sam.err().contains("imtl on representation gradients cannot be wrapped in a sharpness-aware step (fmtl(0.05)): SAM and "
                + "F-MTL perturb the parameters along their gradients; use --gradients parameters"), sam.err());
        var mode = MainTest.run("mtl", "train", "--gradients", "weights", "--epochs", "1", "--runs", tmp.toString());
        assertTrue(mode.code() != 0 && mode.err().contains("unknown gradient mode 'weights'; valid: parameters, representation"), mode.err());
        // compare checks every cell of the grid before the first baseline is trained
        var grid = MainTest.run("mtl", "compare", "--suite", "multi-fashion", "--weightings", "ew,mgda,cagrad", "--archs", "hps,mmoe",
                "--gradients", "representation", "--epochs", "1", "--threads", "1", "--seeds", "1", "--runs", tmp.toString());
        assertEquals(1, grid.code(), grid.err());
        assertTrue(grid.err().contains("grid cell 'hps cagrad[rep]': cagrad works on parameter gradients only, not on representation gradients"),
                grid.err());
        var gridSam = MainTest.run("mtl", "compare", "--suite", "multi-fashion", "--weightings", "ew,gradnorm+fmtl",
                "--gradients", "representation", "--epochs", "1", "--threads", "1", "--seeds", "1", "--runs", tmp.toString());
        assertEquals(1, gridSam.code(), gridSam.err());
        assertTrue(gridSam.err().contains("grid cell 'hps gradnorm[rep]+fmtl(0.05)': gradnorm on representation gradients cannot be wrapped"),
                gridSam.err());
        try (var left = Files.list(tmp)) {
            assertEquals(0, left.count(), "no run record and no stored run");
        }
    }

    @Test
    void representationGradientsTrainFromTheCommandLine(@TempDir Path tmp) {
        assumeTrue(FashionMnistLoader.find() != null, "Fashion-MNIST not installed");
        var r = MainTest.run("mtl", "train", "--weighting", "mgda", "--gradients", "representation", "--epochs", "1", "--train-size", "256",
                "--validation-size", "64", "--test-size", "128", "--batch", "64", "--threads", "1", "--runs", tmp.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("method mgda[rep]; tasks [L, R]"), r.out());
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void unknownWeightingIsAnErrorNotAStackTrace() {
        var r = MainTest.run("mtl", "train", "--weighting", "nope", "--epochs", "1");
        assertTrue(r.code() != 0);
        assertTrue(r.err().contains("nope"), r.err());
    }

    @Test
    void benchMtlStepQuickRunsThePolymathSide() {
        var r = MainTest.run("bench", "mtl-step", "--quick", "--no-peer", "--threads", "1", "-o", "method=pcgrad");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("pcgrad steps/s"), r.out());
    }
}
