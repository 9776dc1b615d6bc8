package dev.polymath.cli;

import dev.polymath.text.FloatMatrix;
import dev.polymath.text.SentenceEncoders;
import dev.polymath.text.cache.CachedEncoder;
import dev.polymath.text.cache.EmbeddingCache;
import dev.polymath.text.data.TextDatasets;
import dev.polymath.text.encoder.EncoderSettings;
import dev.polymath.text.encoder.OnnxSentenceEncoder;
import dev.polymath.text.encoder.Pooling;
import dev.polymath.text.encoder.Precision;
import dev.polymath.text.encoder.ProgressListener;
import dev.polymath.text.encoder.SentenceEncoder;
import dev.polymath.text.eval.QuickEval;
import dev.polymath.text.io.EmbeddingFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code polymath encode}: sentence embeddings with a pretrained encoder, or its quick MTEB-style evaluation. */
@Command(name = "encode", mixinStandardHelpOptions = true,
        description = {"Embeds texts with a pretrained sentence encoder (ONNX Runtime, batched), or evaluates one.",
                "",
                "  polymath encode --input banking77:test --output emb.npy",
                "  polymath encode --model path/to/hf-folder --input texts.txt --output emb.safetensors",
                "  polymath encode --eval",
                "  polymath encode --check     (DJL/PyTorch BERT vs ONNX on a fixed 200-sentence sample)"})
