package dev.polymath.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polymath.core.data.DataPaths;
import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.icl.eval.TaskRefs;
import dev.polymath.icl.learner.InContextLearner;
import dev.polymath.icl.learner.KernelVoteLearner;
import dev.polymath.icl.select.CachingEmbedder;
import dev.polymath.icl.select.Embedder;
import dev.polymath.icl.select.EmbedderProvider;
import dev.polymath.icl.select.Selectors;
import dev.polymath.nn.meta.icl.IclModelConfig;
import dev.polymath.nn.meta.icl.IclTransformer;
import dev.polymath.nn.meta.icl.InContextClassifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code icl eval --model kernel-vote | gpicl:DIR} end to end on real data (TweetEval emotion, 4 classes, with the
 * classification spec shipped in docs/icl/): each prompt's recorded log-probabilities are recomputed here from the
 * recorded demonstrations with the learner called directly, so the harness must hand it the demonstrations' gold
 * labels in prompt order.
 */
class IclEvalLearnerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SPEC = Path.of("..", "docs", "icl", "tweeteval-emotion.yaml");

    private static List<JsonNode> records(Path runs) throws IOException {
        Path run;
        try (var s = Files.list(runs)) {
            run = s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
        }
        return Files.readAllLines(run.resolve("prompts.jsonl")).stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    /** Recomputes every record's log-probabilities with {@code learner} and checks prediction and score. */
    private static void checkRecords(List<JsonNode> recs, InContextLearner learner, Embedder emb, double tol) {
        var suite = TaskRefs.suite(TaskRefs.spec(SPEC.toString()));
        Task task = suite.tasks().get(0);
        Map<String, Example> byId = new HashMap<>();
        for (String split : List.of("train", "test")) for (Example e : task.split(split)) byId.put(e.id(), e); // ids carry their split
        for (JsonNode r : recs) {
            JsonNode demos = r.get("demonstrations");
            float[][] x = new float[demos.size()][];
            int[] y = new int[demos.size()];
            for (int i = 0; i < demos.size(); i++) {
                assertEquals(i, demos.get(i).get("position").asInt());
                Example d = byId.get(demos.get(i).get("id").asText());
                x[i] = emb.embed(Selectors.defaultText(d));
                y[i] = task.labels().indexOf(d.label());
            }
            Example q = byId.get(r.get("example").asText());
            double[] expect = learner.logProbs(new InContextLearner.Prompt(x, y, emb.embed(Selectors.defaultText(q))), 4);
            double[] got = new double[4];
            for (int c = 0; c < 4; c++) got[c] = r.get("log_probs").get(c).asDouble();
            assertArrayEquals(expect, got, tol, "example " + r.get("example"));
            int gold = task.labels().indexOf(q.label());
            assertEquals(gold, r.get("gold").asInt());
            assertEquals(InContextLearner.argmax(expect), r.get("prediction").asInt());
            assertEquals(InContextLearner.argmax(expect) == gold ? 1.0 : 0.0, r.get("scores").get("acc").asDouble());
        }
    }

    @Test
    void kernelVoteAndGpiclAnswerAClassificationSpec(@TempDir Path tmp) throws IOException {
        assumeTrue(DataPaths.find("tweeteval") != null, "TweetEval not installed");
        assumeTrue(Files.isRegularFile(SPEC), "spec " + SPEC + " not found");
        Embedder emb = CachingEmbedder.of(EmbedderProvider.named("minilm"));

        Path kv = tmp.resolve("kv");
        var r = MainTest.run("icl", "eval", "--task", SPEC.toString(), "--model", "kernel-vote", "--selector", "label-balanced",
                "--shots", "4", "--limit", "12", "--runs", kv.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("acc (%)"), r.out());
        var recs = records(kv);
        assertEquals(12, recs.size());
        for (JsonNode rec : recs) assertEquals(4, rec.get("shots_used").asInt());
        checkRecords(recs, new KernelVoteLearner(), emb, 1e-9);

        // gpicl: a small untrained network is enough to check the plumbing (its answers are what it computes directly)
        Path model = tmp.resolve("gpicl");
        dev.polymath.nn.Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(); IclTransformer t = new IclTransformer(new IclModelConfig(8, 4, 16, 1, 2, 32, 24), 3, m)) {
            InContextClassifier.save(t, model, Map.of());
        }
        Path gp = tmp.resolve("gp");
        r = MainTest.run("icl", "eval", "--task", SPEC.toString(), "--model", "gpicl:" + model, "--selector", "label-balanced",
                "--shots", "6", "--order", "random", "--limit", "10", "--runs", gp.toString());
        assertEquals(0, r.code(), r.err());
        var suite = TaskRefs.suite(TaskRefs.spec(SPEC.toString()));
        float[][] stats = IclCommand.Eval.poolSample(suite, "train", emb, Selectors::defaultText, 1234);
        assertEquals(IclCommand.Eval.STATISTICS_SAMPLE, stats.length);
        try (var direct = new GpiclLearner(model, stats, 1234, 1)) {
            checkRecords(records(gp), direct, emb, 1e-5);
        }
    }

    @Test
    void learnersRefuseWhatTheyCannotScore() {
        assumeTrue(DataPaths.find("mmlu") != null && DataPaths.find("bbh") != null, "MMLU/BBH not installed");
        var r = MainTest.run("icl", "eval", "--task", "mmlu:anatomy", "--model", "kernel-vote", "--limit", "1", "--embedder", "minilm");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("field metrics: acc_norm is not defined for the in-context learner kernel-vote"), r.err());
        r = MainTest.run("icl", "eval", "--task", "bbh:date_understanding", "--model", "kernel-vote", "--limit", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("field output_type: generate_until needs a language model"), r.err());
        r = MainTest.run("icl", "eval", "--task", "mmlu:anatomy", "--model", "gpicl:/nonexistent/model", "--limit", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no config.json in /nonexistent/model"), r.err());
    }

    @Test
    void retrieverTrainsOnGpiclFeedback(@TempDir Path tmp) throws IOException {
        assumeTrue(DataPaths.find("tweeteval") != null, "TweetEval not installed");
        Path spec = tmp.resolve("climate.yaml"); // stance/climate: 355 training tweets, 3 classes
        Files.writeString(spec, Files.readString(SPEC).replace("tasks: [emotion]", "tasks: [climate]"));
        Path model = tmp.resolve("gpicl");
        dev.polymath.nn.Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(); IclTransformer t = new IclTransformer(new IclModelConfig(8, 4, 16, 1, 2, 32, 24), 4, m)) {
            InContextClassifier.save(t, model, Map.of());
        }
        Path out = tmp.resolve("r.safetensors");
        var r = MainTest.run("icl", "retriever", "train", "--task", spec.toString(), "--model", "gpicl:" + model, "--limit", "16",
                "--candidates", "4", "--steps", "3", "--batch", "8", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        var p = dev.polymath.icl.select.Projection.load(out);
        assertTrue(p.metadata().get("feedback").startsWith("in-context learner gpicl"), p.metadata().toString());
    }
}
