package dev.polymath.text.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polymath.core.safetensors.DType;
import dev.polymath.core.safetensors.SafetensorsFile;
import dev.polymath.text.encoder.EncoderSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fine-tune MiniLM a little (LoRA, then merged), save with Hugging Face names, load it back. */
class BertCheckpointTest {

    @Test
    void loraFineTuneSaveAndLoadRoundTrip(@TempDir Path tmp) throws Exception {
        BertSource src = BertTestSupport.source();
        List<String> a = List.of("how do I top up my card", "my card was declined", "what is the weather tomorrow", "play some jazz");
        List<String> b = List.of("can I add money to my card", "why was my payment refused", "set an alarm for 7", "book a table for two");
        float[] y = {1, 1, 0, 0};
        try (BertModel m = src.newModel(BertTestSupport.THREADS);
             var enc = BertSentenceEncoder.over(m, src, EncoderSettings.defaults().withThreads(BertTestSupport.THREADS));
             BertTrainer t = new BertTrainer(m, BertTrainer.Options.defaults().withLearningRate(1e-3))) {
            var before = enc.encode(a);
            String idBefore = enc.identity().modelChecksum();
            m.enableLora(LoraConfig.attention(8, 42));
            assertEquals(before, enc.encode(a), "LoRA at init leaves MiniLM's embeddings unchanged");
            assertEquals(idBefore, enc.checksum(), "same weights, same identity");
            long[][] ta = enc.tokenize(a), tb = enc.tokenize(b);
            float first = CosinePairLoss.trainStep(t, ta, tb, y), last = first;
            for (int i = 0; i < 4; i++) last = CosinePairLoss.trainStep(t, ta, tb, y);
            assertTrue(last < first, "contrastive loss " + first + " -> " + last);
            assertTrue(!enc.checksum().equals(idBefore), "identity follows the weights");
            var tuned = enc.encode(a);

            Path out = tmp.resolve("tuned");
            BertCheckpoint.save(m, src.tokenizerJson(), 256, out);
            for (String f : BertCheckpoint.files()) assertTrue(Files.isRegularFile(out.resolve(f)), f);
            try (var f = SafetensorsFile.open(out.resolve("model.safetensors"))) {
                assertEquals(new TreeSet<>(BertWeights.expectedShapes(src.config()).keySet()), new TreeSet<>(f.tensors().keySet()));
                assertTrue(f.contains("embeddings.word_embeddings.weight") && f.contains("encoder.layer.0.attention.self.query.weight"));
                assertEquals(DType.F32, f.info("encoder.layer.5.output.dense.weight").dtype());
                assertArrayEquals(new long[] {384, 1536}, f.info("encoder.layer.5.output.dense.weight").shape());
                assertEquals("pt", f.metadata().get("format"));
            }
            var cfg = new ObjectMapper().readTree(out.resolve("config.json").toFile());
            assertEquals("bert", cfg.get("model_type").asText());
            assertEquals(384, cfg.get("hidden_size").asInt());
            assertEquals(1e-12, cfg.get("layer_norm_eps").asDouble());
            assertEquals(src.config(), BertConfig.read(out.resolve("config.json")));
            BertCheckpoint.saveAdapters(m, tmp.resolve("adapters.safetensors"));

            BertSource loaded = BertSource.fromFolder(out);
            assertEquals(256, loaded.defaultMaxLength());
            var exported = m.exportWeights();
            for (var e : exported.tensors().entrySet()) {
                assertArrayEquals(e.getValue().data(), loaded.weights().get(e.getKey()).data(), e.getKey());
            }
            try (var enc2 = BertSentenceEncoder.open(loaded, EncoderSettings.defaults().withThreads(BertTestSupport.THREADS))) {
                var again = enc2.encode(a);
                for (int i = 0; i < a.size(); i++) assertTrue(again.cosine(i, tuned, i) > 0.99999, "row " + i);
                assertEquals(enc.checksum(), enc2.checksum(), "same weights after the round trip");
            }
        }
    }
}
