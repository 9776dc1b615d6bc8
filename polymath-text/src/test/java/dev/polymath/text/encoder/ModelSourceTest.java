package dev.polymath.text.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.polymath.text.FloatMatrix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSourceTest {

    @Test
    void builtinHasChecksumAndWordEmbeddingShape() {
        var src = MiniLmTestSupport.source();
        assertEquals(64, src.checksum().length());
        assertEquals(30522, src.validate());
        long[] shape = src.initializerShapes().get("embeddings.word_embeddings.weight");
        assertEquals(2, shape.length);
        assertEquals(384, shape[1]);
        assertEquals(30522, TokenizerJson.vocabularySize(src.tokenizerJson(), "t"));
    }

    @Test
    void missingFolder(@TempDir Path tmp) {
        var e = assertThrows(ModelLoadException.class, () -> ModelSource.resolve(tmp.resolve("nope").toString()));
        assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains("nope"), e.getMessage());
    }

    @Test
    void missingTokenizer(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("config.json"), "{}");
        var e = assertThrows(ModelLoadException.class, () -> ModelSource.fromFolder(tmp));
        assertTrue(e.getMessage().contains("no tokenizer.json"), e.getMessage());
    }

    @Test
    void safetensorsOnlyFolderSaysOnnxIsNeeded(@TempDir Path tmp) throws IOException {
        Files.write(tmp.resolve("tokenizer.json"), MiniLmTestSupport.source().tokenizerJson());
        Files.writeString(tmp.resolve("config.json"), "{\"vocab_size\": 30522}");
        Files.write(tmp.resolve("model.safetensors"), new byte[16]);
        var e = assertThrows(ModelLoadException.class, () -> ModelSource.fromFolder(tmp));
        assertTrue(e.getMessage().contains("no model.onnx") && e.getMessage().contains("export"), e.getMessage());
    }

    @Test
    void vocabularyMismatchNamesBothFiles(@TempDir Path tmp) throws IOException {
        String tok = new String(MiniLmTestSupport.source().tokenizerJson(), StandardCharsets.UTF_8);
        // one added token beyond the 30522-row embedding table
        String bigger = tok.replaceFirst("\"added_tokens\"\\s*:\\s*\\[",
                "\"added_tokens\":[{\"id\":30522,\"content\":\"[EXTRA]\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true},");
        Files.writeString(tmp.resolve("tokenizer.json"), bigger);
        Files.write(tmp.resolve("model.onnx"), MiniLmTestSupport.source().onnxBytes());
        var src = ModelSource.fromFolder(tmp);
        var e = assertThrows(ModelLoadException.class, src::validate);
        assertTrue(e.getMessage().contains("vocabulary mismatch") && e.getMessage().contains("tokenizer.json")
                && e.getMessage().contains("model.onnx") && e.getMessage().contains("30522"), e.getMessage());
        assertThrows(ModelLoadException.class, () -> OnnxSentenceEncoder.open(src, EncoderSettings.defaults()));
    }

    @Test
    void folderModelEncodesLikeBuiltin(@TempDir Path tmp) throws IOException {
        Files.write(tmp.resolve("tokenizer.json"), MiniLmTestSupport.source().tokenizerJson());
        Files.createDirectories(tmp.resolve("onnx"));
        Files.write(tmp.resolve("onnx").resolve("model.onnx"), MiniLmTestSupport.source().onnxBytes());
        Files.writeString(tmp.resolve("config.json"), "{\"vocab_size\": 30522, \"max_position_embeddings\": 512}");
        Files.writeString(tmp.resolve("sentence_bert_config.json"), "{\"max_seq_length\": 128}");
        var src = ModelSource.resolve(tmp.toString());
        assertEquals(128, src.defaultMaxLength());
        assertEquals(MiniLmTestSupport.source().checksum(), src.checksum());
        try (var enc = OnnxSentenceEncoder.open(src, EncoderSettings.defaults().withThreads(2))) {
            FloatMatrix a = enc.encode(List.of("The weather is lovely today."));
            FloatMatrix b = MiniLmTestSupport.encoder().encode(List.of("The weather is lovely today."));
            assertEquals(1.0, a.cosine(0, b, 0), 1e-6);
            assertEquals(128, enc.identity().maxLength());
        }
    }

    @Test
    void maxLengthBeyondPositionsIsRejected() {
        var e = assertThrows(ModelLoadException.class,
                () -> OnnxSentenceEncoder.open(MiniLmTestSupport.source(), EncoderSettings.defaults().withMaxLength(1000)));
        assertTrue(e.getMessage().contains("512"), e.getMessage());
    }

    @Test
    void nullTextIsRejectedEmptyIsAllowed() {
        var enc = MiniLmTestSupport.encoder();
        var list = new java.util.ArrayList<String>();
        list.add(null);
        assertThrows(IllegalArgumentException.class, () -> enc.encode(list));
        assertEquals(384, enc.encode("").length);
        assertEquals(0, enc.encode(List.of()).rows());
    }
}
