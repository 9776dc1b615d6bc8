package dev.polymath.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetaCommandTest {
    @Test
    void trainThenEvalWriteRunRecords(@TempDir Path runs) throws Exception {
        assertEquals(0, Main.run("meta", "train", "--algo", "maml-fo", "--benchmark", "sine", "--shots", "5",
                "--iterations", "60", "--test-tasks", "100", "--validation-tasks", "20", "--threads", "2", "--runs", runs.toString()));
        Path run;
        try (Stream<Path> s = Files.list(runs)) {
            run = s.filter(p -> p.getFileName().toString().contains("meta-train")).findFirst().orElseThrow();
        }
        assertTrue(Files.isRegularFile(run.resolve("checkpoint.safetensors")));
        String metrics = Files.readString(run.resolve("metrics.json"));
        assertTrue(metrics.contains("mse"), metrics);
        assertEquals(0, Main.run("meta", "eval", "--algo", "maml-fo", "--benchmark", "sine", "--shots", "5", "--test-tasks", "100",
                "--checkpoint", run.resolve("checkpoint.safetensors").toString(), "--threads", "2", "--runs", runs.toString()));
    }

    @Test
    void unknownAlgorithmAndBenchmarkAreOneLineErrors(@TempDir Path runs) {
        assertEquals(1, Main.run("meta", "train", "--algo", "nope", "--runs", runs.toString()));
        assertEquals(1, Main.run("meta", "train", "--algo", "protonet", "--benchmark", "sine", "--runs", runs.toString()));
        assertEquals(1, Main.run("meta", "train", "--algo", "maml", "--benchmark", "text", "--runs", runs.toString()));
    }
}
