package dev.polymath.text.bench;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.polymath.text.FloatMatrix;
import dev.polymath.text.SentenceEncoders;
import dev.polymath.text.encoder.EncoderSettings;
import dev.polymath.text.encoder.ModelSource;
import dev.polymath.text.encoder.OnnxSentenceEncoder;
import dev.polymath.text.encoder.Precision;
import dev.polymath.text.encoder.SentenceEncoder;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Times embedding the same texts with Polymath's batched encoder (ONNX Runtime in float32, or the DJL/PyTorch BERT with
 * bf16 linear layers, same weights) and with langchain4j's
 * {@link AllMiniLmL6V2EmbeddingModel} (same ONNX file, one text per forward pass) in one run, and checks that
 * both give the same vectors.
 *
 * <p>Protocol: both models are loaded and warmed up on the first 64 texts (not timed); then each embeds all
 * texts, timed with {@link System#nanoTime()} around the call alone, {@code repeats} times, alternating
 * Polymath, langchain4j, Polymath, ... so that a burst of load from another process hits both sides alike. The
 * figure of each side is its median time. Polymath runs with {@code threads} encoder threads (batches side by
 * side, one ONNX Runtime thread each); langchain4j gets an executor of {@code threads} threads, which is what its
 * default constructor makes on a machine with that many cores (its own ONNX session keeps ONNX Runtime's default
 * options). Polymath uses mean pooling + L2 normalization, max length 256 (langchain4j splits texts over 510
 * tokens instead; BANKING77 has none). langchain4j's vectors are the float32 ONNX reference: the run records the
 * lowest cosine between the two sides' vectors of a text, and a bf16 run whose lowest cosine is under
 * {@link #COSINE_BAR} is refused.
 */
public final class EncodeBenchmark {
    private EncodeBenchmark() {}

    /** The "identical embeddings": every text's vector at cosine >= 0.9999 to the float32 reference. */
    public static final double COSINE_BAR = 0.9999;

    /**
     * @param polymathRuns  seconds of each timed Polymath run, in order
     * @param langchainRuns seconds of each timed langchain4j run, in order
     * @param otherCores    cores that other processes kept busy during each run (Polymath's, then langchain4j's, ...)
     * @param minCosine     lowest cosine between the two encoders' vectors of one text, over all texts and runs
     * @param peakRssAfterPolymath process resident-memory high-water mark (VmHWM, bytes) once Polymath's encoder is loaded and
     *                      warmed up and before langchain4j's model exists (JVM + Polymath); -1 where /proc is absent
     * @param peakRss       the same at the end of the run (both encoders, all timed runs)
     */
    public record Result(int texts, int threads, int batchSize, int batchTokens, Precision precision, List<Double> polymathRuns, List<Double> langchainRuns,
                         List<Double> otherCores, double minCosine, long peakRssAfterPolymath, long peakRss, String machine, String date) {
        public double polymathSeconds() { return median(polymathRuns); }
        public double langchainSeconds() { return median(langchainRuns); }
        public double polymathPerSecond() { return texts / polymathSeconds(); }
        public double langchainPerSecond() { return texts / langchainSeconds(); }
        public double speedup() { return langchainSeconds() / polymathSeconds(); }
        public double maxCosineDifference() { return 1 - minCosine; }

        /** Each run's seconds and the ratio of the two sides' i-th runs, for the record. */
        public String runs() {
            var sb = new StringBuilder();
            for (int i = 0; i < polymathRuns.size(); i++) {
                if (i > 0) sb.append("; ");
                sb.append(String.format(Locale.ROOT, "run %d: polymath %.3f s, langchain4j %.3f s (%.2fx; other processes busy %.2f / %.2f cores)",
                        i + 1, polymathRuns.get(i), langchainRuns.get(i), langchainRuns.get(i) / polymathRuns.get(i),
                        otherCores.get(2 * i), otherCores.get(2 * i + 1)));
            }
            return sb.toString();
        }

        /** A small Markdown table with the protocol line. */
        public String table() {
            return String.format(Locale.ROOT,
                    "| encoder | texts | median seconds | sentences/s |%n|---|---:|---:|---:|%n"
                            + "| polymath batched %s (up to %d texts / %d tokens per batch, %d threads) | %d | %.3f | %.1f |%n"
                            + "| langchain4j AllMiniLmL6V2EmbeddingModel (%d-thread executor) | %d | %.3f | %.1f |%n%n"
                            + "speed-up %.2fx (medians of %d alternating runs: %s); min cosine to the fp32 ONNX vectors %.9f; %s; %s; %s",
                    polymathEncoder(), batchSize, batchTokens, threads, texts, polymathSeconds(), polymathPerSecond(),
                    threads, texts, langchainSeconds(), langchainPerSecond(),
                    speedup(), polymathRuns.size(), runs(), minCosine, memory(), machine, date);
        }

        /** What Polymath's side ran. */
        public String polymathEncoder() {
            return precision == Precision.BF16 ? "DJL/PyTorch BERT, bf16 linear layers" : "ONNX Runtime fp32";
        }

        /** The two peak-RSS readings, in MB. */
        public String memory() {
            return String.format(Locale.ROOT, "peak RSS (VmHWM) %.0f MB with Polymath's encoder loaded and warmed up, %.0f MB at the end with both",
                    peakRssAfterPolymath / 1e6, peakRss / 1e6);
        }
    }

    /** Runs the comparison on {@code texts}; {@code log} receives progress lines (may be a no-op). */
    public static Result run(List<String> texts, int threads, EncoderSettings settings, int repeats, Consumer<String> log) {
        if (texts.isEmpty()) throw new IllegalArgumentException("no texts to benchmark");
        if (repeats < 1) throw new IllegalArgumentException("repeats must be >= 1, got " + repeats);
        List<String> warm = texts.subList(0, Math.min(64, texts.size()));
        List<TextSegment> segments = segments(texts);
        var oursRuns = new ArrayList<Double>();
        var theirsRuns = new ArrayList<Double>();
        var otherCores = new ArrayList<Double>();
        double minCos = 1;
        long peakAfterPolymath;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (SentenceEncoder enc = SentenceEncoders.open(ModelSource.MINILM, settings.withThreads(threads))) {
            enc.encode(warm);
            enc.encode(texts.subList(0, Math.min(texts.size(), 1024))); // more batch shapes, so the high-water mark covers a real run
            peakAfterPolymath = EncoderTrainBench.peakRss();
            var model = new AllMiniLmL6V2EmbeddingModel(pool);
            model.embedAll(segments(warm));
            String oursLabel = enc instanceof OnnxSentenceEncoder o ? o.describe()
                    : "all-MiniLM-L6-v2 on the DJL/PyTorch BERT, " + settings.precision().id() + ", batch=" + settings.batchSize()
                    + " batchTokens=" + settings.batchTokens() + " threads=" + threads;
            log.accept("polymath: " + oursLabel + "; langchain4j: AllMiniLmL6V2EmbeddingModel, " + threads + "-thread executor");
            for (int r = 0; r < repeats; r++) {
                log.accept("run " + (r + 1) + "/" + repeats + ": polymath, then langchain4j, " + texts.size() + " texts each");
                var load = OtherLoad.now();
                long t0 = System.nanoTime();
                FloatMatrix ours = enc.encode(texts);
                oursRuns.add((System.nanoTime() - t0) / 1e9);
                otherCores.add(OtherLoad.now().coresSince(load));
                load = OtherLoad.now();
                t0 = System.nanoTime();
                List<Embedding> theirs = model.embedAll(segments).content();
                theirsRuns.add((System.nanoTime() - t0) / 1e9);
                otherCores.add(OtherLoad.now().coresSince(load));
                for (int i = 0; i < texts.size(); i++) {
                    minCos = Math.min(minCos, FloatMatrix.cosine(ours.row(i), theirs.get(i).vector()));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        if (minCos < COSINE_BAR) {
            throw new IllegalStateException(String.format(Locale.ROOT, "result refused: Polymath's %s vectors reach only cosine %.9f to the fp32"
                    + " ONNX vectors on some text (the bar is %.4f); Polymath %.3f s vs langchain4j %.3f s (medians) would not count",
                    settings.precision().id(), minCos, COSINE_BAR, median(oursRuns), median(theirsRuns)));
        }
        return new Result(texts.size(), threads, settings.batchSize(), settings.batchTokens(), settings.precision(), oursRuns, theirsRuns, otherCores, minCos,
                peakAfterPolymath, EncoderTrainBench.peakRss(), machine(), LocalDate.now().toString());
    }

    static double median(List<Double> xs) {
        double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
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
