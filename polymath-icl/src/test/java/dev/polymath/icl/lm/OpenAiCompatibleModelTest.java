package dev.polymath.icl.lm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** The HTTP client against a local server speaking the OpenAI protocol (loopback only). */
class OpenAiCompatibleModelTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    interface Handler {
        void handle(HttpExchange ex, JsonNode body) throws IOException;
    }

    private HttpServer server;
    private volatile Handler handler;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<String> authHeaders = new CopyOnWriteArrayList<>();
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            byte[] in = ex.getRequestBody().readAllBytes();
            JsonNode body = in.length == 0 ? null : JSON.readTree(in);
            if (body != null) requests.add(body);
            authHeaders.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            try {
                handler.handle(ex, body);
            } finally {
                ex.close();
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    private OpenAiCompatibleModel.Builder client() {
        return OpenAiCompatibleModel.builder(base()).modelName("test-model").apiKey("sk-test")
                .sleeper(sleeps::add).timeout(Duration.ofSeconds(5));
    }

    static void send(HttpExchange ex, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(code, b.length);
        ex.getResponseBody().write(b);
    }

    @Test
    void completionsGenerateSendsProtocolFieldsAndAppliesStops() {
        handler = (ex, body) -> {
            assertEquals("/v1/completions", ex.getRequestURI().getPath());
            send(ex, 200, "{\"choices\":[{\"text\":\" So the answer is (B).\\n\\nQ: more\",\"finish_reason\":\"stop\"}]}");
        };
        try (var m = client().build()) {
            String out = m.generate("Q: hi\nA:", new GenerationOptions(List.of("\n\n", "Q:"), 64, 0.0, 7L));
            assertEquals(" So the answer is (B).", out);
        }
        JsonNode r = requests.get(0);
        assertEquals("test-model", r.get("model").asText());
        assertEquals("Q: hi\nA:", r.get("prompt").asText());
        assertEquals(64, r.get("max_tokens").asInt());
        assertEquals(0.0, r.get("temperature").asDouble());
        assertEquals(7, r.get("seed").asInt());
        assertEquals("\n\n", r.get("stop").get(0).asText());
        assertEquals("Bearer sk-test", authHeaders.get(0));
    }

    @Test
    void chatGenerateUsesMessages() {
        handler = (ex, body) -> {
            assertEquals("/v1/chat/completions", ex.getRequestURI().getPath());
            send(ex, 200, "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"The answer is (C).\"}}]}");
        };
        try (var m = client().api(OpenAiCompatibleModel.Api.CHAT).build()) {
            assertEquals("The answer is (C).", m.generate("question", GenerationOptions.greedy(List.of("Question:"), 16)));
        }
        assertEquals("user", requests.get(0).get("messages").get(0).get("role").asText());
        assertEquals("question", requests.get(0).get("messages").get(0).get("content").asText());
    }

    @Test
    void logLikelihoodSumsEchoedContinuationTokens() {
        // prompt "Answer: B" = context "Answer:" + continuation " B"; tokens "Answer", ":", " B", then one generated token
        handler = (ex, body) -> {
            assertTrue(body.get("echo").asBoolean());
            assertEquals(1, body.get("logprobs").asInt());
            assertEquals("Answer: B", body.get("prompt").asText());
            send(ex, 200, """
                    {"choices":[{"text":"Answer: B\\n","logprobs":{
                      "tokens":["Answer",":"," B","\\n"],
                      "token_logprobs":[null,-0.5,-1.25,-0.1],
                      "top_logprobs":[null,{":":-0.5},{" A":-0.75," B":-1.25},{"\\n":-0.1}],
                      "text_offset":[0,6,7,9]}}]}""");
        };
        try (var m = client().build()) {
            LogLikelihood ll = m.logLikelihood("Answer:", " B", "mmlu/anatomy");
            assertEquals(-1.25, ll.logProb(), 1e-12);
            assertEquals(Boolean.FALSE, ll.isGreedy());
            assertEquals(1, ll.tokens());
            var batch = m.logLikelihood(List.of(new LikelihoodRequest("Answer:", " B"), new LikelihoodRequest("Answer:", " B")), "t");
            assertEquals(2, batch.size());
        }
    }

    @Test
    void rateLimitIsRetriedWithBackoffAndRetryAfter() {
        var calls = new AtomicInteger();
        handler = (ex, body) -> {
            int n = calls.incrementAndGet();
            if (n == 1) {
                ex.getResponseHeaders().add("Retry-After", "2");
                send(ex, 429, "{\"error\":{\"message\":\"slow down\"}}");
            } else if (n == 2) {
                send(ex, 503, "{\"error\":\"overloaded\"}");
            } else {
                send(ex, 200, "{\"choices\":[{\"text\":\"ok\"}]}");
            }
        };
        try (var m = client().backoff(Duration.ofMillis(100), Duration.ofSeconds(30)).build()) {
            assertEquals("ok", m.generate("p", GenerationOptions.greedy(List.of(), 4)));
        }
        assertEquals(3, calls.get());
        // first wait from Retry-After (2 s), second exponential (100 ms * 2^1)
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofMillis(200)), sleeps);
    }

    @Test
    void rateLimitGivesUpAfterMaxRetries() {
        handler = (ex, body) -> send(ex, 429, "{\"error\":\"rate limited\"}");
        try (var m = client().maxRetries(2).build()) {
            var e = assertThrows(LanguageModelException.class, () -> m.generate("p", GenerationOptions.greedy(List.of(), 4)));
            assertTrue(e.getMessage().contains("after 3 attempts"), e.getMessage());
            assertTrue(e.getMessage().contains("HTTP 429"), e.getMessage());
            assertTrue(e.getMessage().contains(base() + "/completions"), e.getMessage());
        }
    }

    @Test
    void clientErrorFailsAtOnceWithServerMessage() {
        handler = (ex, body) -> send(ex, 400, "{\"error\":{\"message\":\"model 'x' not found\"}}");
        try (var m = client().build()) {
            var e = assertThrows(LanguageModelException.class, () -> m.generate("p", GenerationOptions.greedy(List.of(), 4)));
            assertTrue(e.getMessage().contains("HTTP 400") && e.getMessage().contains("model 'x' not found"), e.getMessage());
        }
        assertTrue(sleeps.isEmpty());
    }

    @Test
    void timeoutIsReported() {
        handler = (ex, body) -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            send(ex, 200, "{\"choices\":[{\"text\":\"late\"}]}");
        };
        try (var m = client().timeout(Duration.ofMillis(200)).maxRetries(1).build()) {
            var e = assertThrows(LanguageModelException.class, () -> m.generate("p", GenerationOptions.greedy(List.of(), 4)));
            assertTrue(e.getMessage().contains("no response within"), e.getMessage());
            assertTrue(e.getMessage().contains("after 2 attempts"), e.getMessage());
        }
    }

    @Test
    void malformedResponsesNameTheField() {
        handler = (ex, body) -> send(ex, 200, "{\"object\":\"text_completion\"}");
        try (var m = client().build()) {
            var e = assertThrows(LanguageModelException.class, () -> m.generate("p", GenerationOptions.greedy(List.of(), 4)));
            assertTrue(e.getMessage().contains("malformed response") && e.getMessage().contains("'choices'"), e.getMessage());
        }
        handler = (ex, body) -> send(ex, 200, "{\"choices\":[{\"finish_reason\":\"stop\"}]}");
        try (var m = client().build()) {
            var e = assertThrows(LanguageModelException.class, () -> m.generate("p", GenerationOptions.greedy(List.of(), 4)));
            assertTrue(e.getMessage().contains("'choices[0].text'"), e.getMessage());
        }
        handler = (ex, body) -> send(ex, 200, "<html>oops</html>");
        try (var m = client().build()) {
            var e = assertThrows(LanguageModelException.class, () -> m.generate("p", GenerationOptions.greedy(List.of(), 4)));
            assertTrue(e.getMessage().contains("not JSON"), e.getMessage());
        }
    }

    @Test
    void missingLogprobsNamesTheTaskAndField() {
        handler = (ex, body) -> send(ex, 200, "{\"choices\":[{\"text\":\"Answer: B\"}]}");
        try (var m = client().build()) {
            var e = assertThrows(LanguageModelException.class, () -> m.logLikelihood("Answer:", " B", "mmlu/virology"));
            assertTrue(e.getMessage().contains("mmlu/virology") && e.getMessage().contains("choices[0].logprobs"), e.getMessage());
        }
        try (var m = client().api(OpenAiCompatibleModel.Api.CHAT).build()) {
            var e = assertThrows(LanguageModelException.class, () -> m.logLikelihood("Answer:", " B", "mmlu/virology"));
            assertTrue(e.getMessage().contains("mmlu/virology") && e.getMessage().contains("--api completions"), e.getMessage());
        }
    }

    @Test
    void unreachableEndpointNamesTheUrl() throws IOException {
        int port;
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/v1";
        try (var m = OpenAiCompatibleModel.builder(url).modelName("m").sleeper(sleeps::add).build()) {
            var e = assertThrows(LanguageModelException.class, () -> m.generate("p", GenerationOptions.greedy(List.of(), 4)));
            assertTrue(e.getMessage().contains("cannot reach the model endpoint " + url + "/completions"), e.getMessage());
        }
    }

    @Test
    void modelNameFromModelsListAndBaseUrlNormalized() {
        handler = (ex, body) -> {
            if (ex.getRequestURI().getPath().equals("/v1/models")) send(ex, 200, "{\"data\":[{\"id\":\"served-model\"}]}");
            else send(ex, 200, "{\"choices\":[{\"text\":\"x\"}]}");
        };
        String noV1 = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        try (var m = OpenAiCompatibleModel.builder(noV1).sleeper(sleeps::add).build()) {
            assertEquals(base(), m.baseUrl());
            m.generate("p", GenerationOptions.greedy(List.of(), 4));
            assertEquals("served-model", requests.get(0).get("model").asText());
        }
        assertThrows(IllegalArgumentException.class, () -> OpenAiCompatibleModel.builder("localhost:8000").build());
    }

    @Test
    void concurrencyLimitBoundsRequestsInFlight() {
        var inFlight = new AtomicInteger();
        var peak = new AtomicInteger();
        handler = (ex, body) -> {
            int now = inFlight.incrementAndGet();
            peak.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(50);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            send(ex, 200, "{\"choices\":[{\"text\":\"" + body.get("prompt").asText() + "\"}]}");
        };
        var prompts = new ArrayList<String>();
        for (int i = 0; i < 12; i++) prompts.add("p" + i);
        try (var m = client().concurrency(3).build()) {
            assertEquals(prompts, m.generate(prompts, GenerationOptions.greedy(List.of(), 4)));
        }
        assertTrue(peak.get() <= 3, "peak " + peak.get());
        assertTrue(peak.get() >= 2, "requests ran in parallel: peak " + peak.get());
    }
}
