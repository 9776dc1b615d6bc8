package dev.polymath.cli;

import dev.polymath.text.cache.CachedEncoder;
import dev.polymath.text.cache.EmbeddingCache;
import dev.polymath.text.encoder.EncoderSettings;
import dev.polymath.text.SentenceEncoders;
import dev.polymath.text.encoder.SentenceEncoder;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options that open a sentence encoder (with an on-disk embedding cache by default). */
final class EncoderOptions {
    @Option(names = "--encoder", defaultValue = "minilm", paramLabel = "minilm|bge-small|FOLDER",
            description = "sentence encoder: 'minilm' (built-in all-MiniLM-L6-v2), 'bge-small' (built-in bge-small-en-v1.5, 12 layers) or a Hugging Face folder with tokenizer.json and model.onnx, or config.json + model.safetensors (DJL BERT) (default: ${DEFAULT-VALUE})")
    String model = "minilm";

    @Option(names = "--encoder-threads", defaultValue = "0", description = "sentence-encoder threads; 0 = all cores")
    int threads;

    @Option(names = "--cache", paramLabel = "DIR", description = "embedding cache (default: ~/.cache/polymath/embeddings)")
    Path cache;

    @Option(names = "--no-cache", description = "always encode, never read or write the embedding cache")
    boolean noCache;

    SentenceEncoder open() {
        return open(model);
    }

    SentenceEncoder open(String modelSpec) {
        var onnx = SentenceEncoders.open(modelSpec, EncoderSettings.defaults().withThreads(threads));
        if (noCache) return onnx;
        Path dir = cache != null ? cache : Path.of(System.getProperty("user.home"), ".cache", "polymath", "embeddings");
        try {
            return new CachedEncoder(onnx, new EmbeddingCache(dir));
        } catch (RuntimeException e) {
            onnx.close();
            throw e;
        }
    }
}
