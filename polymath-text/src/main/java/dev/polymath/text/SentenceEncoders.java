package dev.polymath.text;

import dev.polymath.text.bert.BertSentenceEncoder;
import dev.polymath.text.bert.BertSource;
import dev.polymath.text.encoder.BuiltinEncoder;
import dev.polymath.text.encoder.EncoderSettings;
import dev.polymath.text.encoder.ModelSource;
import dev.polymath.text.encoder.OnnxSentenceEncoder;
import dev.polymath.text.encoder.Precision;
import dev.polymath.text.encoder.SentenceEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Opens the sentence encoder a model spec names: ONNX Runtime when there is an ONNX graph (a built-in such as {@code minilm}, or a folder
 * with {@code model.onnx} / {@code onnx/model.onnx}); the DJL/PyTorch BERT forward for a Hugging Face folder that has
 * only safetensors weights (same pooling and normalization; slower, but no export step needed).
 */
public final class SentenceEncoders {
    private SentenceEncoders() {}

    /** Which runtime {@link #open} uses for {@code spec}. */
    public enum Runtime { ONNX, DJL }

    public static Runtime runtimeFor(String spec) {
        if (spec == null || spec.isBlank() || BuiltinEncoder.find(spec).isPresent()) return Runtime.ONNX;
        Path dir = Path.of(spec.trim());
        if (!Files.isDirectory(dir) || Files.isRegularFile(dir.resolve("model.onnx")) || Files.isRegularFile(dir.resolve("onnx").resolve("model.onnx"))) {
            return Runtime.ONNX; // ModelSource gives the error for a missing or incomplete folder
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".safetensors")) ? Runtime.DJL : Runtime.ONNX;
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The encoder for {@code spec}. bf16 {@linkplain EncoderSettings#precision() precision} always runs on DJL (ONNX
     * Runtime's CPU provider has no bf16 MatMul), with batches side by side on one PyTorch thread each
     * ({@link BertSentenceEncoder#openForInference}); a float32 folder without ONNX keeps PyTorch's threads within a batch.
     */
    public static SentenceEncoder open(String spec, EncoderSettings settings) {
        if (settings.precision() == Precision.BF16) return BertSentenceEncoder.openForInference(BertSource.resolve(spec), settings);
        return runtimeFor(spec) == Runtime.DJL
                ? BertSentenceEncoder.open(BertSource.resolve(spec), settings)
                : OnnxSentenceEncoder.open(ModelSource.resolve(spec), settings);
    }
}