public final class EncodeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", defaultValue = "minilm", paramLabel = "minilm|bge-small|FOLDER",
            description = "'minilm' (built-in all-MiniLM-L6-v2), 'bge-small' (built-in bge-small-en-v1.5) or a Hugging Face folder with tokenizer.json and model.onnx (run on ONNX Runtime) or only config.json + model.safetensors (run on the DJL/PyTorch BERT). Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--input", paramLabel = "FILE|DATASET:SPLIT",
            description = "A UTF-8 file with one text per line, or banking77:train|test, stsb:train|dev|test (all first sentences, then all second).")
    String input;

    @Option(names = "--output", paramLabel = "FILE", description = "Where to write the embeddings: a .npy or .safetensors file (written atomically).")
    Path output;

    @Option(names = "--eval", description = "Run the quick MTEB-style evaluation (Banking77Classification, STSBenchmark) instead of writing embeddings.")
    boolean eval;

    @Option(names = "--check", description = "Check that the trainable DJL/PyTorch BERT (same weights) gives the ONNX encoder's embeddings"
            + " on a fixed 200-sentence sample (or --input): min/mean cosine, max abs difference, timing. Exit 1 below cosine 0.9999.")
    boolean check;

    @Option(names = "--batch-size", defaultValue = "" + EncoderSettings.DEFAULT_BATCH_SIZE, description = "At most this many texts per forward pass. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--batch-tokens", defaultValue = "" + EncoderSettings.DEFAULT_BATCH_TOKENS,
            description = "At most this many padded tokens (texts x longest text) per forward pass; 0 = no limit. Default: ${DEFAULT-VALUE}.")
    int batchTokens;

    @Option(names = "--threads", defaultValue = "0", description = "Batches encoded side by side (one core each); 0 = all cores (or POLYMATH_THREADS).")
    int threads;

    @Option(names = "--pooling", defaultValue = "mean", paramLabel = "mean|cls", description = "Token pooling. Default: ${DEFAULT-VALUE}.")
    String pooling;

    @Option(names = "--no-normalize", description = "Do not L2-normalize the embeddings.")
    boolean noNormalize;

    @Option(names = "--max-length", defaultValue = "0", description = "Max tokens per text (longer texts are truncated, with a warning); 0 = the model's default (256 for minilm).")
    int maxLength;

    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|bf16",
            description = "fp32, or bf16: linear layers in bfloat16 on the DJL/PyTorch BERT (about 1.35x the fp32 ONNX encoder on a CPU with"
                    + " avx512_bf16; vectors within cosine 0.9999 of fp32 on BANKING77; slower than fp32 on CPUs without it). Default: ${DEFAULT-VALUE}.")
    String precision;

    @Option(names = "--cache", paramLabel = "DIR", description = "Embedding cache folder: texts embedded before with the same model and settings are not encoded again.")
    Path cache;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (check) {
            if (eval || output != null || cache != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--check takes only --model, --input and the encoder settings");
            }
            return ParityCheck.run(model, input, new EncoderSettings(batchSize, batchTokens, maxLength, threads, Pooling.parse(pooling), !noNormalize, Precision.parse(precision)), out, err);
        }
        if (!eval && (input == null || output == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --input and --output, or --eval");
        }
        if (eval && (input != null || output != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--eval uses its own data; leave out --input and --output");
        }
        var settings = new EncoderSettings(batchSize, batchTokens, maxLength, threads, Pooling.parse(pooling), !noNormalize, Precision.parse(precision));
        List<String> texts = eval ? List.of() : TextDatasets.texts(input);
        if (!eval) {
            String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
            if (!name.endsWith(".npy") && !name.endsWith(".safetensors")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--output must end in .npy or .safetensors: " + output);
            }
        }
        SentenceEncoder base = SentenceEncoders.open(model, settings);
        OnnxSentenceEncoder onnx = base instanceof OnnxSentenceEncoder o ? o : null;
        String description = onnx != null ? onnx.describe()
                : settings.precision() == Precision.BF16 ? "DJL/PyTorch BERT " + model + ", bf16 linear layers " + base.identity()
                : "DJL/PyTorch BERT from the safetensors in " + model + " (no model.onnx) " + base.identity();
        err.println("encode: model " + description);
        err.flush();
        SentenceEncoder opened = base;
        if (cache != null) {
            try {
                opened = new CachedEncoder(base, new EmbeddingCache(cache));
            } catch (RuntimeException e) {
                base.close();
                throw e;
            }
        }
        try (SentenceEncoder encoder = opened) {
            if (eval) {
                var result = QuickEval.run(encoder, description, line -> { err.println("encode: " + line); err.flush(); });
                out.println(result.table());
                out.flush();
                if (onnx != null) reportTruncation(onnx, err);
                return 0;
            }
            long t0 = System.nanoTime();
            FloatMatrix emb = encoder.encode(texts, progress(err));
            double secs = (System.nanoTime() - t0) / 1e9;
            var meta = new LinkedHashMap<String, String>();
            meta.put("model", onnx != null ? onnx.source().name() : model);
            meta.put("model_sha256", base.identity().modelChecksum());
            meta.put("pooling", settings.pooling().id());
            meta.put("normalize", Boolean.toString(settings.normalize()));
            meta.put("precision", settings.precision().id());
            meta.put("max_length", Integer.toString(base.identity().maxLength()));
            meta.put("input", input);
            EmbeddingFiles.write(output, emb, meta);
            if (onnx != null) reportTruncation(onnx, err);
            if (encoder instanceof CachedEncoder c) {
                err.println("encode: cache " + c.namespace().dir() + ": " + c.hits() + " hits, " + c.misses() + " encoded");
            }
            out.printf(Locale.ROOT, "wrote %d x %d embeddings to %s (%.1f s, %.0f texts/s)%n",
                    emb.rows(), emb.cols(), output, secs, secs > 0 ? emb.rows() / secs : 0);
            out.flush();
            return 0;
        }
    }

    private static void reportTruncation(OnnxSentenceEncoder onnx, PrintWriter err) {
        var st = onnx.stats();
        if (st.truncated() > 0) {
            err.println("encode: warning: " + st.truncated() + " of " + st.texts() + " texts were longer than " + onnx.maxLength()
                    + " tokens (longest " + st.longest() + ") and were truncated; see --max-length");
            err.flush();
        }
    }

    /** A line on stderr at most every 2 seconds, and at the end. */
    private static ProgressListener progress(PrintWriter err) {
        long start = System.nanoTime();
        long[] last = {start};
        return (done, total) -> {
            long now = System.nanoTime();
            if (done < total && now - last[0] < 2_000_000_000L) return;
            last[0] = now;
            double secs = (now - start) / 1e9;
            err.printf(Locale.ROOT, "encode: %d/%d texts (%.0f%%), %.0f texts/s%n", done, total, 100.0 * done / Math.max(1, total),
                    secs > 0 ? done / secs : 0);
            err.flush();
        };
    }
}
