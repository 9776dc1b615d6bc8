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
    }

    @Test
    void unknownArchitectureListsTheKnownOnes() {
        var r = MainTest.run("mtl", "train", "--arch", "moe", "--epochs", "1");
        assertTrue(r.code() != 0);
        assertTrue(r.err().contains("unknown architecture 'moe'") && r.err().contains("cross_stitch") && r.err().contains("dtrn"), r.err());
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
