package dev.polymath.icl.lm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Client for servers speaking the OpenAI HTTP API: vLLM, llama.cpp's {@code llama-server}, Ollama
 * ({@code /v1}), text-generation-inference, and hosted endpoints.
 *
 * <ul>
 *   <li><b>Generation</b> goes to {@code POST {base}/completions} (raw prompt) or {@code POST {base}/chat/completions}
 *       (the prompt as one user message), with {@code stop}, {@code max_tokens}, {@code temperature} and
 *       {@code seed}. Stops are applied again on the client.</li>
 *   <li><b>Log-likelihood</b> needs prompt log-probabilities, which only the completions endpoint offers: the
 *       request sends {@code prompt = context + continuation} with {@code echo: true}, {@code logprobs: 1},
 *       {@code max_tokens: 1}, {@code temperature: 0} (as lm-evaluation-harness's {@code local-completions}
 *       model does) and sums {@code choices[0].logprobs.token_logprobs} over the tokens whose
 *       {@code text_offset} lies inside the continuation. A token straddling the context/continuation boundary
 *       is counted with the continuation (lm-eval avoids this by tokenizing locally; we have no tokenizer).
 *       Greedy = each such token's log-prob equals the best of {@code top_logprobs}.</li>
 *   <li><b>Robustness</b>: HTTP 429 and 5xx and timeouts are retried with exponential backoff (honouring
 *       {@code Retry-After} in seconds), at most {@code maxRetries} times; other 4xx fail at once with the
 *       server's message; a refused or unresolvable connection fails at once naming the URL. At most
 *       {@code concurrency} requests are in flight at a time across all threads.</li>
 *   <li><b>API key</b>: read from an environment variable (default {@code OPENAI_API_KEY}) and sent as a bearer
 *       token when set; never logged.</li>
 * </ul>
 */
public final class OpenAiCompatibleModel implements LanguageModel {

    /** Which endpoint generation uses. Log-likelihoods always need {@link #COMPLETIONS}. */
    public enum Api { COMPLETIONS, CHAT }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private volatile String modelName;
    private final Api api;
    private final String apiKey;
    private final int maxRetries;
    private final Duration backoff;
    private final Duration maxBackoff;
    private final Duration timeout;
    private final int concurrency;
    private final Semaphore inFlight;
    private final HttpClient http;
    private final Sleeper sleeper;

    /** Sleeps between retries; tests replace it to keep time short. */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private OpenAiCompatibleModel(Builder b) {
        this.baseUrl = normalizeBase(b.baseUrl);
        this.modelName = b.modelName;
        this.api = b.api;
        this.apiKey = b.apiKey;
        this.maxRetries = b.maxRetries;
        this.backoff = b.backoff;
        this.maxBackoff = b.maxBackoff;
        this.timeout = b.timeout;
        this.concurrency = b.concurrency;
        this.inFlight = new Semaphore(b.concurrency, true);
        this.sleeper = b.sleeper;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(b.connectTimeout).build();
    }

    public static Builder builder(String baseUrl) {
        return new Builder(baseUrl);
    }

    /** {@code http://host:port} becomes {@code http://host:port/v1}; a trailing slash is dropped. */
    static String normalizeBase(String url) {
        Objects.requireNonNull(url, "base URL");
        String u = url.strip();
        while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
        URI uri;
        try {
            uri = URI.create(u);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a valid model endpoint URL: '" + url + "'");
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("model endpoint must be an http(s) URL such as http://localhost:8000/v1, got '" + url + "'");
        }
        if (uri.getPath() == null || uri.getPath().isEmpty()) u = u + "/v1";
        return u;
    }

    public String baseUrl() { return baseUrl; }

    public Api api() { return api; }

    public int concurrency() { return concurrency; }

    @Override
    public String describe() {
        return "openai-" + api.name().toLowerCase(Locale.ROOT) + " " + baseUrl + " model=" + (modelName == null ? "(server default)" : modelName);
    }

