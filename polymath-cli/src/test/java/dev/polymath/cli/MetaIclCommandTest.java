package dev.polymath.cli;

import dev.polymath.core.data.FashionMnistLoader;
import dev.polymath.nn.meta.icl.InContextClassifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MetaIclCommandTest {
    @Test
    void taskCountsAcceptPowersAndPlainNumbers() {
        assertEquals(1024, MetaIclCommand.parseCount("2^10"));
        assertEquals(1024, MetaIclCommand.parseCount("1024"));
        assertEquals(81, MetaIclCommand.parseCount("3**4"));
        assertEquals(List.of(16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L), MetaIclCommand.parseSweep("2^4..2^16", 2));
        assertEquals(List.of(16L, 128L, 1024L, 8192L, 65536L), MetaIclCommand.parseSweep("2^4..2^16", 3));
        assertEquals(List.of(16L, 128L, 512L), MetaIclCommand.parseSweep("16..512", 3));
        var e = assertThrows(IllegalArgumentException.class, () -> MetaIclCommand.parseCount("two^10"));
        assertTrue(e.getMessage().contains("two^10"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MetaIclCommand.parseCount("0"));
        assertThrows(IllegalArgumentException.class, () -> MetaIclCommand.parseSweep("2^4..100", 2));
    }

    @Test
    void sweepTrainsSavesAndReusesPoints(@TempDir Path tmp) throws Exception {
        assumeTrue(FashionMnistLoader.find() != null, "Fashion-MNIST not installed");
        Path runs = tmp.resolve("runs"), sweep = tmp.resolve("sweep");
        String[] args = {"meta", "icl", "--sweep", "2^1..2^3", "--sweep-every", "2", "--steps", "3", "--batch", "4", "--length", "8",
                "--d-model", "16", "--layers", "1", "--heads", "2", "--warmup", "1", "--eval-sequences", "8", "--no-intents",
                "--threads", "2", "--sweep-dir", sweep.toString(), "--runs", runs.toString()};
        assertEquals(0, Main.run(args));
        assertTrue(Files.isRegularFile(sweep.resolve("tasks-2/eval.json")));
        assertTrue(Files.isRegularFile(sweep.resolve("tasks-8/" + InContextClassifier.WEIGHTS)));
        try (InContextClassifier c = InContextClassifier.load(sweep.resolve("tasks-8"))) {
            assertEquals(4, c.config().labels());
            assertEquals(1, c.predict(new float[][] {new float[32]}, new int[] {1}, new float[][] {new float[32]}).length);
        }
        long before = Files.getLastModifiedTime(sweep.resolve("tasks-2/eval.json")).toMillis();
        assertEquals(0, Main.run(args)); // second sitting: both points reused, only the report is rebuilt
        assertEquals(before, Files.getLastModifiedTime(sweep.resolve("tasks-2/eval.json")).toMillis());
        assertEquals(1, Main.run("meta", "icl", "--tasks", "2^2", "--sweep", "2^1..2^3", "--runs", runs.toString()));
    }
}
