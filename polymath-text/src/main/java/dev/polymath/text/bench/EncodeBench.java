package dev.polymath.text.bench;

import dev.polymath.core.bench.BenchContext;
import dev.polymath.core.bench.BenchResult;
import dev.polymath.core.bench.BenchSide;
import dev.polymath.core.bench.Benchmark;
import dev.polymath.core.bench.Figure;
import dev.polymath.text.data.TextDatasets;
import dev.polymath.text.encoder.EncoderSettings;
import dev.polymath.text.encoder.Precision;

import java.util.LinkedHashMap;
import java.util.List;

/**
 * {@code polymath bench encode}: sentences per second embedding the BANKING77 test set with MiniLM, Polymath's
 * batched encoder (bf16 on the DJL/PyTorch BERT where the CPU has native bf16, else float32 ONNX) vs langchain4j's {@code AllMiniLmL6V2EmbeddingModel} (the peer here is a JVM library,
 * run in the same process on the same texts).
 */
public final class EncodeBench implements Benchmark {
    @Override
    public String name() {
        return "encode";
    }

    @Override
    public String description() {
        return "MiniLM embeddings of BANKING77 test (3080 texts): batched encoder (DJL bf16 where the CPU has avx512_bf16, else ONNX fp32)"
                + " vs langchain4j, same texts, same run"
                + " (options: precision=bf16|fp32, batch, batch-tokens, repeats, input)";
    }

    /**
     * bf16 where the CPU multiplies bf16 natively (avx512_bf16 / AMX): on the project's machine it is 1.35x the fp32
     * ONNX encoder with every BANKING77 vector within the cosine bar (docs/results/encoders.md); fp32 ONNX elsewhere.
     */
    static Precision defaultPrecision() {
        return Precision.cpuHasNativeBf16() ? Precision.BF16 : Precision.FP32;
    }

    @Override
    public BenchResult run(BenchContext ctx) {
        List<String> texts = TextDatasets.texts(ctx.option("input", "banking77:test"));
        if (ctx.quick()) texts = texts.subList(0, Math.min(256, texts.size()));
        var settings = EncoderSettings.defaults()
                .withBatchSize(Integer.parseInt(ctx.option("batch", String.valueOf(EncoderSettings.DEFAULT_BATCH_SIZE))))
                .withBatchTokens(Integer.parseInt(ctx.option("batch-tokens", String.valueOf(EncoderSettings.DEFAULT_BATCH_TOKENS))))
                .withPrecision(Precision.parse(ctx.option("precision", defaultPrecision().id())));
        int repeats = Integer.parseInt(ctx.option("repeats", ctx.quick() ? "1" : "3"));
        var r = EncodeBenchmark.run(texts, ctx.threads(), settings, repeats, ctx.log()::println);
        var common = new LinkedHashMap<String, Object>();
        common.put("texts", r.texts());
        common.put("model", "all-MiniLM-L6-v2 (the ONNX file in the langchain4j jar)");
        common.put("machine", r.machine());
        common.put("timing", "median of " + r.polymathRuns().size() + " alternating runs per side");
        var ours = new LinkedHashMap<String, Object>(common);
        ours.put("encoder", r.polymathEncoder());
        ours.put("batch", r.batchSize());
        ours.put("batch_tokens", r.batchTokens());
        ours.put("encoder_threads", r.threads());
        var theirs = new LinkedHashMap<String, Object>(common);
        theirs.put("encoder", "ONNX Runtime fp32");
        theirs.put("executor_threads", r.threads());
        theirs.put("batching", "none (one text per ONNX call, langchain4j default)");
        return new BenchResult(name(), description(),
                new BenchSide("polymath", ours, List.of(Figure.rate("sentences_per_second", r.polymathPerSecond(), "sentences/s"))),
                new BenchSide("langchain4j", theirs, List.of(Figure.rate("sentences_per_second", r.langchainPerSecond(), "sentences/s"))),
                null,
                List.of(String.format(java.util.Locale.ROOT, "min cosine between Polymath's %s vectors and the fp32 ONNX vectors (langchain4j's)"
                        + " over all %d texts and runs: %.9f (bar: %.4f)", r.precision().id(), r.texts(), r.minCosine(), EncodeBenchmark.COSINE_BAR), r.memory() + " (one process holds both sides, so the second figure is not langchain4j's alone)",
                        r.runs()));
    }
}
