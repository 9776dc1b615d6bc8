package dev.polymath.text.bench;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.polymath.text.FloatMatrix;
import dev.polymath.text.encoder.EncoderSettings;
import dev.polymath.text.encoder.ModelSource;
import dev.polymath.text.encoder.OnnxSentenceEncoder;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Times embedding the same texts with Polymath's batched ONNX encoder and with langchain4j's
 * {@link AllMiniLmL6V2EmbeddingModel} (same ONNX file, one text per forward pass) in one run, and checks that
 * both give the same vectors.
 *
 * <p>Protocol: both models are loaded and warmed up on the first 64 texts (not timed); then each embeds all
 * texts once, timed with {@link System#nanoTime()} around the call alone. Polymath runs with {@code threads}
 * encoder threads (batches side by side, one ONNX Runtime thread each); langchain4j gets an executor of {@code threads} threads (its own ONNX
 * session keeps ONNX Runtime's default options). Polymath uses mean pooling + L2 normalization, max length
 * 256 (langchain4j splits texts over 510 tokens instead; BANKING77 has none).
 */
public final class EncodeBenchmark {
    private EncodeBenchmark() {}

    public record Result(int texts, int threads, int batchSize, double polymathSeconds, double langchainSeconds,
                         double minCosine, String machine, String date) {
        public double polymathPerSecond() { return texts / polymathSeconds; }
        public double langchainPerSecond() { return texts / langchainSeconds; }
        public double speedup() { return langchainSeconds / polymathSeconds; }
        public double maxCosineDifference() { return 1 - minCosine; }

        /** A small Markdown table with the protocol line. */
        public String table() {
            return String.format(Locale.ROOT,
                    "| encoder | texts | seconds | sentences/s |%n|---|---:|---:|---:|%n"
                            + "| polymath batched ONNX (batch %d, %d threads) | %d | %.2f | %.1f |%n"
                            + "| langchain4j AllMiniLmL6V2EmbeddingModel (%d-thread executor) | %d | %.2f | %.1f |%n%n"
                            + "speed-up %.2fx; max cosine difference between the two %.2e; %s; %s",
                    batchSize, threads, texts, polymathSeconds, polymathPerSecond(),
                    threads, texts, langchainSeconds, langchainPerSecond(),
                    speedup(), maxCosineDifference(), machine, date);
        }
    }

    /** Runs the comparison on {@code texts}; {@code log} receives progress lines (may be a no-op). */
    public static Result run(List<String> texts, int threads, int batchSize, Consumer<String> log) {
        if (texts.isEmpty()) throw new IllegalArgumentException("no texts to benchmark");
        List<String> warm = texts.subList(0, Math.min(64, texts.size()));
        var settings = EncoderSettings.defaults().withThreads(threads).withBatchSize(batchSize);
        FloatMatrix ours;
        double oursSec;
        try (var enc = OnnxSentenceEncoder.open(ModelSource.builtinMiniLm(), settings)) {
            enc.encode(warm);
            log.accept("polymath: encoding " + texts.size() + " texts (" + enc.describe() + ")");
            long t0 = System.nanoTime();
            ours = enc.encode(texts);
            oursSec = (System.nanoTime() - t0) / 1e9;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Embedding> theirs;
        double theirsSec;
        try {
            var model = new AllMiniLmL6V2EmbeddingModel(pool);
            model.embedAll(segments(warm));
            log.accept("langchain4j: encoding " + texts.size() + " texts");
            long t0 = System.nanoTime();
            theirs = model.embedAll(segments(texts)).content();
            theirsSec = (System.nanoTime() - t0) / 1e9;
        } finally {
            pool.shutdownNow();
        }
        double minCos = 1;
        for (int i = 0; i < texts.size(); i++) {
            minCos = Math.min(minCos, FloatMatrix.cosine(ours.row(i), theirs.get(i).vector()));
        }
        return new Result(texts.size(), threads, batchSize, oursSec, theirsSec, minCos, machine(), LocalDate.now().toString());
    }

    static List<TextSegment> segments(List<String> texts) {
        var out = new ArrayList<TextSegment>(texts.size());
        for (String t : texts) out.add(TextSegment.from(t));
        return out;
    }

    /** CPU model, cores, OS and Java version, for the record. */
    public static String machine() {
        String cpu = "unknown CPU";
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) { cpu = line.substring(line.indexOf(':') + 1).trim(); break; }
            }
        } catch (java.io.IOException | RuntimeException ignored) {
            // not Linux: leave unknown
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", Java " + Runtime.version();
    }
}
