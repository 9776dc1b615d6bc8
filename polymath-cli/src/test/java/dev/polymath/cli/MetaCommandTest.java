package dev.polymath.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polymath.core.data.FashionMnistLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MetaCommandTest {
    private static Path run(Path runs, String kind) throws Exception {
        try (Stream<Path> s = Files.list(runs)) {
            return s.filter(p -> p.getFileName().toString().contains(kind)).findFirst().orElseThrow();
        }
    }

    private static JsonNode test(Path run) throws Exception {
        return new ObjectMapper().readTree(run.resolve("metrics.json").toFile()).path("tasks").path("test");
    }

    @Test
    void trainThenEvalFromTheCheckpointReproducesTheTestFigures(@TempDir Path runs) throws Exception {
        var t = MainTest.run("meta", "train", "--algo", "maml-fo", "--benchmark", "sine", "--shots", "5",
                "--iterations", "60", "--test-tasks", "100", "--validation-tasks", "20", "--runs", runs.toString());
        assertEquals(0, t.code(), t.err());
        Path train = run(runs, "meta-train");
        Path ckpt = train.resolve("checkpoint.safetensors");
        assertTrue(Files.isRegularFile(ckpt));
        // the HTML report carries the learning curve as an inline SVG chart
        String html = Files.readString(train.resolve("report.html"));
        assertTrue(html.contains("Learning curve: maml-fo on sine") && html.contains("<svg"), "report without learning curve");
        var e = MainTest.run("meta", "eval", "--algo", "maml-fo", "--benchmark", "sine", "--shots", "5", "--test-tasks", "100",
                "--checkpoint", ckpt.toString(), "--runs", runs.toString());
        assertEquals(0, e.code(), e.err());
        JsonNode a = test(train), b = test(run(runs, "meta-eval"));
        assertTrue(a.path("mse").path("mean").isNumber(), a.toString());
        assertEquals(a.path("mse").path("mean").asDouble(), b.path("mse").path("mean").asDouble(), 0.0, "same checkpoint, same 100 test tasks");
        assertEquals(a.path("mse_before").path("mean").asDouble(), b.path("mse_before").path("mean").asDouble(), 0.0);
        // a checkpoint of another algorithm is refused, naming the field and both values
        var wrong = MainTest.run("meta", "eval", "--algo", "reptile", "--benchmark", "sine", "--shots", "5", "--test-tasks", "10",
                "--checkpoint", ckpt.toString(), "--runs", runs.toString());
        assertEquals(1, wrong.code());
        assertTrue(wrong.err().contains("checkpoint algorithm is 'maml-fo', but this evaluation uses 'reptile'"), wrong.err());
    }

    @Test
    void unknownAlgorithmAndBenchmarkListTheKnownOnes(@TempDir Path runs) {
        var algo = MainTest.run("meta", "train", "--algo", "nope", "--runs", runs.toString());
        assertEquals(1, algo.code());
        assertTrue(algo.err().contains("unknown meta-learning algorithm 'nope'; known: protonet, maml-fo, maml, reptile, anil, meta-sgd"), algo.err());
        var bench = MainTest.run("meta", "train", "--algo", "maml", "--benchmark", "text", "--runs", runs.toString());
        assertEquals(1, bench.code());
        assertTrue(bench.err().contains("unknown benchmark 'text'; known: sine, fashion, clinc150, banking77"), bench.err());
        var proto = MainTest.run("meta", "train", "--algo", "protonet", "--benchmark", "sine", "--runs", runs.toString());
        assertEquals(1, proto.code());
        assertTrue(proto.err().contains("sine is regression"), proto.err());
    }

    @Test
    void divergingMetaLossStopsWithTheIterationAndLastFiniteValue(@TempDir Path runs) {
        // inner steps of 0.2 on sine blow up within a few iterations, after at least one finite meta-loss
        var r = MainTest.run("meta", "train", "--algo", "maml-fo", "--benchmark", "sine", "--inner-lr", "0.2", "--inner-steps", "3",
                "--outer-lr", "0.1", "--iterations", "500", "--test-tasks", "10", "--validation-tasks", "0", "--runs", runs.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().matches("(?s).*meta-training diverged at iteration \\d+: meta-loss (NaN|Infinity) \\(last finite value [0-9.e+-]+\\).*"), r.err());
        var first = MainTest.run("meta", "train", "--algo", "maml-fo", "--benchmark", "sine", "--inner-lr", "50", "--inner-steps", "3", "--iterations", "5",
                "--test-tasks", "10", "--validation-tasks", "0", "--runs", runs.toString());
        assertEquals(1, first.code());
        assertTrue(first.err().contains("diverged at iteration 0") && first.err().contains("no finite value before it"), first.err());
    }

    @Test
    void anEpisodeTheDataCannotFillNamesTheClassAndCounts(@TempDir Path runs) {
        assumeTrue(FashionMnistLoader.find() != null, "Fashion-MNIST not installed");
        var r = MainTest.run("meta", "train", "--algo", "protonet", "--benchmark", "fashion", "--ways", "2", "--shots", "400",
                "--images", "1000", "--iterations", "1", "--runs", runs.toString());
        assertEquals(1, r.code());
        // 1000 images spread over 10 classes: each has about 100, and 400-shot + 15-query episodes need 415
        assertTrue(r.err().matches("(?s).*2-way episodes need 2 classes; .* has 0 .*the largest, '[^']+', has \\d+, and 400-shot \\+ 15-query episodes need 415 per class.*"), r.err());
        var ways = MainTest.run("meta", "train", "--algo", "protonet", "--benchmark", "fashion", "--ways", "5", "--shots", "1",
                "--images", "1000", "--iterations", "1", "--runs", runs.toString());
        assertEquals(1, ways.code());
        assertTrue(ways.err().contains("fashion has 4 meta-test classes; ways must be <= 4, got 5"), ways.err());
    }
}