    /** The model name sent with each request: the configured one, else the first id listed by {@code GET {base}/models}. */
    public String modelName() {
        String m = modelName;
        if (m != null) return m;
        synchronized (this) {
            if (modelName == null) {
                JsonNode r = call("GET", baseUrl + "/models", null);
                JsonNode data = r.get("data");
                if (data == null || !data.isArray() || data.isEmpty() || !data.get(0).hasNonNull("id")) {
                    throw new LanguageModelException("no --model-name given and " + baseUrl + "/models lists no model "
                            + "(field 'data[0].id' missing); pass the model name explicitly");
                }
                modelName = data.get(0).get("id").asText();
            }
            return modelName;
        }
    }

    // ------------------------------------------------------------------ generation

    @Override
    public String generate(String prompt, GenerationOptions options) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", modelName());
        String url;
        if (api == Api.CHAT) {
            url = baseUrl + "/chat/completions";
            body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        } else {
            url = baseUrl + "/completions";
            body.put("prompt", prompt);
        }
        body.put("max_tokens", options.maxTokens());
        body.put("temperature", options.temperature());
        if (!options.stop().isEmpty()) {
            var stops = body.putArray("stop");
            options.stop().forEach(stops::add);
        }
        if (options.seed() != null) body.put("seed", options.seed());
        JsonNode r = call("POST", url, body);
        JsonNode choice = first(r, url);
        JsonNode text = api == Api.CHAT ? (choice.has("message") ? choice.get("message").get("content") : null) : choice.get("text");
        String field = api == Api.CHAT ? "choices[0].message.content" : "choices[0].text";
        if (text == null || text.isNull()) {
            throw malformed(url, field, "missing", r);
        }
        if (!text.isTextual()) throw malformed(url, field, "not a string", r);
        return options.truncate(text.asText());
    }

    // ------------------------------------------------------------------ log-likelihood

    @Override
    public LogLikelihood logLikelihood(String context, String continuation, String task) {
        if (api == Api.CHAT) {
            throw new LanguageModelException("task " + task + " needs log-likelihoods of given answers, but the chat endpoint "
                    + "cannot return prompt log-probabilities (field 'choices[0].logprobs.token_logprobs' with echo); "
                    + "use --api completions against a server that supports echo with logprobs (e.g. vLLM)");
        }
        String url = baseUrl + "/completions";
        ObjectNode body = JSON.createObjectNode();
        body.put("model", modelName());
        body.put("prompt", context + continuation);
        body.put("max_tokens", 1);
        body.put("temperature", 0.0);
        body.put("logprobs", 1);
        body.put("echo", true);
        JsonNode r = call("POST", url, body);
        JsonNode lp = first(r, url).get("logprobs");
        if (lp == null || lp.isNull()) {
            throw new LanguageModelException("task " + task + " needs log-likelihoods, but " + url + " returned no "
                    + "'choices[0].logprobs' (the server ignores 'logprobs'/'echo'; llama.cpp's server, for one, "
                    + "does not echo prompt log-probabilities; vLLM does)");
        }
        JsonNode tokenLp = lp.get("token_logprobs");
        JsonNode offsets = lp.get("text_offset");
        if (tokenLp == null || !tokenLp.isArray()) {
            throw new LanguageModelException("task " + task + " needs log-likelihoods, but " + url + " returned no "
                    + "'choices[0].logprobs.token_logprobs'");
        }
        if (offsets == null || !offsets.isArray() || offsets.size() != tokenLp.size()) {
            throw new LanguageModelException("task " + task + " needs log-likelihoods, but " + url + " returned no usable "
                    + "'choices[0].logprobs.text_offset' (needed to find the answer's tokens inside the echoed prompt)");
        }
        JsonNode top = lp.get("top_logprobs");
        int ctxLen = context.codePointCount(0, context.length());
        int fullLen = ctxLen + continuation.codePointCount(0, continuation.length());
        int firstIdx = -1, endIdx = -1;
        for (int i = 0; i < offsets.size(); i++) {
            int off = offsets.get(i).asInt();
            if (off < fullLen && off >= ctxLen && firstIdx < 0) firstIdx = i;
            if (off < fullLen) endIdx = i + 1;
        }
        if (firstIdx < 0) {
            // the whole continuation sits inside a token that started in the context
            firstIdx = endIdx - 1;
        } else if (firstIdx > 0 && offsets.get(firstIdx).asInt() > ctxLen) {
            firstIdx--; // straddling token
        }
        if (firstIdx < 0 || endIdx <= firstIdx) {
            throw malformed(url, "choices[0].logprobs.text_offset", "no token covers the continuation", r);
        }
        double sum = 0;
        Boolean greedy = top != null && top.isArray() && top.size() == tokenLp.size() ? Boolean.TRUE : null;
        for (int i = firstIdx; i < endIdx; i++) {
            JsonNode v = tokenLp.get(i);
            if (v == null || !v.isNumber()) {
                throw malformed(url, "choices[0].logprobs.token_logprobs[" + i + "]", "not a number", r);
            }
            sum += v.asDouble();
            if (greedy != null) {
                JsonNode alts = top.get(i);
                if (alts == null || !alts.isObject() || alts.isEmpty()) {
                    greedy = null;
                } else {
                    double best = Double.NEGATIVE_INFINITY;
                    for (var it = alts.elements(); it.hasNext(); ) best = Math.max(best, it.next().asDouble());
                    if (v.asDouble() < best - 1e-6) greedy = Boolean.FALSE;
                }
            }
        }
        return new LogLikelihood(sum, greedy, endIdx - firstIdx);
    }

    // ------------------------------------------------------------------ batches

    @Override
    public List<String> generate(List<String> prompts, GenerationOptions options) {
        return parallel(prompts.stream().<Supplier<String>>map(p -> () -> generate(p, options)).toList());
    }

    @Override
    public List<LogLikelihood> logLikelihood(List<LikelihoodRequest> requests, String task) {
        return parallel(requests.stream().<Supplier<LogLikelihood>>map(r -> () -> logLikelihood(r.context(), r.continuation(), task)).toList());
    }

    private <T> List<T> parallel(List<Supplier<T>> work) {
        if (work.size() <= 1 || concurrency == 1) return work.stream().map(Supplier::get).toList();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new ArrayList<Future<T>>();
            for (var w : work) futures.add(ex.submit(w::get));
            var out = new ArrayList<T>(futures.size());
            for (var f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) throw re;
                    throw new LanguageModelException(e.getCause().toString(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LanguageModelException("interrupted", e);
                }
            }
            return out;
        }
    }

    // ------------------------------------------------------------------ HTTP

    private JsonNode call(String method, String url, JsonNode body) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Accept", "application/json");
        if (apiKey != null && !apiKey.isBlank()) rb.header("Authorization", "Bearer " + apiKey);
        if (body != null) {
            rb.header("Content-Type", "application/json");
            rb.method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        } else {
            rb.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpRequest request = rb.build();
        String lastProblem = null;
        for (int attempt = 0; ; attempt++) {
            Duration wait = null;
            try {
                inFlight.acquire();
                HttpResponse<String> resp;
                try {
                    resp = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                } finally {
                    inFlight.release();
                }
                int code = resp.statusCode();
                if (code / 100 == 2) return parse(url, resp.body());
                String excerpt = excerpt(resp.body());
                if (code == 429 || code / 100 == 5) {
                    lastProblem = "HTTP " + code + (code == 429 ? " (rate limited)" : "") + ": " + excerpt;
                    wait = resp.headers().firstValue("Retry-After").map(OpenAiCompatibleModel::seconds).orElse(null);
                } else {
                    throw new LanguageModelException(method + " " + url + " failed with HTTP " + code + ": " + excerpt);
                }
            } catch (HttpConnectTimeoutException e) {
                lastProblem = "connection timed out";
            } catch (HttpTimeoutException e) {
                lastProblem = "no response within " + timeout.toSeconds() + " s";
            } catch (ConnectException | UnresolvedAddressException e) {
                throw new LanguageModelException("cannot reach the model endpoint " + url + " (" + describe(e)
                        + "); is the server running and is the URL right?", e);
            } catch (IOException e) {
                if (e.getCause() instanceof ConnectException || e.getCause() instanceof UnresolvedAddressException) {
                    throw new LanguageModelException("cannot reach the model endpoint " + url + " (" + describe(e.getCause())
                            + "); is the server running and is the URL right?", e);
                }
                lastProblem = "I/O error: " + describe(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LanguageModelException("interrupted while calling " + url, e);
            }
            if (attempt >= maxRetries) {
                throw new LanguageModelException(method + " " + url + " failed after " + (attempt + 1) + " attempt"
                        + (attempt == 0 ? "" : "s") + ": " + lastProblem);
            }
            Duration d = wait != null ? wait : backoff.multipliedBy(1L << Math.min(attempt, 20));
            if (d.compareTo(maxBackoff) > 0) d = maxBackoff;
            try {
                sleeper.sleep(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LanguageModelException("interrupted while waiting to retry " + url, e);
            }
        }
    }

    private static Duration seconds(String v) {
        try {
            return Duration.ofMillis((long) (Double.parseDouble(v.strip()) * 1000));
        } catch (NumberFormatException e) {
            return null; // an HTTP date: fall back to exponential backoff
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static JsonNode parse(String url, String body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) throw new LanguageModelException("malformed response from " + url + ": expected a JSON object, got: " + excerpt(body));
            return n;
        } catch (IOException e) {
            throw new LanguageModelException("malformed response from " + url + ": not JSON: " + excerpt(body));
        }
    }

    private static JsonNode first(JsonNode r, String url) {
        JsonNode choices = r.get("choices");
        if (choices == null || !choices.isArray()) throw malformed(url, "choices", "missing", r);
        if (choices.isEmpty() || !choices.get(0).isObject()) throw malformed(url, "choices[0]", "missing", r);
        return choices.get(0);
    }

    private static LanguageModelException malformed(String url, String field, String problem, JsonNode r) {
        return new LanguageModelException("malformed response from " + url + ": field '" + field + "' " + problem
                + "; response: " + excerpt(r.toString()));
    }

    private static String excerpt(String s) {
        if (s == null) return "";
        String t = s.strip().replaceAll("\\s+", " ");
        return t.length() <= 300 ? t : t.substring(0, 300) + "…";
    }

    public static final class Builder {
        private final String baseUrl;
        private String modelName;
        private Api api = Api.COMPLETIONS;
        private String apiKey = System.getenv("OPENAI_API_KEY");
        private int maxRetries = 5;
        private Duration backoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration timeout = Duration.ofSeconds(300);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private int concurrency = 4;
        private Sleeper sleeper = d -> Thread.sleep(d.toMillis());

        private Builder(String baseUrl) {
            this.baseUrl = baseUrl;
        }

        public Builder modelName(String v) { this.modelName = v == null || v.isBlank() ? null : v; return this; }
        public Builder api(Api v) { this.api = Objects.requireNonNull(v); return this; }
        /** The API key itself (normally use {@link #apiKeyFromEnv}). */
        public Builder apiKey(String v) { this.apiKey = v; return this; }
        /** Reads the API key from this environment variable (unset: no Authorization header). */
        public Builder apiKeyFromEnv(String variable) { this.apiKey = System.getenv(variable); return this; }
        public Builder maxRetries(int v) {
            if (v < 0) throw new IllegalArgumentException("maxRetries must be >= 0");
            this.maxRetries = v; return this;
        }
        public Builder backoff(Duration base, Duration max) { this.backoff = base; this.maxBackoff = max; return this; }
        public Builder timeout(Duration v) { this.timeout = v; return this; }
        public Builder connectTimeout(Duration v) { this.connectTimeout = v; return this; }
        public Builder concurrency(int v) {
            if (v < 1) throw new IllegalArgumentException("concurrency must be >= 1, got " + v);
            this.concurrency = v; return this;
        }
        public Builder sleeper(Sleeper v) { this.sleeper = v; return this; }

        public OpenAiCompatibleModel build() {
            return new OpenAiCompatibleModel(this);
        }
    }
}
