package dev.polymath.text.bench;

import dev.polymath.text.data.TextDatasets;
import dev.polymath.text.encoder.EncoderSettings;

/** Manual runner: java ... BenchMain [threads] [batch] [batchTokens] [limit]. Not a test. */
public final class BenchMain {
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : EncoderSettings.DEFAULT_BATCH_SIZE;
        int batchTokens = args.length > 2 ? Integer.parseInt(args[2]) : EncoderSettings.DEFAULT_BATCH_TOKENS;
        var texts = TextDatasets.texts("banking77:test");
        if (args.length > 3) texts = texts.subList(0, Integer.parseInt(args[3]));
        var settings = EncoderSettings.defaults().withBatchSize(batch).withBatchTokens(batchTokens);
        System.out.println(EncodeBenchmark.run(texts, threads, settings, 3, System.err::println).table());
    }
}
