package dev.polymath.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * End-to-end PLUMBING tests of {@code polymath icl}: a fake OpenAI-compatible server on loopback answers
 * deterministically (log-probabilities from a hash of each token and its left context, so the "model" picks
 * whichever option hashes highest; generations from a fixed script). The accuracies printed here mean nothing
 * about any language model; they only show requests, scoring, tables and run records fit together.
 */
class IclCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TOKEN = Pattern.compile("\\s*\\S+|\\s+");

    private HttpServer server;
    private final AtomicInteger completions = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/models", ex -> {
            respond(ex, "{\"object\":\"list\",\"data\":[{\"id\":\"fake-hash-model\"}]}");
        });
        server.createContext("/v1/completions", ex -> {
            JsonNode req = JSON.readTree(ex.getRequestBody().readAllBytes());
            completions.incrementAndGet();
            String prompt = req.get("prompt").asText();
            ObjectNode choice = JSON.createObjectNode();
            if (req.path("echo").asBoolean(false)) {
                // tokens: runs of whitespace + non-whitespace; one extra "generated" token at the end
                var lp = choice.putObject("logprobs");
                var tokens = lp.putArray("tokens");
                var tlp = lp.putArray("token_logprobs");
                var top = lp.putArray("top_logprobs");
                var off = lp.putArray("text_offset");
                Matcher m = TOKEN.matcher(prompt);
                boolean first = true;
                while (m.find()) {
                    String tok = m.group();
                    double v = -(Math.floorMod((prompt.substring(Math.max(0, m.start() - 40), m.start()) + "|" + tok).hashCode(), 1000) / 100.0);
                    tokens.add(tok);
                    off.add(m.start());
                    if (first) {
                        tlp.addNull();
                        top.addNull();
                    } else {
                        tlp.add(v);
                        top.addObject().put(tok, v);
                    }
                    first = false;
                }
                tokens.add("\n");
                off.add(prompt.length());
                tlp.add(-0.5);
                top.addObject().put("\n", -0.5);
                choice.put("text", prompt + "\n");
            } else {
                String[] letters = {"A", "B", "C", "D"};
                choice.put("text", " The options compare. The answer is (" + letters[Math.floorMod(prompt.hashCode(), 4)] + ").\n\nQuestion: next");
            }
            var resp = JSON.createObjectNode();
            resp.putArray("choices").add(choice);
            respond(ex, resp.toString());
        });
        server.start();
    }

    private static void respond(com.sun.net.httpserver.HttpExchange ex, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    private static Path onlyRun(Path runs) throws IOException {
        try (var s = Files.list(runs)) {
            var dirs = s.filter(p -> Files.isDirectory(p) && !p.getFileName().toString().startsWith(".")).toList();
            assertEquals(1, dirs.size(), dirs.toString());
            return dirs.get(0);
        }
    }

    @Test
    void evalMmluEndToEndAgainstFakeServer(@TempDir Path runs) throws IOException {
        var r = MainTest.run("icl", "eval", "--task", "mmlu", "--model", url(), "--limit", "2", "--concurrency", "3",
                "--runs", runs.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("ICL mmlu: 5-shot, selector first-n"), r.out());
        assertTrue(r.out().contains("mmlu/abstract_algebra"), r.out());
        assertTrue(r.out().contains("average over examples"), r.out());
        assertTrue(r.out().contains("average over tasks"), r.out());
        assertTrue(r.out().matches("(?s).*acc \\(%\\).*acc_norm \\(%\\).*"), r.out());
        assertEquals(57 * 2 * 4, completions.get(), "one echo request per option per question");

        Path run = onlyRun(runs);
        var lines = Files.readAllLines(run.resolve("prompts.jsonl"));
        assertEquals(57 * 2, lines.size());
        JsonNode first = JSON.readTree(lines.stream().filter(l -> l.contains("\"task\":\"mmlu/anatomy\"") && l.contains("\"example\":\"test:0\""))
                .findFirst().orElseThrow());
        assertEquals(5, first.get("demonstrations").size());
        var ids = new ArrayList<String>();
        first.get("demonstrations").forEach(d -> ids.add(d.get("id").asText()));
        assertEquals(java.util.List.of("dev:0", "dev:1", "dev:2", "dev:3", "dev:4"), ids);
        assertTrue(first.get("demonstrations").get(0).has("score"));
        assertEquals(0, first.get("demonstrations").get(0).get("position").asInt());
        assertEquals(16, first.get("template_hash").asText().length());
        assertEquals(4, first.get("loglikelihoods").size());
        String metrics = Files.readString(run.resolve("metrics.json"));
        assertTrue(metrics.contains("mmlu/anatomy") && metrics.contains("acc_norm"), metrics);
        assertTrue(Files.readString(run.resolve("spec.yaml")).contains("doc_to_text"));
        JsonNode record = JSON.readTree(run.resolve("record.json").toFile());
        assertEquals("mmlu", record.get("config").get("task").asText());
        assertTrue(record.toString().contains("fake-hash-model"), record.toString());
    }

    @Test
    void evalSameRequestsSameScores(@TempDir Path a, @TempDir Path b) throws IOException {
        var r1 = MainTest.run("icl", "eval", "--task", "mmlu:virology", "--model", url(), "--model-name", "m", "--limit", "5", "--runs", a.toString());
        var r2 = MainTest.run("icl", "eval", "--task", "mmlu:virology", "--model", url(), "--model-name", "m", "--limit", "5", "--runs", b.toString());
        assertEquals(0, r1.code(), r1.err());
        String t1 = r1.out().substring(0, r1.out().indexOf("Run record"));
        String t2 = r2.out().substring(0, r2.out().indexOf("Run record"));
        assertEquals(t1, t2);
    }

    @Test
    void evalMmluProProtocolReportsFallbackPolicy(@TempDir Path runs) throws IOException {
        var r = MainTest.run("icl", "eval", "--task", "mmlu-pro-protocol:anatomy", "--model", url(), "--model-name", "m",
                "--limit", "3", "--runs", runs.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("exact_match (%)"), r.out());
        assertTrue(r.out().contains("unparsable answers: random-seeded"), r.out());
        var line = JSON.readTree(Files.readAllLines(onlyRun(runs).resolve("prompts.jsonl")).get(0));
        assertEquals("answer-is", line.get("extraction_rule").asText());
        assertFalse(line.get("output").asText().contains("Question:"), "stop sequence applied");
    }

    @Test
    void retrieverTrainedOnEndpointFeedbackDrivesTheLearnedSelector(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("r.safetensors");
        var r = MainTest.run("icl", "retriever", "train", "--task", "mmlu:anatomy", "--model", url(), "--model-name", "m",
                "--candidates", "4", "--steps", "5", "--batch", "4", "--out", file.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("trained on 5 queries (language model"), r.out());
        // 5 dev questions, each scored with each of its 4 other dev questions as the only demonstration
        assertEquals(5 * 4, completions.get(), "one likelihood request per (query, candidate)");
        var p = dev.polymath.icl.select.Projection.load(file);
        assertEquals(384, p.inputs());
        assertTrue(p.metadata().get("feedback").contains("language model"), p.metadata().toString());
        assertTrue(p.metadata().get("embedder").startsWith("minilm"), p.metadata().toString());

        r = MainTest.run("icl", "render", "--task", "mmlu:anatomy", "--selector", "learned", "--retriever", file.toString(),
                "--embedder", "minilm", "--shots", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().matches("(?s).*-- demonstrations: \\[dev:\\d, dev:\\d\\].*"), r.err());
        r = MainTest.run("icl", "render", "--task", "mmlu:anatomy", "--selector", "learned", "--embedder", "minilm", "--shots", "2");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("needs a trained retriever (--retriever FILE"), r.err());
    }

    @Test
    void renderPrintsTheExactPrompt() {
        var r = MainTest.run("icl", "render", "--task", "mmlu:anatomy", "--shots", "5", "--index", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("The following are multiple choice questions (with answers) about anatomy.\n\nWhat is the embryological origin"), r.out());
        assertTrue(r.out().endsWith("D. paralysis of the facial muscles, loss of taste, lacrimation and decreased salivation.\nAnswer:\n"), r.out());
        assertTrue(r.err().contains("\" A\", \" B\", \" C\", \" D\""), r.err());
    }

    @Test
    void clearErrors() {
        var r = MainTest.run("icl", "render", "--task", "mmlu");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("render needs one task, e.g. mmlu:abstract_algebra"), r.err());
        r = MainTest.run("icl", "render", "--task", "mmlu:anatomie");
        assertTrue(r.err().contains("has no task 'anatomie'"), r.err());
        r = MainTest.run("icl", "eval", "--task", "mmlu:anatomy", "--model", "http://127.0.0.1:9/v1", "--model-name", "m", "--limit", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("cannot reach the model endpoint http://127.0.0.1:9/v1/completions"), r.err());
        assertFalse(r.err().contains("at dev.polymath"), r.err());
        r = MainTest.run("icl", "eval", "--task", "mmlu:anatomy", "--model", url(), "--api", "chat", "--limit", "1");
        assertTrue(r.err().contains("use --api completions"), r.err());
        r = MainTest.run("icl", "render", "--task", "mmlu:anatomy", "--context-tokens", "50");
        assertTrue(r.err().contains("task mmlu/anatomy") && r.err().contains("even with no demonstrations"), r.err());
        r = MainTest.run("icl", "eval", "--task", "nope", "--model", url());
        assertTrue(r.err().contains("unknown --task 'nope'"), r.err());
    }
}
