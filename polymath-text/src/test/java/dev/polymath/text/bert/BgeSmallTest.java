package dev.polymath.text.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.polymath.text.FloatMatrix;
import dev.polymath.text.SentenceEncoders;
import dev.polymath.text.encoder.BuiltinEncoder;
import dev.polymath.text.encoder.EncoderSettings;
import dev.polymath.text.encoder.ModelLoadException;
import dev.polymath.text.encoder.ModelSource;
import dev.polymath.text.encoder.OnnxSentenceEncoder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The built-in {@code bge-small}: found by name, its 12 layers loaded into the trainable BERT, same vectors as ONNX Runtime. */
class BgeSmallTest {

    @Test
    void namesResolveCaseInsensitivelyAndUnknownNamesAreFolders() {
        assertEquals(BuiltinEncoder.BGE_SMALL, BuiltinEncoder.find(" BGE-Small ").orElseThrow());
        assertEquals(BuiltinEncoder.MINILM, BuiltinEncoder.find("minilm").orElseThrow());
        assertTrue(BuiltinEncoder.find("bge-base").isEmpty());
        var e = assertThrows(ModelLoadException.class, () -> ModelSource.resolve("bge-base"));
        assertTrue(e.getMessage().contains("bge-base") && e.getMessage().contains("'bge-small'"), e.getMessage());
        assertEquals(SentenceEncoders.Runtime.ONNX, SentenceEncoders.runtimeFor("bge-small"));
    }

    @Test
    void djlForwardMatchesOnnxRuntimeAndMeaningIsKept() {
        var onnxSource = ModelSource.resolve("bge-small");
        assertEquals(30522, onnxSource.validate());
        assertEquals(512, onnxSource.defaultMaxLength());
        var bert = BertSource.resolve("bge-small");
        assertEquals(12, bert.config().numLayers());
        List<String> texts = List.of("How do I activate my new card?", "My card has not arrived yet.",
                "What is the weather like in Paris tomorrow?", "", "Héllo wörld! 😀 123");
        var settings = EncoderSettings.defaults().withThreads(1);
        FloatMatrix onnx;
        try (var enc = OnnxSentenceEncoder.open(onnxSource, settings)) {
            onnx = enc.encode(texts);
        }
        try (var djl = BertSentenceEncoder.open(bert, settings)) {
            FloatMatrix ours = djl.encode(texts);
            for (int i = 0; i < texts.size(); i++) assertTrue(ours.cosine(i, onnx, i) >= 0.9999, "text " + i + ": " + ours.cosine(i, onnx, i));
        }
        // the two card questions are closer to each other than either is to the weather
        assertTrue(onnx.cosine(0, onnx, 1) > onnx.cosine(0, onnx, 2) + 0.1, "card/card " + onnx.cosine(0, onnx, 1) + " card/weather " + onnx.cosine(0, onnx, 2));
        // not MiniLM under another name
        try (var mini = OnnxSentenceEncoder.open(ModelSource.builtinMiniLm(), settings)) {
            assertTrue(mini.encode(texts.subList(0, 1)).cosine(0, onnx, 0) < 0.5);
        }
    }
}
