package dev.polymath.text.bench;

import dev.polymath.text.data.TextDatasets;

/** Manual runner: java ... BenchMain [threads] [batch] [limit]. Not a test. */
public final class BenchMain {
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        var texts = TextDatasets.texts("banking77:test");
        if (args.length > 2) texts = texts.subList(0, Integer.parseInt(args[2]));
        System.out.println(EncodeBenchmark.run(texts, threads, batch, System.err::println).table());
    }
}
