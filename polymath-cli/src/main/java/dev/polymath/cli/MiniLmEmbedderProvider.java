package dev.polymath.cli;

import dev.polymath.icl.select.Embedder;
import dev.polymath.icl.select.EmbedderProvider;
import dev.polymath.text.encoder.OnnxSentenceEncoder;

import java.util.List;

/** {@code --embedder minilm}: the built-in all-MiniLM-L6-v2 (ONNX) for the demonstration selectors and memory. */
public final class MiniLmEmbedderProvider implements EmbedderProvider {
    @Override
    public String name() {
        return "minilm";
    }

    @Override
    public String description() {
        return "all-MiniLM-L6-v2, 384 dimensions, mean pooling, L2-normalized (ONNX, built in)";
    }

    @Override
    public Embedder create() {
        // Opened lazily and kept for the life of the command (a CLI process), which ends with the JVM.
        var encoder = OnnxSentenceEncoder.miniLm();
        return new Embedder() {
            @Override
            public String name() {
                return "minilm sha256=" + encoder.identity().modelChecksum();
            }

            @Override
            public int dimension() {
                return encoder.dimension();
            }

            @Override
            public float[][] embed(List<String> texts) {
                return encoder.encode(texts).toArrays();
            }
        };
    }
}
