package dev.polymath.text.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.polymath.text.FloatMatrix;
import dev.polymath.text.encoder.EncoderSettings;
import dev.polymath.text.encoder.MiniLmTestSupport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The DJL forward pass gives the ONNX encoder's embeddings (same weights, same tokenizer). */
class BertParityTest {

    @Test
    void djlMatchesOnnxOnTheFixedSample() {
        List<String> texts = new ArrayList<>(ParitySample.texts());
        assertEquals(200, texts.size());
        assertEquals(200, texts.stream().distinct().count() + (texts.size() - texts.stream().distinct().count()));
        FloatMatrix onnx = MiniLmTestSupport.encoder().encode(texts);
        try (var djl = BertSentenceEncoder.over(BertTestSupport.model(), BertTestSupport.source(), EncoderSettings.defaults().withThreads(BertTestSupport.THREADS))) {
            FloatMatrix ours = djl.encode(texts);
            double min = 1;
            for (int i = 0; i < texts.size(); i++) min = Math.min(min, ours.cosine(i, onnx, i));
            assertTrue(min >= 0.9999, "min cosine " + min);
        }
    }

    @Test
    void edgeCasesMatchToo() {
        String longText = "the quick brown fox jumps over the lazy dog ".repeat(80);
        List<String> texts = List.of("", "a", longText, "Héllo wörld! 😀 123");
        FloatMatrix onnx = MiniLmTestSupport.encoder().encode(texts);
        try (var djl = BertSentenceEncoder.over(BertTestSupport.model(), BertTestSupport.source(), EncoderSettings.defaults().withThreads(BertTestSupport.THREADS).withBatchSize(3))) {
            FloatMatrix ours = djl.encode(texts);
            for (int i = 0; i < texts.size(); i++) assertTrue(ours.cosine(i, onnx, i) >= 0.9999, "text " + i + ": " + ours.cosine(i, onnx, i));
        }
    }
}
